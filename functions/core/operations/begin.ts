import type { JobPhase, JobRecord, OperationKind } from '../model/index.js';
import type { PlannedAction } from '../plan/plan-actions.js';
import type { FlinkJob } from '../spec/index.js';
import {
  START_PRECEDENCE,
  startSource,
  type RestoreSource,
  type StartKind,
} from '../restore-source.js';
import type { OperationData, Step, Target } from './operation-data.js';
import { SEQUENCES, SEQUENCE_NAMES, firstStep, type SequenceName } from './sequences.js';

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
  /** Where a deploy, resume or recovery takes its state from (restore-source.ts); not recorded. */
  source?: RestoreSource;
}

/**
 * Turns a planned action into the first step of its operation, as the sequence table says
 * (./sequences.ts). Every id the operation will use (savepoint trigger, new Flink job id) is
 * fixed here and written with the operation, before any call to Flink: the write-ahead rule
 * that makes each step safe to repeat.
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
  if (!isSequenceName(action.kind)) return undefined;
  // Recovering what was last applied (the desired spec stands rejected): its nonce is applied.
  const source =
    isStart(action.kind) && !(action.keepLastApplied && status.lastApplied)
      ? startSource(action.kind, desired, status)
      : undefined;
  // A pending spec.restore.from is its own sequence: the choice is checked before anything starts.
  const name: SequenceName =
    source?.kind === 'restore-from' && isStart(action.kind)
      ? `${action.kind}-from-chosen`
      : action.kind;
  const sequence = SEQUENCES[name];
  const step = firstStep(name, mode);
  return {
    kind: sequence.kind,
    step,
    phase: sequence.phase ?? status.phase,
    data: { ...base, ...startData(action, desired, ids, source) },
    ...(source === undefined ? {} : { source }),
  };
}

/** The starts whose state restore-source.ts decides: the keys of its precedence table. */
const isStart = (kind: string): kind is StartKind => Object.hasOwn(START_PRECEDENCE, kind);

const isSequenceName = (kind: string): kind is SequenceName =>
  (SEQUENCE_NAMES as readonly string[]).includes(kind);

const stopsWithSavepoint = (kind: 'upgrade' | 'suspend', mode: FlinkJob['spec']['upgradeMode']) =>
  SEQUENCES[kind].stages[mode].some((stage) => stage.step === 'stop-with-savepoint');

/** What an operation records besides the common data: where it restores from, its savepoint. */
function startData(
  action: PlannedAction,
  desired: FlinkJob,
  ids: OperationIds,
  source: RestoreSource | undefined,
): Partial<OperationData> {
  const mode = desired.spec.upgradeMode;
  switch (action.kind) {
    case 'deploy':
    case 'resume':
      // A chosen savepoint's path is known once resolve-chosen-savepoint has checked it.
      return source?.kind === 'initial-savepoint' || source?.kind === 'newest-savepoint'
        ? { restorePath: source.path }
        : {};
    case 'savepoint':
      return {
        triggerId: ids.triggerId,
        savepointKind: action.savepointKind ?? 'manual',
        savepointNonce: desired.spec.savepointNonce,
      };
    case 'upgrade':
    case 'suspend':
      // Stopping with a savepoint (after the pre-flight, if any): the trigger id is fixed
      // before the call that uses it.
      return stopsWithSavepoint(action.kind, mode)
        ? { triggerId: ids.triggerId, savepointKind: action.kind }
        : {};
    default:
      return {};
  }
}
