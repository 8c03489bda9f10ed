import { nowIso, targetSpec } from './shared.js';
import { defineStep } from './step.js';

/** Changes the running job's parallelism in place (adaptive scheduler): no stop, no restore. */
export const rescale = defineStep(['next'], async (input) => {
  const { ctx, record, data } = input;
  const jobId = record.status.jobId ?? '';
  const spec = targetSpec(data.target);
  const flink = await ctx.flink(spec.spec.clusterRef);
  await flink.rescale(jobId, spec.spec.parallelism);
  return {
    type: 'next',
    data: { ...data, pendingJobId: jobId, submittedAt: nowIso(ctx) },
    change: { lastApplied: data.target },
    audit: 'rescale-requested',
    details: { parallelism: spec.spec.parallelism },
  };
});
