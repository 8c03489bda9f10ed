import { storedErrorText } from '../../error-text.js';
import { judgeStability, type StabilityEvidence } from '../../plan/stability.js';
import {
  hasMetricConditions,
  keepSamples,
  type MetricConditions,
  type MetricSample,
} from '../../plan/metric-gate.js';
import type { GateProgress } from '../../model/index.js';
import type { FlinkJob } from '../../spec/index.js';
import type { FlinkPort } from '../../ports/index.js';
import type { OperationData } from '../operation-data.js';
import { learnCheckpointLocation } from './restore-point.js';
import { failedError, jobOrMissing, nowIso, targetSpec } from './shared.js';
import { defineStep, type Exits, type StepInput } from './step.js';

/** What a look read, with the newest checkpoint's duration for the metric conditions. */
type Evidence = StabilityEvidence & { checkpointDurationMs?: number };

async function evidence(flink: FlinkPort, jobId: string): Promise<Evidence> {
  const job = await jobOrMissing(flink, jobId);
  if (!job)
    return {
      state: 'MISSING',
      runningSince: undefined,
      completedCheckpoints: 0,
      failureTimes: [],
      latestFailure: undefined,
    };
  const running = job.state === 'RUNNING';
  const [checkpoints, failures, checkpointing] = await Promise.all([
    flink.getCheckpoints(jobId).catch(() => undefined),
    flink.getFailures(jobId),
    // Asked only while RUNNING, when the answer is final; not knowing never fails the gate.
    running ? flink.isCheckpointingEnabled(jobId).catch(() => undefined) : undefined,
  ]);
  return {
    state: job.state,
    runningSince: running ? job.runningSince : undefined,
    completedCheckpoints: checkpoints?.completed ?? 0,
    failureTimes: failures.map((failure) => failure.at),
    latestFailure: failures[0]?.summary,
    ...(running && job.parallelism !== undefined ? { parallelism: job.parallelism } : {}),
    // Only a completed checkpoint contradicts a reading of "disabled".
    ...(checkpointing === false && (checkpoints?.completed ?? 0) === 0
      ? { checkpointing: false }
      : {}),
    ...(checkpoints?.latest?.durationMs === undefined
      ? {}
      : { checkpointDurationMs: checkpoints.latest.durationMs }),
  };
}

/** The metric conditions the spec sets (each off when absent). */
function metricConditions(gate: FlinkJob['spec']['stabilityGate']): MetricConditions {
  return {
    ...(gate.minRecordsOut === undefined ? {} : { minRecordsOut: gate.minRecordsOut }),
    ...(gate.maxBusyTimeRatio === undefined ? {} : { maxBusyTimeRatio: gate.maxBusyTimeRatio }),
    ...(gate.maxBackpressuredTimeRatio === undefined
      ? {}
      : { maxBackpressuredTimeRatio: gate.maxBackpressuredTimeRatio }),
    ...(gate.maxCheckpointDuration === undefined
      ? {}
      : { maxCheckpointDurationMs: gate.maxCheckpointDuration.ms }),
  };
}

/** Flink refreshes its metrics every few seconds: looking more often only repeats a sample. */
export const MIN_SAMPLE_INTERVAL_MS = 2_000;
/** How often progress is written while nothing but the soak time changes. */
export const PROGRESS_INTERVAL_MS = 2_000;

/** One look at the job's metrics; not knowing (a transient fault) never fails the gate. */
async function sample(
  flink: FlinkPort,
  jobId: string,
  at: number,
  seen: Evidence,
): Promise<MetricSample> {
  const metrics = await flink.getJobMetrics(jobId).catch(() => undefined);
  return {
    at,
    ...(metrics?.recordsToSinks === undefined ? {} : { recordsOut: metrics.recordsToSinks }),
    ...(metrics?.busyRatio === undefined ? {} : { busyRatio: metrics.busyRatio }),
    ...(metrics?.backpressuredRatio === undefined
      ? {}
      : { backpressuredRatio: metrics.backpressuredRatio }),
    ...(seen.checkpointDurationMs === undefined
      ? {}
      : { checkpointDurationMs: seen.checkpointDurationMs }),
  };
}

/** Whether a look's progress is worth a write: something but the clock changed, or a while passed. */
function progressDue(before: GateProgress | undefined, after: GateProgress): boolean {
  if (!before) return true;
  const strip = (p: GateProgress) => JSON.stringify({ ...p, at: '', soakMs: p.soakMs.required });
  return (
    strip(before) !== strip(after) ||
    Date.parse(after.at) - Date.parse(before.at) >= PROGRESS_INTERVAL_MS
  );
}

/** The stability gate: the new job must run, checkpoint and not restart for its soak window. */
export const awaitStable = defineStep(['rollback', 'finish'], async (input) => {
  const { ctx, data, record } = input;
  const spec = targetSpec(data.target);
  const flink = await ctx.flink(spec.spec.clusterRef);
  const gate = spec.spec.stabilityGate;
  const jobId = data.pendingJobId ?? '';
  const now = ctx.now().getTime();
  const submittedAt = Date.parse(data.submittedAt ?? nowIso(ctx));
  const seen = await evidence(flink, jobId);
  const metrics = metricConditions(gate);
  // Samples of another Flink job (the version a rollback replaced) say nothing about this one.
  const recorded = data.gateSamples?.jobId === jobId ? data.gateSamples.samples : [];
  let samples: MetricSample[] = recorded;
  const sampleDue = now - (recorded.at(-1)?.at ?? 0) >= MIN_SAMPLE_INTERVAL_MS;
  if (hasMetricConditions(metrics) && seen.state === 'RUNNING' && sampleDue)
    samples = keepSamples(
      recorded,
      await sample(flink, jobId, now, seen),
      Math.max(submittedAt, now - gate.soakWindow.ms),
    );
  const verdict = judgeStability(
    {
      minCompletedCheckpoints: gate.minCompletedCheckpoints,
      maxRestarts: gate.maxRestarts,
      soakWindowMs: gate.soakWindow.ms,
      readinessTimeoutMs: gate.readinessTimeout.ms,
      parallelism: spec.spec.parallelism,
      ...(hasMetricConditions(metrics) ? { metrics } : {}),
    },
    { ...seen, samples },
    submittedAt,
    now,
  );
  const progress: GateProgress = {
    specHash: data.target.specHash,
    jobId,
    verdict: verdict.verdict,
    at: nowIso(ctx),
    ...verdict.progress,
  };
  // The samples end with the verdict: a rollback judges another job.
  const withoutSamples: OperationData = { ...data };
  delete withoutSamples.gateSamples;
  if (verdict.verdict === 'pending') {
    const write = samples !== recorded || progressDue(record.status.gate, progress);
    return {
      type: 'wait',
      seconds: Math.min(30, Math.ceil(verdict.recheckInMs / 1000)),
      summary: verdict.summary,
      ...(write
        ? {
            progress: {
              change: { gate: progress },
              data: samples.length > 0 ? { ...data, gateSamples: { jobId, samples } } : data,
            },
          }
        : {}),
    };
  }
  if (verdict.verdict === 'unstable') {
    const exit = unstable(input, withoutSamples, storedErrorText(verdict.reason));
    return { ...exit, change: { ...exit.change, gate: progress } };
  }
  const rollback = input.kind === 'rollback';
  // Recorded now so that, should the cluster be lost, the checkpoints can be found on storage.
  const checkpointLocation = await learnCheckpointLocation(flink, data.pendingJobId ?? '');
  return {
    type: 'finish',
    outcome: rollback ? 'failed' : 'done',
    change: {
      phase: 'STABLE',
      gate: progress,
      lastStable: data.target,
      ...(checkpointLocation === undefined ? {} : { checkpointLocation }),
      ...(rollback ? { lastApplied: data.target } : { lastError: null, rejected: null }),
    },
    audit: rollback ? 'rolled-back' : 'stable',
    details: {
      summary: verdict.summary,
      ...(data.rollbackOf
        ? { rolledBackFrom: data.rollbackOf.specHash, reason: data.rollbackOf.reason }
        : {}),
    },
  };
});

/** The new version did not become stable: roll back to the last stable spec once, else fail. */
export function unstable(
  input: StepInput,
  data: OperationData,
  reason: string,
): Exits['rollback'] | Exits['finish'] {
  const { ctx, record, kind } = input;
  const spec = targetSpec(data.target);
  const lastStable = record.status.lastStable;
  // A failed rollback keeps the original culprit rejected, not the stable spec it fell back to.
  const rejected = data.rollbackOf
    ? { ...data.rollbackOf, at: nowIso(ctx) }
    : { specHash: data.target.specHash, reason, at: nowIso(ctx) };
  const canRollBack =
    kind !== 'rollback' &&
    spec.spec.rollback.enabled &&
    lastStable !== undefined &&
    lastStable.specHash !== data.target.specHash;
  if (canRollBack) {
    return {
      type: 'rollback',
      data: {
        ...data,
        target: lastStable,
        previousJobId: data.pendingJobId ?? record.status.jobId,
        pendingJobId: ctx.newId(),
        rollbackOf: { specHash: data.target.specHash, reason },
      },
      change: { rejected, lastError: failedError(ctx, 'NOT_STABLE', reason) },
      audit: 'rollback-started',
      details: { reason, to: lastStable.specHash },
    };
  }
  return {
    type: 'finish',
    outcome: 'failed',
    change: {
      phase: 'FAILED',
      rejected,
      lastError: failedError(ctx, kind === 'rollback' ? 'ROLLBACK_FAILED' : 'NOT_STABLE', reason),
    },
    audit: kind === 'rollback' ? 'rollback-failed' : 'failed',
    details: { reason },
  };
}
