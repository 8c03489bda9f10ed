/**
 * What the end-to-end scenarios on real Flink read from outside: the example job's counter (its
 * `max-count` accumulator, which proves where state came from), Flink's live job states, and the
 * status that means "stable on this spec".
 */
import type { JobRecord } from '../../functions/core/model/index.js';
import type { FlinkRestClient } from '../../functions/flink/index.js';

/** Flink job states in which a copy of the job runs or is about to. */
export const LIVE_STATES: ReadonlySet<string> = new Set([
  'CREATED',
  'INITIALIZING',
  'RUNNING',
  'RESTARTING',
  'RECONCILING',
]);

/** The counter of the example job `jobId` (0 before its first report). */
export async function counterOf(flink: FlinkRestClient, jobId: string): Promise<number> {
  return Number((await flink.getAccumulators(jobId))['max-count'] ?? 0);
}

/** Waits until the counter passes `above` (accumulators arrive with TaskManager heartbeats). */
export async function counterAbove(
  flink: FlinkRestClient,
  jobId: string,
  above: number,
  intervalMs = 500,
): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await counterOf(flink, jobId);
    if (value > above) return value;
    if (Date.now() > deadline)
      throw new Error(`counter of ${jobId} stayed at ${value}, not above ${above}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** STABLE on the spec `hash`, with no operation left. */
export const stableAt = (hash: string) => (r: JobRecord) =>
  r.status.phase === 'STABLE' &&
  r.status.lastStable?.specHash === hash &&
  r.status.operation === undefined;
