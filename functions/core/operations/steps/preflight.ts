import { PREFLIGHT_REASON_PREFIX, preflightDetails } from '../../plan/preflight.js';
import { runPreflight } from '../preflight.js';
import { clusterOf, failedError, nowIso, restingPhase } from './shared.js';
import { defineStep } from './step.js';

/**
 * The upgrade's first step, before anything running is touched: builds the new version's job
 * graph on its cluster and compares it with the running job's (../preflight.ts). A refusal ends
 * the operation with the old job still running (no savepoint, no cancel) and marks the desired
 * spec rejected: the same program and graph would be refused again, so it is not retried until
 * the spec changes (as a spec Flink refused at submission). Transient faults throw and are
 * retried like any step's.
 */
export const preflight = defineStep(['next', 'finish'], async (input) => {
  const { ctx, data } = input;
  const { flink, spec } = await clusterOf(input);
  const jobId = data.previousJobId;
  const result = await runPreflight(
    ctx,
    spec,
    jobId === undefined ? undefined : { flink, jobId, restoresState: data.mode !== 'stateless' },
  );
  const details = { preflight: preflightDetails(result) };
  if (result.verdict === 'passed')
    return { type: 'next', data, audit: 'preflight-passed', details };
  return {
    type: 'finish',
    outcome: 'failed',
    change: {
      phase: restingPhase(input.record),
      lastError: failedError(
        ctx,
        'PREFLIGHT_REFUSED',
        `${PREFLIGHT_REASON_PREFIX}${result.summary}`,
      ),
      rejected: {
        specHash: data.target.specHash,
        reason: `${PREFLIGHT_REASON_PREFIX}${result.summary}`,
        at: nowIso(ctx),
      },
    },
    audit: 'preflight-refused',
    details: { ...details, generation: data.target.generation, flinkJobId: jobId ?? null },
  };
});
