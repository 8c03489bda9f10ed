import type { GateConditionProgress, GateProgress } from '../model/index.js';
import {
  describeCondition,
  judgeMetricConditions,
  type MetricConditions,
  type MetricSample,
} from './metric-gate.js';

/**
 * The stability gate: a version counts as stable only when it has really worked for a while:
 * RUNNING without interruption for the soak window, with enough completed checkpoints and no
 * more restarts than allowed. "Seen RUNNING once" (the Kubernetes operator's test) is not enough.
 */
export interface StabilityGate {
  minCompletedCheckpoints: number;
  maxRestarts: number;
  soakWindowMs: number;
  readinessTimeoutMs: number;
  /** The parallelism the spec asks for: the job must run at it (its highest vertex) to pass. */
  parallelism?: number;
  /** Health conditions on Flink's metrics (metric-gate.ts); none unless the spec sets them. */
  metrics?: MetricConditions;
}

/** What the verifier read from Flink about the new job. */
export interface StabilityEvidence {
  /** Flink job state, or `MISSING` when the cluster does not know the job. */
  state: string;
  /** When the job last switched to RUNNING (epoch ms), if it has. */
  runningSince: number | undefined;
  /** Checkpoints this job completed (a restored one does not count). */
  completedCheckpoints: number;
  /** Failure timestamps (epoch ms) of the job's exception history: each one is a restart. */
  failureTimes: readonly number[];
  /** Flink's latest failure reason, for the record. */
  latestFailure: string | undefined;
  /** The highest parallelism the job's tasks run at, when known. */
  parallelism?: number;
  /** False when the job takes no periodic checkpoints; undefined when not known. */
  checkpointing?: boolean;
  /** The metric samples of the soak window, oldest first (only with metric conditions). */
  samples?: readonly MetricSample[];
}

/** The gate's progress as a verdict reports it (the caller adds whose and when). */
export type StabilityProgress = Omit<GateProgress, 'specHash' | 'jobId' | 'at' | 'verdict'>;

export type StabilityVerdict = { progress: StabilityProgress } & (
  | { verdict: 'stable'; summary: string }
  | {
      verdict: 'pending';
      summary: string;
      /** When another look can change the verdict. */ recheckInMs: number;
    }
  | { verdict: 'unstable'; reason: string }
);

/**
 * Judges a job submitted at `submittedAt` against its gate at `now`. Pure: the evidence is read
 * by the caller.
 */
export function judgeStability(
  gate: StabilityGate,
  evidence: StabilityEvidence,
  submittedAt: number,
  now: number,
): StabilityVerdict {
  const failure = evidence.latestFailure ? `: ${evidence.latestFailure}` : '';
  const windowStart = Math.max(submittedAt, now - gate.soakWindowMs);
  const restarts = evidence.failureTimes.filter((t) => t >= windowStart).length;
  const running = evidence.state === 'RUNNING' && evidence.runningSince !== undefined;
  const soaked = running ? now - (evidence.runningSince ?? now) : 0;
  const conditions = gate.metrics
    ? judgeMetricConditions(gate.metrics, evidence.samples ?? [])
    : [];
  const progress: StabilityProgress = {
    state: evidence.state,
    soakMs: { done: Math.min(soaked, gate.soakWindowMs), required: gate.soakWindowMs },
    checkpoints: { done: evidence.completedCheckpoints, required: gate.minCompletedCheckpoints },
    restarts: { done: restarts, required: gate.maxRestarts },
    conditions,
  };
  const verdict = judge(gate, evidence, submittedAt, now, {
    restarts,
    running,
    soaked,
    failure,
    conditions,
  });
  return { ...verdict, progress };
}

type Verdict = DistributiveOmit<StabilityVerdict, 'progress'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function judge(
  gate: StabilityGate,
  evidence: StabilityEvidence,
  submittedAt: number,
  now: number,
  seen: {
    restarts: number;
    running: boolean;
    soaked: number;
    failure: string;
    conditions: readonly GateConditionProgress[];
  },
): Verdict {
  const { restarts, running, soaked, failure, conditions } = seen;
  if (evidence.state === 'FAILED' || evidence.state === 'CANCELED' || evidence.state === 'FINISHED')
    return { verdict: 'unstable', reason: `the job ended ${evidence.state}${failure}` };
  if (evidence.state === 'MISSING')
    return { verdict: 'unstable', reason: 'the cluster no longer knows the job' };

  if (restarts > gate.maxRestarts)
    return {
      verdict: 'unstable',
      reason: `${restarts} restart(s) in the soak window, ${gate.maxRestarts} allowed${failure}`,
    };

  // No checkpoint will ever complete: waiting out the readiness timeout would only hide why.
  if (evidence.checkpointing === false && gate.minCompletedCheckpoints > 0)
    return {
      verdict: 'unstable',
      reason: `checkpointing is disabled for this job, so it can never complete the ${gate.minCompletedCheckpoints} checkpoint(s) its stability gate requires: enable checkpointing (spec.flinkConfiguration execution.checkpointing.interval, or in the job's code) or set stabilityGate.minCompletedCheckpoints: 0`,
    };

  // After a rescale or an upgrade the job must run at what was asked, not merely run.
  const scaled =
    gate.parallelism === undefined ||
    evidence.parallelism === undefined ||
    evidence.parallelism === gate.parallelism;
  const parallelism = scaled
    ? ''
    : `, parallelism ${evidence.parallelism ?? '?'} of ${gate.parallelism ?? '?'}`;
  const metrics = conditions.map((c) => `, ${describeCondition(c)}`).join('');
  const summary = `${evidence.state}, ${Math.floor(soaked / 1000)}s of ${Math.floor(gate.soakWindowMs / 1000)}s soak, ${evidence.completedCheckpoints}/${gate.minCompletedCheckpoints} checkpoints, ${restarts}/${gate.maxRestarts} restarts${parallelism}${metrics}`;
  if (
    running &&
    scaled &&
    soaked >= gate.soakWindowMs &&
    evidence.completedCheckpoints >= gate.minCompletedCheckpoints
  ) {
    // Metrics are judged at the end of the soak: before it, a slow start is no failure.
    const broken = conditions.filter((c) => c.met === false);
    if (broken.length > 0)
      return {
        verdict: 'unstable',
        reason: `metric condition(s) not met after the soak window: ${broken.map(describeCondition).join(', ')}`,
      };
    // Not reported yet (Flink refreshes its metrics every few seconds): look again until the
    // readiness timeout, which then fails the gate with this summary.
    if (conditions.every((c) => c.met === true)) return { verdict: 'stable', summary };
  }
  if (now - submittedAt > gate.readinessTimeoutMs)
    return {
      verdict: 'unstable',
      reason: `not stable within the readiness timeout of ${Math.floor(gate.readinessTimeoutMs / 1000)}s (${summary})${failure}`,
    };
  // Until the soak window is over nothing can pass; before RUNNING, look again soon.
  const soakLeft = running ? gate.soakWindowMs - soaked : 0;
  return { verdict: 'pending', summary, recheckInMs: Math.max(1_000, soakLeft) };
}
