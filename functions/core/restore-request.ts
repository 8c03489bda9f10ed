/**
 * The restore action (`POST /v1/jobs/{name}/actions/restore`, `fjc restore`) as one decision: the
 * desired spec it makes, after the same catalog checks whatever state the job is in. A restore
 * is a change of `spec.restore.from` (a fresh nonce), so a running job restores at once and a
 * suspended one records the choice, which its next resume honours (restore-source.ts).
 */
import { ConflictError, NotFoundError } from '../commons/errors.js';
import type { JobRecord } from './model/index.js';
import { appliedRestoreNonce } from './pending-restore.js';
import { resolveChoice, type RestoreChoice } from './savepoint-choice.js';
import type { JobStore } from './ports/index.js';
import { encodeSpecDocument, type FlinkJob, type FlinkJobInput } from './spec/index.js';

/** What a caller asks: the savepoint, and whether a suspended job is also resumed. */
export interface RestoreRequest {
  choice: RestoreChoice;
  /** Also set the desired state to running, in the same write. */
  resume: boolean;
}

/**
 * When the restore happens: `now` for a job desired running (the reconcile loop carries it out
 * next), `on-resume` for one that stays suspended (its next resume starts from the choice).
 */
export type RestoreTiming = 'now' | 'on-resume';

/** The desired spec a restore request makes, in input form, and when it takes effect. */
export interface RestoreDecision {
  spec: FlinkJobInput;
  takesEffect: RestoreTiming;
}

/** The nonce of a new restore request: unlike the current and the last applied one. */
function nextRestoreNonce(record: Pick<JobRecord, 'status'>, current: FlinkJob): number {
  const applied = appliedRestoreNonce(record.status);
  return Math.max(current.spec.restore.from?.nonce ?? 0, applied ?? 0) + 1;
}

/**
 * The field a refusal is about, first in its message: the caller named the savepoint by that
 * field, the same way the operation's refusal names `spec.restore.from.savepointId`.
 */
function namingField(error: unknown): unknown {
  if (error instanceof NotFoundError)
    return new NotFoundError(`savepointId: ${error.message}`, {
      cause: error,
      ...(error.remedy === undefined ? {} : { remedy: error.remedy }),
    });
  if (error instanceof ConflictError)
    return new ConflictError(`savepointId: ${error.message}`, {
      cause: error,
      ...(error.remedy === undefined ? {} : { remedy: error.remedy }),
    });
  return error;
}

/**
 * Decides a restore request on `record` (whose desired spec is `current`). A catalog id must name
 * a COMPLETED entry of this job that nobody asked to delete, checked before anything is written
 * (the operation checks again, on storage too, before anything stops or starts); a path is taken
 * as given. The job's state is kept unless `resume` asks for running.
 * @throws NotFoundError (unknown id, another job's id) or ConflictError (an entry that cannot be
 * restored), each message beginning with `savepointId: `.
 */
export async function decideRestore(
  store: Pick<JobStore, 'getSavepoint'>,
  record: Pick<JobRecord, 'name' | 'status'>,
  current: FlinkJob,
  request: RestoreRequest,
): Promise<RestoreDecision> {
  if ('savepointId' in request.choice)
    await resolveChoice(store, record.name, request.choice).catch((error: unknown) => {
      throw namingField(error);
    });
  const input = encodeSpecDocument(current) as FlinkJobInput;
  const from = { ...request.choice, nonce: nextRestoreNonce(record, current) };
  const state = request.resume ? 'running' : current.spec.state;
  return {
    spec: { ...input, spec: { ...input.spec, state, restore: { ...input.spec.restore, from } } },
    takesEffect: state === 'running' ? 'now' : 'on-resume',
  };
}
