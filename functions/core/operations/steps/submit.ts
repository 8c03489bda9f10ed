import { ClusterRefusedError, DuplicateJobIdError } from '../../ports/index.js';
import { giveUp, jobOrMissing, nowIso, targetSpec } from './shared.js';
import { submitProgram } from '../submission/index.js';
import {
  acquireSubmissionLock,
  holdSubmissionLock,
  submissionLockOwner,
  waitForSubmissionLock,
} from '../submission-lock.js';
import { unstable } from './stability.js';
import { defineStep } from './step.js';

/** Kept on cancel so that a last-state upgrade or a drift recovery can restore the checkpoint. */
const RETAIN_CHECKPOINTS = {
  'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
};

/**
 * Submits the job's program (jar, Python or SQL) under the recorded job id, from the restore
 * point if any.
 */
export const submit = defineStep(['next', 'rollback', 'finish'], async (input) => {
  const { ctx, record, data } = input;
  const jobId = data.pendingJobId;
  if (jobId === undefined)
    return giveUp(input, 'OPERATION_INVALID', 'submit step without a recorded job id');
  const spec = targetSpec(data.target);
  const flink = await ctx.flink(spec.spec.clusterRef);
  // A retry after a timeout or a crash: the recorded id tells whether the job already started.
  if ((await jobOrMissing(flink, jobId)) === undefined) {
    // One submission at a time per cluster (../submission-lock.ts): overlapping runs on one
    // JobManager can leave a PyFlink program a local environment.
    const clusterRef = spec.spec.clusterRef;
    const owner = submissionLockOwner(record);
    const lock = await acquireSubmissionLock(ctx, clusterRef, owner);
    if (!lock.acquired) return waitForSubmissionLock(clusterRef, lock);
    try {
      await holdSubmissionLock(ctx, clusterRef, owner, () =>
        submitProgram(ctx, flink, spec, {
          jobId,
          args: spec.spec.args,
          parallelism: spec.spec.parallelism,
          ...(data.restorePath === undefined
            ? {}
            : {
                savepointPath: data.restorePath,
                allowNonRestoredState: spec.spec.restore.allowNonRestoredState,
                claimMode: 'NO_CLAIM' as const,
              }),
          flinkConfiguration: {
            ...RETAIN_CHECKPOINTS,
            ...spec.spec.flinkConfiguration,
            'pipeline.name': record.name,
          },
        }),
      );
    } catch (error) {
      if (error instanceof DuplicateJobIdError) {
        // Submitted by an earlier attempt whose answer was lost: the job is there, carry on.
      } else if (error instanceof ClusterRefusedError) {
        const refused = unstable(
          input,
          { ...data, submittedAt: nowIso(ctx) },
          `Flink refused the submission: ${error.reason}`,
        );
        // Flink 2.x may keep a refused submission as a FAILED job: the history names it.
        return { ...refused, details: { ...refused.details, flinkJobId: jobId } };
      } else throw error;
    }
  }
  const applied = input.kind === 'rollback' ? {} : { lastApplied: data.target };
  return {
    type: 'next',
    data: { ...data, submittedAt: nowIso(ctx) },
    change: {
      jobId,
      attempt: record.status.attempt + 1,
      jobStartedAt: nowIso(ctx),
      restoredFrom: data.restorePath ?? null,
      ...applied,
    },
    audit: 'job-submitted',
    details: { flinkJobId: jobId, restorePath: data.restorePath ?? null },
  };
});
