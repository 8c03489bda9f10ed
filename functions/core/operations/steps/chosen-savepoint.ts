import { ConflictError, NotFoundError } from '../../../commons/errors.js';
import type { JobPhase, RestorePoint } from '../../model/index.js';
import { choiceOf, resolveChoice, restorableOnStorage } from '../../savepoint-choice.js';
import { failedError, nowIso, targetSpec } from './shared.js';
import { defineStep, type StepInput, type Exits } from './step.js';

/**
 * Where a refused restore leaves the job: as it was before the operation. A first deploy has
 * started nothing (PENDING), a resume nothing either (still SUSPENDED); a job that vanished is
 * still gone (FAILED: what was last applied is recovered as before); a running job runs on.
 */
function refusedPhase(input: StepInput): JobPhase {
  const { record, kind } = input;
  if (kind === 'deploy') return 'PENDING';
  if (kind === 'resume') return 'SUSPENDED';
  if (kind === 'restart') return 'FAILED';
  if (record.status.jobId === undefined) return record.status.phase;
  return record.status.lastStable?.specHash === record.status.lastApplied?.specHash
    ? 'STABLE'
    : 'RUNNING';
}

/**
 * Refuses the chosen restore before anything stops or starts: what runs stays as it is, and the
 * spec stays rejected until it changes (asking again would be refused again). The reason begins
 * with the spec field at fault.
 */
function refuse(input: StepInput, field: string, cause: string): Exits['finish'] {
  const { ctx, data } = input;
  const reason = `${field}: ${cause}`;
  return {
    type: 'finish',
    outcome: 'failed',
    change: {
      phase: refusedPhase(input),
      rejected: { specHash: data.target.specHash, reason, at: nowIso(ctx) },
      lastError: failedError(ctx, 'RESTORE_REFUSED', reason),
    },
    audit: 'restore-refused',
    details: { reason, field },
  };
}

/**
 * Resolves `spec.restore.from` to a location (a catalog id must name a COMPLETED entry) and
 * checks its `_metadata` on storage, all before the job is cancelled.
 */
export const resolveChosenSavepoint = defineStep(['next', 'finish'], async (input) => {
  const { ctx, record, data } = input;
  const choice = choiceOf(targetSpec(data.target));
  if (choice === undefined)
    return refuse(input, 'spec.restore.from', 'the spec names no savepoint to restore');
  const field =
    'savepointId' in choice ? 'spec.restore.from.savepointId' : 'spec.restore.from.path';
  let resolved;
  try {
    resolved = await resolveChoice(ctx.store, record.name, choice);
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ConflictError)
      return refuse(input, field, error.message);
    throw error;
  }
  const restorable = await restorableOnStorage(ctx.checkpoints, resolved.path);
  if (restorable === false)
    return refuse(input, field, `${resolved.path} holds no savepoint (its _metadata is missing)`);
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
