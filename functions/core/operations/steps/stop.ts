import { ClusterRefusedError } from '../../ports/index.js';
import { clusterOf, giveUp, jobOrMissing, sinceStart } from './shared.js';
import { defineStep } from './step.js';

const CANCEL_DEADLINE_MS = 5 * 60_000;

/** Cancels the job the operation replaces or suspends (its checkpoints are retained). */
export const cancel = defineStep(['next'], async (input) => {
  const jobId = input.data.previousJobId;
  if (jobId !== undefined) {
    const { flink } = await clusterOf(input);
    try {
      await flink.cancelJob(jobId);
    } catch (error) {
      // Gone already, or already terminal: either way it no longer runs.
      if (!(error instanceof ClusterRefusedError)) throw error;
    }
  }
  return {
    type: 'next',
    data: input.data,
    audit: 'cancel-requested',
    details: { flinkJobId: jobId ?? null },
  };
});

/** Waits until the old job no longer runs, so that two copies never run at once. */
export const awaitStopped = defineStep(['next', 'finish'], async (input) => {
  const jobId = input.data.previousJobId;
  if (jobId !== undefined) {
    const { flink } = await clusterOf(input);
    const job = await jobOrMissing(flink, jobId);
    if (job && !['CANCELED', 'FAILED', 'FINISHED'].includes(job.state)) {
      if (sinceStart(input) > CANCEL_DEADLINE_MS)
        return giveUp(
          input,
          'CANCEL_TIMEOUT',
          `job ${jobId} did not stop within 5 minutes (${job.state})`,
        );
      return {
        type: 'wait',
        seconds: 1,
        summary: `waiting for job ${jobId} to stop (${job.state})`,
      };
    }
  }
  return { type: 'next', data: input.data, audit: 'job-stopped' };
});
