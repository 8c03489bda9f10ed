/**
 * One fjc submission in flight per cluster. Flink's PythonDriver finds a REST submission's
 * execution environment through JVM-global state that any other submission ending on the same
 * JobManager clears (README "PyFlink"); fjc's launcher guards against that inside the JobManager,
 * and this lock keeps fjc's own submissions (jar, PyFlink, any kind) from overlapping on a cluster
 * in the first place. It is held only around the upload and run call, so the cost is one short
 * queue.
 */
import type { JobRecord } from '../model/index.js';
import type { ControlContext, SubmissionLock } from '../ports/index.js';
import type { Wait } from './steps/step.js';

/**
 * How long the lock lasts unless renewed, by default: a job lease's time-to-live. Its holder
 * renews it while it submits ({@link holdSubmissionLock}), so a slow upload never loses it, and a
 * holder that died blocks the cluster's submissions for at most this long.
 */
export const SUBMISSION_LOCK_TTL_MS = 60_000;

/** The lock's time-to-live in this context: the lease's (`FJC_LEASE_TTL_SECONDS`), else the default. */
export function submissionLockTtlMs(ctx: Pick<ControlContext, 'leaseTtlMs'>): number {
  return ctx.leaseTtlMs ?? SUBMISSION_LOCK_TTL_MS;
}

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

/** Takes the lock of `clusterRef` for `owner` (see {@link submissionLockTtlMs}). */
export function acquireSubmissionLock(
  ctx: ControlContext,
  clusterRef: string,
  owner: string,
): Promise<SubmissionLock> {
  return ctx.store.acquireSubmissionLock(clusterRef, owner, submissionLockTtlMs(ctx), ctx.now());
}

/**
 * Runs `work` (a submission: upload and run call) with the lock `owner` has just taken, renewing
 * it whenever a third of its time-to-live has passed, then gives it back. A renewal that fails
 * (the store unreachable, or the lock lost) is left alone: the submission itself is not worth
 * stopping for it, and its job id keeps a second submission of the same job from doubling it.
 */
export async function holdSubmissionLock<T>(
  ctx: ControlContext,
  clusterRef: string,
  owner: string,
  work: () => Promise<T>,
): Promise<T> {
  const ttlMs = submissionLockTtlMs(ctx);
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = renewing.then(() =>
        ctx.store.acquireSubmissionLock(clusterRef, owner, ttlMs, ctx.now()).catch(() => undefined),
      );
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await renewing;
    await releaseSubmissionLock(ctx, clusterRef, owner);
  }
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
