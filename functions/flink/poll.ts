import { DeadlineExceededError } from './errors.js';
import { sleep } from '../commons/sleep.js';

export interface PollOptions {
  /** How long to wait in all before giving up. */
  deadlineMs: number;
  /** Pause between two looks. */
  intervalMs?: number;
}

/**
 * Calls `look` until it returns a value (not undefined) or the deadline passes, then throws
 * `DeadlineExceededError`. Never waits past the deadline: the last pause is shortened.
 */
export async function pollUntil<T>(
  operation: string,
  look: () => Promise<T | undefined>,
  { deadlineMs, intervalMs = 500 }: PollOptions,
  now: () => number = Date.now,
): Promise<T> {
  const deadline = now() + deadlineMs;
  for (;;) {
    const value = await look();
    if (value !== undefined) return value;
    const left = deadline - now();
    if (left <= 0) throw new DeadlineExceededError(operation, deadlineMs, false);
    await sleep(Math.min(intervalMs, left));
  }
}
