/**
 * One fjc submission in flight per cluster. Flink's PythonDriver finds a REST submission's
 * execution environment through JVM-global state that any other submission ending on the same
 * JobManager clears (README "PyFlink"); fjc's launcher guards against that inside the JobManager,
 * and this lock keeps fjc's own submissions (jar, PyFlink, any kind) from overlapping on a cluster
 * in the first place. It is held only around the run call, so the cost is one short queue.
 */
import type { JobRecord } from '../model/index.js';
import type { ControlContext, SubmissionLock } from '../ports/index.js';
import type { Wait } from './steps/step.js';

/**
 * How long a submission may hold its cluster's lock: above the longest run call (fjc's 60 s
 * timeout of POST /jars/:id/run, plus an upload), so a live holder never loses it; a holder that
 * died blocks the cluster for at most this long.
 */
export const SUBMISSION_LOCK_TTL_MS = 150_000;

/** The pause before asking again for a held lock: a submission takes seconds. */
export const SUBMISSION_LOCK_RETRY_SECONDS = 2;

/**
 * The owner of a submission's lock: the job's operation, so a worker that takes the operation over
 * after a crash resumes with the lock it held.
 */
export function submissionLockOwner(record: JobRecord): string {
  return `${record.name}/${record.status.operation?.id ?? 'no-operation'}`;
}

/** The wait of a submit step whose cluster's lock another submission holds. */
export function waitForSubmissionLock(
  clusterRef: string,
  held: Extract<SubmissionLock, { acquired: false }>,
): Wait {
  return {
    type: 'wait',
    seconds: SUBMISSION_LOCK_RETRY_SECONDS,
    summary: `waiting for another submission on cluster ${clusterRef} (${held.owner}, until ${held.expiresAt} at the latest)`,
  };
}

/** Takes the lock of `clusterRef` for `owner` (see {@link SUBMISSION_LOCK_TTL_MS}). */
export function acquireSubmissionLock(
  ctx: ControlContext,
  clusterRef: string,
  owner: string,
): Promise<SubmissionLock> {
  return ctx.store.acquireSubmissionLock(clusterRef, owner, SUBMISSION_LOCK_TTL_MS, ctx.now());
}

/**
 * Gives the lock back. Best effort: a release that fails leaves the lock to expire, which delays
 * the cluster's next submission by at most the TTL and never fails this one.
 */
export async function releaseSubmissionLock(
  ctx: ControlContext,
  clusterRef: string,
  owner: string,
): Promise<void> {
  await ctx.store.releaseSubmissionLock(clusterRef, owner).catch(() => undefined);
}
