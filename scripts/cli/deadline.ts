/**
 * The time budget of one command (`--timeout`): every HTTP request and every wait draws on it,
 * so a command never runs longer than it was told to, however many requests it makes.
 */
import { CliError, EXIT } from './errors.js';
import { formatDuration } from './duration.js';

/** A point in time the command must finish by. */
export class Deadline {
  private readonly end: number;

  /**
   * @param budgetMs the whole budget, from now.
   * @param now the clock (tests move it).
   */
  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.end = now() + budgetMs;
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.end - this.now());
  }

  /** Whether the budget is spent. */
  expired(): boolean {
    return this.remainingMs() === 0;
  }

  /** The error to report when the budget ran out while doing `what`. */
  timeoutError(what: string): CliError {
    return new CliError(`Timed out after ${formatDuration(this.budgetMs)} ${what}`, {
      exitCode: EXIT.FAILED,
      remedy: 'Retry with a longer --timeout.',
    });
  }
}
