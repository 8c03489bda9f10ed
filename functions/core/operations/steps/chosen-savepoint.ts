import { ConflictError, NotFoundError } from '../../../commons/errors.js';
import type { RestorePoint } from '../../model/index.js';
import { choiceOf, resolveChoice, restorableOnStorage } from '../../savepoint-choice.js';
import { failedError, nowIso, targetSpec } from './shared.js';
import { defineStep, type StepInput, type Exits } from './step.js';

/**
 * Refuses the chosen restore before anything stops: the running job stays as it is, and the
 * spec stays rejected until it changes (asking again would be refused again).
 */
function refuse(input: StepInput, reason: string): Exits['finish'] {
  const { ctx, record, data } = input;
  const resting =
    record.status.lastStable?.specHash === record.status.lastApplied?.specHash
      ? 'STABLE'
      : 'RUNNING';
  return {
    type: 'finish',
    outcome: 'failed',
    change: {
      phase: record.status.jobId === undefined ? record.status.phase : resting,
      rejected: { specHash: data.target.specHash, reason, at: nowIso(ctx) },
      lastError: failedError(ctx, 'RESTORE_REFUSED', reason),
    },
    audit: 'restore-refused',
    details: { reason },
  };
}

/**
 * Resolves `spec.restore.from` to a location (a catalog id must name a COMPLETED entry) and
 * checks its `_metadata` on storage, all before the job is cancelled.
 */
export const resolveChosenSavepoint = defineStep(['next', 'finish'], async (input) => {
  const { ctx, record, data } = input;
  const choice = choiceOf(targetSpec(data.target));
  if (choice === undefined) return refuse(input, 'the spec names no savepoint (spec.restore.from)');
  let resolved;
  try {
    resolved = await resolveChoice(ctx.store, record.name, choice);
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ConflictError)
      return refuse(input, error.message);
    throw error;
  }
  const restorable = await restorableOnStorage(ctx.checkpoints, resolved.path);
  if (restorable === false)
    return refuse(input, `${resolved.path} holds no savepoint (its _metadata is missing)`);
  const restorePoint: RestorePoint = {
    source: resolved.path.includes('/chk-') ? 'checkpoint' : 'savepoint',
    path: resolved.path,
    at: nowIso(ctx),
    reason:
      resolved.savepointId === undefined
        ? 'chosen by path (spec.restore.from.path)'
        : `chosen: catalogued savepoint ${resolved.savepointId}`,
  };
  return {
    type: 'next',
    data: { ...data, restorePath: resolved.path },
    change: { restorePoint },
    audit: 'chosen-savepoint-resolved',
    details: {
      path: resolved.path,
      savepointId: resolved.savepointId ?? null,
      checkedOnStorage: restorable === true,
    },
  };
});
