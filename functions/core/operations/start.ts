import type { JobRecord, JsonObject } from '../model/index.js';
import { choiceOf } from '../pending-restore.js';
import type { ControlContext, ExecutionAction } from '../ports/index.js';
import type { PlannedAction } from '../plan/plan-actions.js';
import type { FlinkJob } from '../spec/index.js';
import { beginOperation, type OperationStart } from './begin.js';

/** Who starts an operation, and why, for its first audit entry. */
export interface OperationStarter {
  /** The lease owner the job is held under. */
  owner: string;
  /** The audit actor (`fjc:reconcile`, `fjc:local`). */
  actor: string;
  reason: string;
  now: Date;
}

/**
 * The chosen savepoint an operation restores, for its first entry: a start whose source is a
 * pending `spec.restore.from`, or the restore of a running job. Named as the caller chose it (a
 * catalog id or a path) so the history says where the state comes from before it is resolved.
 */
function chosenSource(start: OperationStart, desired: FlinkJob): JsonObject {
  const choice =
    start.source?.kind === 'restore-from'
      ? start.source.choice
      : start.kind === 'restore'
        ? choiceOf(desired)
        : undefined;
  if (choice === undefined) return {};
  return 'savepointId' in choice ? { savepointId: choice.savepointId } : { path: choice.path };
}

/**
 * Starts `action` on a job this worker holds the lease of: every id the operation will use is
 * fixed, and its first step, kind and phase are recorded in ONE conditional write before anything
 * acts (the write-ahead rule). Undefined when the action starts no operation.
 */
export async function startLeasedOperation(
  ctx: ControlContext,
  leased: JobRecord,
  action: PlannedAction,
  desired: FlinkJob,
  starter: OperationStarter,
): Promise<ExecutionAction | undefined> {
  const start = beginOperation(action, leased, desired, {
    operationId: ctx.newId(),
    triggerId: ctx.newId(),
    jobId: ctx.newId(),
  });
  if (!start) return undefined;
  const operationId = ctx.newId();
  await ctx.store.transition(
    leased.name,
    leased.version,
    {
      phase: start.phase,
      operation: {
        id: operationId,
        kind: start.kind,
        step: start.step,
        startedAt: starter.now.toISOString(),
        data: start.data,
      },
    },
    {
      actor: starter.actor,
      action: `${start.kind}-started`,
      details: {
        reason: starter.reason,
        operationId,
        ...(action.fields ? { fields: [...action.fields] } : {}),
        ...chosenSource(start, desired),
      },
    },
    starter.now,
  );
  return {
    jobName: leased.name,
    clusterRef: action.clusterRef,
    kind: start.kind,
    operationId,
    owner: starter.owner,
  };
}
