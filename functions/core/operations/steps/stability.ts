import { storedErrorText } from '../../error-text.js';
import { judgeStability, type StabilityEvidence } from '../../plan/stability.js';
import type { FlinkPort } from '../../ports/index.js';
import type { OperationData } from '../operation-data.js';
import { learnCheckpointLocation } from './restore-point.js';
import { failedError, jobOrMissing, nowIso, targetSpec } from './shared.js';
import { defineStep, type Exits, type StepInput } from './step.js';

async function evidence(flink: FlinkPort, jobId: string): Promise<StabilityEvidence> {
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
  };
}

/** The stability gate: the new job must run, checkpoint and not restart for its soak window. */
export const awaitStable = defineStep(['rollback', 'finish'], async (input) => {
  const { ctx, data } = input;
  const spec = targetSpec(data.target);
  const flink = await ctx.flink(spec.spec.clusterRef);
  const gate = spec.spec.stabilityGate;
  const verdict = judgeStability(
    {
      minCompletedCheckpoints: gate.minCompletedCheckpoints,
      maxRestarts: gate.maxRestarts,
      soakWindowMs: gate.soakWindow.ms,
      readinessTimeoutMs: gate.readinessTimeout.ms,
      parallelism: spec.spec.parallelism,
    },
    await evidence(flink, data.pendingJobId ?? ''),
    Date.parse(data.submittedAt ?? nowIso(ctx)),
    ctx.now().getTime(),
  );
  if (verdict.verdict === 'pending')
    return {
      type: 'wait',
      seconds: Math.min(30, Math.ceil(verdict.recheckInMs / 1000)),
      summary: verdict.summary,
    };
  if (verdict.verdict === 'unstable') return unstable(input, data, storedErrorText(verdict.reason));
  const rollback = input.kind === 'rollback';
  // Recorded now so that, should the cluster be lost, the checkpoints can be found on storage.
  const checkpointLocation = await learnCheckpointLocation(flink, data.pendingJobId ?? '');
  return {
    type: 'finish',
    outcome: rollback ? 'failed' : 'done',
    change: {
      phase: 'STABLE',
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
