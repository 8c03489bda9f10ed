import type { JobPhase, JobRecord, OperationKind } from '../model/index.js';
import type { PlannedAction } from '../plan/plan-actions.js';
import type { FlinkJob } from '../spec/index.js';
import type { OperationData, Step, Target } from './operation-data.js';

/** Fresh ids for a new operation, drawn by the caller so this function stays pure. */
export interface OperationIds {
  operationId: string;
  /** Savepoint trigger id, used when the operation takes one. */
  triggerId: string;
  /** Flink job id of the operation's submission. */
  jobId: string;
}

/** The operation to record in the job's status, and the phase the job enters. */
export interface OperationStart {
  kind: OperationKind;
  step: Step;
  phase: JobPhase;
  data: OperationData;
}

/**
 * Turns a planned action into the first step of its operation. Every id the operation will use
 * (savepoint trigger, new Flink job id) is fixed here and written with the operation, before any
 * call to Flink: the write-ahead rule that makes each step safe to repeat.
 */
export function beginOperation(
  action: PlannedAction,
  record: JobRecord,
  desired: FlinkJob,
  ids: OperationIds,
): OperationStart | undefined {
  const status = record.status;
  const mode = desired.spec.upgradeMode;
  // A recovery while the desired spec stands rejected brings back what last ran, not the reject.
  const target: Target =
    action.keepLastApplied && status.lastApplied
      ? status.lastApplied
      : { spec: record.spec, specHash: record.specHash, generation: record.generation };
  const base = {
    mode,
    target,
    reason: action.reason,
    pendingJobId: ids.jobId,
    ...(status.jobId === undefined ? {} : { previousJobId: status.jobId }),
  };
  switch (action.kind) {
    case 'deploy': {
      const initial = desired.spec.restore.initialSavepointPath;
      return {
        kind: 'deploy',
        step: 'submit',
        phase: 'DEPLOYING',
        data: { ...base, ...(initial === undefined ? {} : { restorePath: initial }) },
      };
    }
    case 'resume': {
      const newest = mode === 'stateless' ? undefined : status.newestSavepoint?.path;
      return {
        kind: 'resume',
        step: 'submit',
        phase: 'DEPLOYING',
        data: { ...base, ...(newest === undefined ? {} : { restorePath: newest }) },
      };
    }
    case 'recover':
      return {
        kind: 'restart',
        step: mode === 'stateless' ? 'submit' : 'locate-restore-point',
        phase: 'DEPLOYING',
        data: base,
      };
    case 'upgrade':
      return {
        kind: 'upgrade',
        step:
          mode === 'savepoint'
            ? 'stop-with-savepoint'
            : mode === 'last-state'
              ? 'read-checkpoint'
              : 'cancel',
        phase: 'UPGRADING',
        data: {
          ...base,
          ...(mode === 'savepoint'
            ? { triggerId: ids.triggerId, savepointKind: 'upgrade' as const }
            : {}),
        },
      };
    case 'scale':
      return { kind: 'upgrade', step: 'rescale', phase: 'UPGRADING', data: base };
    case 'suspend':
      return mode === 'stateless'
        ? { kind: 'suspend', step: 'cancel', phase: 'SUSPENDING', data: base }
        : {
            kind: 'suspend',
            step: 'stop-with-savepoint',
            phase: 'SUSPENDING',
            data: { ...base, triggerId: ids.triggerId, savepointKind: 'suspend' },
          };
    case 'savepoint':
      return {
        kind: 'savepoint',
        step: 'trigger-savepoint',
        phase: status.phase,
        data: {
          ...base,
          triggerId: ids.triggerId,
          savepointKind: action.savepointKind ?? 'manual',
          savepointNonce: desired.spec.savepointNonce,
        },
      };
    default:
      return undefined;
  }
}
