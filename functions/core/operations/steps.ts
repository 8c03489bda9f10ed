import { ConflictError } from '../../commons/errors.js';
import type {
  JobPhase,
  JobRecord,
  JobStatusPatch,
  JsonObject,
  OperationKind,
} from '../model/index.js';
import { judgeStability, type StabilityEvidence } from '../plan/stability.js';
import { retentionCandidates } from '../plan/retention.js';
import { flinkJobSchema, type FlinkJob } from '../spec/index.js';
import type { OperationData, Step, Target } from './operation-data.js';
import {
  ClusterRefusedError,
  DuplicateJobIdError,
  JobNotOnClusterError,
  type ControlContext,
  type FlinkPort,
  type JobState,
} from '../ports/index.js';

/** Status changes a step makes besides moving the operation on. */
export type StatusChange = Omit<JobStatusPatch, 'operation'>;

export type StepResult =
  | {
      type: 'continue';
      step: Step;
      data: OperationData;
      kind?: OperationKind;
      change?: StatusChange;
      audit: string;
      details?: JsonObject;
    }
  | { type: 'wait'; seconds: number; summary: string }
  | {
      type: 'finish';
      outcome: 'done' | 'failed';
      change: StatusChange;
      audit: string;
      details?: JsonObject;
    };

export interface StepInput {
  ctx: ControlContext;
  record: JobRecord;
  kind: OperationKind;
  data: OperationData;
}

const SAVEPOINT_DEADLINE_MS = 10 * 60_000;
const CANCEL_DEADLINE_MS = 5 * 60_000;
/** Kept on cancel so that a last-state upgrade or a drift recovery can restore the checkpoint. */
const RETAIN_CHECKPOINTS = {
  'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
};

export function targetSpec(target: Target): FlinkJob {
  return flinkJobSchema.parse(target.spec);
}

function nowIso(ctx: ControlContext): string {
  return ctx.now().toISOString();
}

/** How long the current step has been going (a taken-over operation may be much older). */
function sinceStart(input: StepInput): number {
  const began =
    input.data.stepStartedAt ?? input.record.status.operation?.startedAt ?? nowIso(input.ctx);
  return input.ctx.now().getTime() - Date.parse(began);
}

/** The phase a job returns to when an operation gives up without changing what runs. */
function restingPhase(record: JobRecord): JobPhase {
  return record.status.lastStable?.specHash === record.status.lastApplied?.specHash
    ? 'STABLE'
    : 'RUNNING';
}

function failedError(ctx: ControlContext, code: string, message: string) {
  return { code, message, at: nowIso(ctx) };
}

async function clusterOf(input: StepInput): Promise<{ flink: FlinkPort; spec: FlinkJob }> {
  const spec = targetSpec(input.data.target);
  const running = input.record.status.lastApplied?.spec as
    { spec?: { clusterRef?: string } } | undefined;
  // Stopping acts where the old job runs; starting acts where the target spec says.
  const cluster = running?.spec?.clusterRef ?? spec.spec.clusterRef;
  return { flink: await input.ctx.flink(cluster), spec };
}

async function savepointDir(input: StepInput, spec: FlinkJob): Promise<string | undefined> {
  return (
    spec.spec.savepointPolicy.targetDirectory ??
    (await input.ctx.savepointDirectory(spec.spec.clusterRef))
  );
}

/** Starts a savepoint (or stop-with-savepoint) under the recorded trigger id, after cataloguing it. */
async function startSavepoint(input: StepInput, stop: boolean): Promise<StepResult> {
  const { ctx, record, data } = input;
  const jobId = data.previousJobId;
  const triggerId = data.triggerId;
  if (jobId === undefined || triggerId === undefined)
    return giveUp(input, 'OPERATION_INVALID', 'savepoint step without a job or trigger id');
  const { flink, spec } = await clusterOf(input);
  let savepointId: string | undefined;
  try {
    ({ id: savepointId } = await ctx.store.addSavepoint({
      jobName: record.name,
      idSuffix: triggerId,
      triggerId,
      triggerKind: data.savepointKind ?? 'manual',
      generation: record.status.lastApplied?.generation ?? record.generation,
      flinkJobId: jobId,
      ...(spec.spec.artifact.sha256 === undefined
        ? {}
        : { artifactDigest: spec.spec.artifact.sha256 }),
      ...(record.status.restoredFrom === undefined
        ? {}
        : { restoredFrom: record.status.restoredFrom }),
    }));
  } catch (error) {
    // Catalogued by an earlier attempt of this very step: find that entry once.
    if (!(error instanceof ConflictError)) throw error;
    savepointId = await findCatalogEntry(input, triggerId);
  }
  const targetDirectory = await savepointDir(input, spec);
  const options = { triggerId, ...(targetDirectory === undefined ? {} : { targetDirectory }) };
  if (stop) await flink.stopWithSavepoint(jobId, { ...options, drain: false });
  else await flink.triggerSavepoint(jobId, options);
  return {
    type: 'continue',
    step: 'await-savepoint',
    data: { ...data, ...(savepointId === undefined ? {} : { savepointId }) },
    audit: stop ? 'stop-with-savepoint-triggered' : 'savepoint-triggered',
    details: { triggerId, flinkJobId: jobId },
  };
}

async function awaitSavepoint(input: StepInput): Promise<StepResult> {
  const { ctx, record, data, kind } = input;
  const jobId = data.previousJobId ?? '';
  const triggerId = data.triggerId ?? '';
  const { flink } = await clusterOf(input);
  let location: string | undefined;
  let failure: string | undefined;
  try {
    const progress = await flink.getSavepointStatus(jobId, triggerId);
    if (progress.state === 'IN_PROGRESS') {
      if (sinceStart(input) > SAVEPOINT_DEADLINE_MS)
        failure = 'the savepoint did not complete within 10 minutes';
      else return { type: 'wait', seconds: 2, summary: 'savepoint in progress' };
    } else if (progress.state === 'FAILED') failure = progress.cause;
    else location = progress.location;
  } catch (error) {
    if (!(error instanceof JobNotOnClusterError)) throw error;
    failure = error.message;
  }
  // Operations recorded before the id was kept fall back to one lookup, once Flink has answered.
  const catalog = data.savepointId ?? (await findCatalogEntry(input, triggerId));
  if (failure !== undefined || location === undefined) {
    if (catalog)
      await ctx.store.updateSavepoint(record.name, catalog, {
        status: 'FAILED',
        failureCause: failure ?? 'unknown',
      });
    return giveUp(input, 'SAVEPOINT_FAILED', `savepoint failed: ${failure ?? 'unknown'}`);
  }
  if (catalog)
    await ctx.store.updateSavepoint(record.name, catalog, { status: 'COMPLETED', path: location });
  const newest = {
    ...(catalog === undefined ? {} : { id: catalog }),
    path: location,
    at: nowIso(ctx),
  };
  // Flink reports the stop's savepoint before the job has finished: wait for that before
  // starting the next job, or two copies would run for a moment.
  const next: Step = kind === 'savepoint' ? 'retention' : 'await-stopped';
  return {
    type: 'continue',
    step: next,
    data: { ...data, restorePath: location },
    change: { newestSavepoint: newest },
    audit: 'savepoint-completed',
    details: { path: location, triggerId },
  };
}

async function findCatalogEntry(input: StepInput, triggerId: string): Promise<string | undefined> {
  // The store's maximum page: the entry is among the newest, since it was just made.
  const page = await input.ctx.store.listSavepoints(input.record.name, { limit: 1000 });
  return page.items.find((s) => s.triggerId === triggerId)?.id;
}

async function cancel(input: StepInput): Promise<StepResult> {
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
    type: 'continue',
    step: 'await-stopped',
    data: input.data,
    audit: 'cancel-requested',
    details: { flinkJobId: jobId ?? null },
  };
}

async function jobOrMissing(flink: FlinkPort, jobId: string): Promise<JobState | undefined> {
  try {
    return await flink.getJob(jobId);
  } catch (error) {
    if (error instanceof JobNotOnClusterError) return undefined;
    throw error;
  }
}

async function awaitStopped(input: StepInput): Promise<StepResult> {
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
  const next: Step =
    input.kind === 'suspend'
      ? 'finish-suspend'
      : input.data.mode === 'last-state' && input.data.restorePath === undefined
        ? 'locate-restore-point'
        : 'submit';
  return { type: 'continue', step: next, data: input.data, audit: 'job-stopped' };
}

async function readCheckpoint(input: StepInput): Promise<StepResult> {
  const jobId = input.data.previousJobId;
  const { flink } = await clusterOf(input);
  const stats =
    jobId === undefined ? undefined : await flink.getCheckpoints(jobId).catch(() => undefined);
  const path = stats?.latest?.path;
  // last-state never silently degrades to stateless: without a checkpoint it stops here.
  if (path === undefined)
    return giveUp(
      input,
      'NO_CHECKPOINT',
      'last-state upgrade needs a completed, retained checkpoint and found none',
    );
  // Only a check that state exists: the path itself is read after the stop, because while the
  // cancel takes effect newer checkpoints complete and Flink discards this one.
  return {
    type: 'continue',
    step: 'cancel',
    data: input.data,
    audit: 'checkpoint-located',
    details: { path },
  };
}

async function locateRestorePoint(input: StepInput): Promise<StepResult> {
  const { record, data } = input;
  const { flink } = await clusterOf(input);
  const savepoint = record.status.newestSavepoint;
  let checkpoint: { path: string; at: number } | undefined;
  if (data.previousJobId !== undefined) {
    const stats = await flink.getCheckpoints(data.previousJobId).catch(() => undefined);
    const latest = stats?.latest;
    if (latest?.path) checkpoint = { path: latest.path, at: latest.completedAt };
  }
  // The newest restorable state wins: restarting from an older savepoint would lose data.
  const useCheckpoint =
    checkpoint !== undefined &&
    (savepoint === undefined || checkpoint.at > Date.parse(savepoint.at));
  const restorePath = useCheckpoint ? checkpoint?.path : savepoint?.path;
  return {
    type: 'continue',
    step: 'submit',
    data: { ...data, ...(restorePath === undefined ? {} : { restorePath }) },
    audit: 'restore-point-located',
    details: {
      restorePath: restorePath ?? null,
      source: useCheckpoint ? 'checkpoint' : savepoint ? 'savepoint' : 'none',
    },
  };
}

async function submit(input: StepInput): Promise<StepResult> {
  const { ctx, record, data } = input;
  const jobId = data.pendingJobId;
  if (jobId === undefined)
    return giveUp(input, 'OPERATION_INVALID', 'submit step without a recorded job id');
  const spec = targetSpec(data.target);
  const flink = await ctx.flink(spec.spec.clusterRef);
  // A retry after a timeout or a crash: the recorded id tells whether the job already started.
  if ((await jobOrMissing(flink, jobId)) === undefined) {
    const jar = await ctx.artifacts.open(spec.spec.artifact.uri, spec.spec.artifact.sha256);
    const { jarId } = await flink.uploadJar(jar);
    try {
      await flink.runJar(jarId, {
        jobId,
        ...(spec.spec.entryClass === undefined ? {} : { entryClass: spec.spec.entryClass }),
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
      });
    } catch (error) {
      if (error instanceof DuplicateJobIdError) {
        // Submitted by an earlier attempt whose answer was lost: the job is there, carry on.
      } else if (error instanceof ClusterRefusedError) {
        return unstable(
          input,
          { ...data, submittedAt: nowIso(ctx) },
          `Flink refused the submission: ${error.reason}`,
        );
      } else throw error;
    } finally {
      await flink.deleteJar(jarId).catch(() => undefined);
    }
  }
  const applied = input.kind === 'rollback' ? {} : { lastApplied: data.target };
  return {
    type: 'continue',
    step: 'await-stable',
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
}

async function rescale(input: StepInput): Promise<StepResult> {
  const { ctx, record, data } = input;
  const jobId = record.status.jobId ?? '';
  const spec = targetSpec(data.target);
  const flink = await ctx.flink(spec.spec.clusterRef);
  await flink.rescale(jobId, spec.spec.parallelism);
  return {
    type: 'continue',
    step: 'await-stable',
    data: { ...data, pendingJobId: jobId, submittedAt: nowIso(ctx) },
    change: { lastApplied: data.target },
    audit: 'rescale-requested',
    details: { parallelism: spec.spec.parallelism },
  };
}

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
  const [checkpoints, failures] = await Promise.all([
    flink.getCheckpoints(jobId).catch(() => undefined),
    flink.getFailures(jobId),
  ]);
  return {
    state: job.state,
    runningSince: job.state === 'RUNNING' ? job.runningSince : undefined,
    completedCheckpoints: checkpoints?.completed ?? 0,
    failureTimes: failures.map((failure) => failure.at),
    latestFailure: failures[0]?.summary,
  };
}

async function awaitStable(input: StepInput): Promise<StepResult> {
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
  if (verdict.verdict === 'unstable') return unstable(input, data, verdict.reason);
  const rollback = input.kind === 'rollback';
  return {
    type: 'finish',
    outcome: rollback ? 'failed' : 'done',
    change: {
      phase: 'STABLE',
      lastStable: data.target,
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
}

/** The new version did not become stable: roll back to the last stable spec once, else fail. */
function unstable(input: StepInput, data: OperationData, reason: string): StepResult {
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
      type: 'continue',
      kind: 'rollback',
      step: 'cancel',
      data: {
        ...data,
        target: lastStable,
        previousJobId: data.pendingJobId ?? record.status.jobId,
        pendingJobId: ctx.newId(),
        rollbackOf: { specHash: data.target.specHash, reason },
      },
      change: {
        phase: 'ROLLING_BACK',
        rejected,
        lastError: failedError(ctx, 'NOT_STABLE', reason),
      },
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

async function retention(input: StepInput): Promise<StepResult> {
  const { ctx, record, data } = input;
  const spec = targetSpec(data.target);
  const flink = await ctx.flink(spec.spec.clusterRef);
  const page = await ctx.store.listSavepoints(record.name, { limit: 1000 });
  const policy = spec.spec.savepointPolicy;
  const doomed = retentionCandidates(
    page.items,
    { maxCount: policy.maxCount, maxAgeMs: policy.maxAge.ms },
    ctx.now(),
  );
  const disposed: string[] = [];
  for (const savepoint of doomed) {
    if (savepoint.path === undefined) continue;
    try {
      const { triggerId } = await flink.disposeSavepoint(savepoint.path);
      await flink.awaitDisposal(triggerId, { deadlineMs: 30_000, intervalMs: 250 });
    } catch {
      // A savepoint whose files are already gone is disposed as far as anyone can tell;
      // any other failure leaves it catalogued for the next round.
      continue;
    }
    await ctx.store.markSavepointDisposed(record.name, savepoint.id);
    disposed.push(savepoint.id);
  }
  return {
    type: 'finish',
    outcome: 'done',
    change: {
      ...(data.savepointNonce === undefined ? {} : { savepointNonce: data.savepointNonce }),
    },
    audit: 'savepoint-retention',
    details: { disposed },
  };
}

function finishSuspend(input: StepInput): StepResult {
  return {
    type: 'finish',
    outcome: 'done',
    change: { phase: 'SUSPENDED' },
    audit: 'suspended',
    details: { restorePath: input.data.restorePath ?? null },
  };
}

/** Ends an operation that could not do its work; what runs is left as it was. */
function giveUp(input: StepInput, code: string, message: string): StepResult {
  return {
    type: 'finish',
    outcome: 'failed',
    change: { phase: restingPhase(input.record), lastError: failedError(input.ctx, code, message) },
    audit: `${input.kind}-aborted`,
    details: { code, message },
  };
}

/** One function per step; each reads what it needs and says what comes next. */
export const STEPS: Record<Step, (input: StepInput) => Promise<StepResult>> = {
  'locate-restore-point': locateRestorePoint,
  'stop-with-savepoint': (input) => startSavepoint(input, true),
  'trigger-savepoint': (input) => startSavepoint(input, false),
  'read-checkpoint': readCheckpoint,
  cancel,
  submit,
  rescale,
  retention,
  'finish-suspend': (input) => Promise.resolve(finishSuspend(input)),
  'await-savepoint': awaitSavepoint,
  'await-stopped': awaitStopped,
  'await-stable': awaitStable,
};
