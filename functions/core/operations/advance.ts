import type { JobRecord, JobStatusPatch, OperationKind } from '../model/index.js';
import { isCheckStep, MAX_STEP_FAILURES, readOperationData, type Step } from './operation-data.js';
import { SavepointStateError, type ControlContext } from '../ports/index.js';
import { NotFoundError } from '../../commons/errors.js';
import { sleep } from '../../commons/sleep.js';
import { SEQUENCES, firstStep, locateStage, nextStep, type Placement } from './sequences.js';
import {
  STEPS,
  type Exits,
  type StepDefinition,
  type StepResult,
  type Wait,
} from './steps/index.js';
import { storedErrorText } from '../error-text.js';
import { backoffAfter } from './steps/shared.js';
import { TRANSIENT_ERROR_NAME, TRANSIENT_STEP_BUDGET_MS } from './retry-policy.js';

/**
 * How long a worker's lease on a job lasts unless renewed, by default: short, because its holder
 * renews it while it works (see {@link leaseHeartbeat}), so only a dead worker's lease runs out
 * and its operation is taken over within about this long.
 */
export const LEASE_TTL_MS = 60_000;

/** The lease time-to-live this context asks for (`FJC_LEASE_TTL_SECONDS`), else the default. */
export function leaseTtlMs(ctx: Pick<ControlContext, 'leaseTtlMs'>): number {
  return ctx.leaseTtlMs ?? LEASE_TTL_MS;
}

/** A lease renewed whenever a third of its time-to-live has passed. */
const renewalDue = (expiresAt: string | undefined, now: Date, ttlMs: number): boolean =>
  !(Date.parse(expiresAt ?? '') - now.getTime() > (ttlMs * 2) / 3);

/**
 * Keeps `owner`'s lease alive while a step acts (uploads a jar, waits for Flink to answer), so a
 * slow step is never mistaken for a dead worker. It follows its own renewals: `version` is the
 * record version the step's result must be written at, or undefined when somebody else wrote the
 * job meanwhile (the step's write must then fail as stale, as without a heartbeat).
 */
function leaseHeartbeat(
  ctx: ControlContext,
  record: JobRecord,
  owner: string,
): { version(): number; stop(): Promise<void> } {
  const ttlMs = leaseTtlMs(ctx);
  let version: number | undefined = record.version;
  let beating: Promise<void> = Promise.resolve();
  const beat = async (): Promise<void> => {
    if (version === undefined) return;
    try {
      const renewed = await ctx.store.acquireLease(record.name, owner, ttlMs, ctx.now());
      version = renewed.version === version + 1 ? renewed.version : undefined;
    } catch {
      // Taken over or changed: the step's own write will find out and stop.
      version = undefined;
    }
  };
  const timer = setInterval(
    () => {
      beating = beating.then(beat);
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  return {
    version: () => version ?? record.version,
    stop: async () => {
      clearInterval(timer);
      await beating;
    },
  };
}

/** What the state machine does next for this action. */
export interface AdvanceOutcome {
  next: 'step' | 'wait' | 'done' | 'failed';
  waitSeconds: number;
  summary: string;
  /** The audit action the step recorded (`rollback-started`, `stable`, …), if it wrote one. */
  event?: string;
}

const superseded = (why: string): AdvanceOutcome => ({
  next: 'done',
  waitSeconds: 0,
  summary: why,
});

/** How long one invocation keeps checking by itself before it hands a pause to the state machine. */
export const INLINE_CHECK_BUDGET_MS = 3_000;
const INLINE_CHECK_INTERVAL_MS = 250;

/**
 * Advances a job's operation: runs the current step and records the result (the next step, or
 * the end of the operation) in ONE conditional write on the job's item, fenced by the lease of
 * `owner`. While the next step is a check (savepoint done? job stopped? stable?), it keeps
 * checking for a short budget instead of paying a whole state-machine pause per look: Flink
 * often finishes a savepoint in a fraction of a second. Acting steps always go back to the
 * state machine, whose Step function holds the permissions to act.
 */
export async function advanceOperation(
  ctx: ControlContext,
  jobName: string,
  operationId: string,
  owner: string,
  inlineBudgetMs: number = INLINE_CHECK_BUDGET_MS,
): Promise<AdvanceOutcome> {
  const deadline = Date.now() + inlineBudgetMs;
  for (;;) {
    const outcome = await advanceOnce(ctx, jobName, operationId, owner);
    const left = deadline - Date.now();
    // Hand the pause to the state machine when the next useful look is beyond the budget.
    if (
      outcome.next !== 'wait' ||
      left <= 0 ||
      (outcome.event === undefined && outcome.waitSeconds * 1000 > left)
    )
      return outcome;
    // A pure wait wrote nothing: pause briefly before looking again.
    if (outcome.event === undefined) await sleep(Math.min(INLINE_CHECK_INTERVAL_MS, left));
  }
}

/** Runs exactly one step and records its result. */
async function advanceOnce(
  ctx: ControlContext,
  jobName: string,
  operationId: string,
  owner: string,
): Promise<AdvanceOutcome> {
  const record = await ctx.store.getJob(jobName);
  if (!record) return superseded('the job was deleted');
  const operation = record.status.operation;
  if (operation?.id !== operationId) return superseded('the operation is no longer current');
  if (record.lease?.owner !== owner) return superseded('another worker took the job over');

  const data = readOperationData(operation.data);
  const run = (STEPS as Partial<Record<string, StepDefinition>>)[operation.step];
  if (!run) return record_(ctx, record, owner, invalid(ctx, `unknown step ${operation.step}`));
  const placed = locateStage(operation.kind, data.mode, operation.step);
  // Checked before acting: a step the operation's sequence does not have must not touch Flink.
  if (!placed)
    return record_(
      ctx,
      record,
      owner,
      invalid(
        ctx,
        `a ${operation.kind} operation in ${data.mode} mode has no step ${operation.step}`,
      ),
    );
  const heartbeat = leaseHeartbeat(ctx, record, owner);
  let result: StepResult;
  try {
    result = await run.run({ ctx, record, kind: operation.kind, data });
  } finally {
    await heartbeat.stop();
  }
  // The heartbeat's own renewals are no change to the job: the step's result is written after them.
  const current = { ...record, version: heartbeat.version() };
  return record_(ctx, current, owner, resolve(ctx, placed, result));
}

/** A recorded move, its next step looked up in the sequence table. */
type Move =
  | Wait
  | Exits['finish']
  | (Omit<Exits['next'], 'type'> & { type: 'continue'; step: Step; kind?: OperationKind });

/** Where a step's exit leads, from the sequence table. */
function resolve(ctx: ControlContext, placed: Placement, result: StepResult): Move {
  switch (result.type) {
    case 'wait':
    case 'finish':
      return result;
    case 'next': {
      const step = nextStep(placed, result.data);
      // The table test proves every sequence ends on a finishing step; this names a break.
      if (step === undefined)
        return invalid(ctx, `${placed.sequence} has no step after ${placed.step}`);
      return { ...result, type: 'continue', step };
    }
    case 'rollback': {
      const rollback = SEQUENCES.rollback;
      return {
        ...result,
        type: 'continue',
        kind: rollback.kind,
        step: firstStep('rollback', placed.mode),
        change: { ...result.change, ...(rollback.phase ? { phase: rollback.phase } : {}) },
      };
    }
  }
}

/** Ends an operation fjc cannot carry on: a bug or a hand-edited record, said plainly. */
function invalid(ctx: ControlContext, message: string): Exits['finish'] {
  return {
    type: 'finish',
    outcome: 'failed',
    change: {
      phase: 'FAILED',
      lastError: { code: 'OPERATION_INVALID', message, at: ctx.now().toISOString() },
    },
    audit: 'operation-invalid',
  };
}

async function record_(
  ctx: ControlContext,
  record: JobRecord,
  owner: string,
  result: Move,
): Promise<AdvanceOutcome> {
  const operation = record.status.operation;
  if (!operation) return superseded('no operation');
  const now = ctx.now();
  const actor = `fjc:${operation.kind}`;
  const ttlMs = leaseTtlMs(ctx);
  if (result.type === 'wait') {
    // Waiting writes nothing, except what a look saw (with the lease renewed in the same write)
    // or, failing that, to keep the lease alive through a long soak.
    if (result.progress)
      await ctx.store.recordProgress(
        record.name,
        record.version,
        { ...result.progress.change, operation: { ...operation, data: result.progress.data } },
        { owner, ttlMs },
        now,
      );
    else if (renewalDue(record.lease?.expiresAt, now, ttlMs))
      await ctx.store.acquireLease(record.name, owner, ttlMs, now);
    // Never pause past the next renewal: the lease must not run out while nobody looks.
    const seconds = Math.min(result.seconds, Math.max(1, Math.floor(ttlMs / 3000)));
    return { next: 'wait', waitSeconds: seconds, summary: result.summary };
  }
  if (result.type === 'continue') {
    await ctx.store.transition(
      record.name,
      record.version,
      {
        ...result.change,
        operation: {
          ...operation,
          kind: result.kind ?? operation.kind,
          step: result.step,
          data: { ...result.data, stepStartedAt: now.toISOString() },
        },
      },
      {
        actor,
        action: result.audit,
        // `step` is the step that just did its work; `next` the one recorded to run after it.
        details: {
          operationId: operation.id,
          step: operation.step,
          next: result.step,
          ...result.details,
        },
      },
      now,
      { lease: { owner, ttlMs } },
    );
    return {
      next: isCheckStep(result.step) ? 'wait' : 'step',
      waitSeconds: result.step === 'await-stable' ? 3 : 1,
      summary: `${result.audit} → ${result.step}`,
      event: result.audit,
    };
  }
  await ctx.store.transition(
    record.name,
    record.version,
    { ...result.change, operation: null, ...(result.outcome === 'done' ? resolved(record) : {}) },
    {
      actor,
      action: result.audit,
      details: { operationId: operation.id, outcome: result.outcome, ...result.details },
    },
    now,
    { lease: null },
  );
  return { next: result.outcome, waitSeconds: 0, summary: result.audit, event: result.audit };
}

/**
 * What an operation that did its work resolves: the job's backoff (the next fault starts it
 * afresh) and its last error, which would otherwise stay on a job that is fine again (a
 * suspended or resumed job showing the fault of an earlier try). An error that explains a
 * rejected spec stays while the rejection does.
 */
function resolved(record: JobRecord): JobStatusPatch {
  return record.status.rejected === undefined
    ? { backoff: null, lastError: null }
    : { backoff: null };
}

/** What the state machine caught: Step Functions' `{Error, Cause}`. */
export interface StepFailure {
  error: string;
  cause: string;
}

/**
 * Records a step that failed after all retries. The operation stays recorded (its step is the
 * write-ahead log) and the lease is released, so the next reconcile resumes it at once; after
 * {@link MAX_STEP_FAILURES} failures the operation ends and the job is FAILED, visibly.
 */
export async function recordStepFailure(
  ctx: ControlContext,
  jobName: string,
  operationId: string,
  owner: string,
  failure: StepFailure,
): Promise<AdvanceOutcome> {
  const record = await ctx.store.getJob(jobName);
  const operation = record?.status.operation;
  if (!record || operation?.id !== operationId || record.lease?.owner !== owner)
    return superseded("the operation is no longer this worker's");
  const data = readOperationData(operation.data);
  const now = ctx.now();
  // A transient fault is not a failure of the step until it outlasts the step's budget.
  const stepStart = Date.parse(data.stepStartedAt ?? operation.startedAt);
  const transient =
    failure.error === TRANSIENT_ERROR_NAME && now.getTime() - stepStart <= TRANSIENT_STEP_BUDGET_MS;
  const failures = (data.failures ?? 0) + (transient ? 0 : 1);
  const lastError = {
    code: failure.error,
    message: storedErrorText(failure.cause),
    at: now.toISOString(),
  };
  const giveUp = failures >= MAX_STEP_FAILURES;
  // The operation's savepoint, if one is open, ends with it: no catalog entry stays IN_PROGRESS.
  if (giveUp && data.savepointId !== undefined)
    await closeSavepoint(ctx, jobName, data.savepointId, lastError.message);
  await ctx.store.transition(
    jobName,
    record.version,
    giveUp
      ? {
          phase: 'FAILED',
          operation: null,
          lastError,
          backoff: backoffAfter(ctx, record, lastError.message),
        }
      : { operation: { ...operation, data: { ...data, failures } }, lastError },
    {
      actor: `fjc:${operation.kind}`,
      action: giveUp ? 'operation-failed' : 'step-failed',
      details: { operationId, step: operation.step, failures, error: failure.error },
    },
    now,
    { lease: null },
  );
  return {
    next: 'failed',
    waitSeconds: 0,
    summary: `${operation.step} failed: ${failure.error}`,
    event: giveUp ? 'operation-failed' : 'step-failed',
  };
}

async function closeSavepoint(
  ctx: ControlContext,
  jobName: string,
  savepointId: string,
  why: string,
): Promise<void> {
  try {
    await ctx.store.updateSavepoint(jobName, savepointId, {
      status: 'FAILED',
      failureCause: storedErrorText(`the operation ended before the savepoint was seen: ${why}`),
    });
  } catch (error) {
    // Already COMPLETED or FAILED (or gone): nothing is left open.
    if (!(error instanceof SavepointStateError || error instanceof NotFoundError)) throw error;
  }
}
