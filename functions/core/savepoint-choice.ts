/**
 * Decisions about a job's savepoint catalog that every door takes the same way: which savepoint
 * a restore means, whether one may be deleted, what a registered one records. The store makes
 * each change in one conditional write; these functions decide what the item alone cannot.
 */
import { ConflictError, NotFoundError } from '../commons/errors.js';
import type { JobRecord, NewSavepoint, SavepointRecord } from './model/index.js';
import type { CheckpointStorage, JobStore, SavepointChangeAudit } from './ports/index.js';
import { UnsupportedStorageError } from './ports/index.js';
import type { FlinkJob } from './spec/index.js';
import { pendingRestore, type RestoreChoice } from './pending-restore.js';
import { jobTypeOf } from './savepoint-lineage.js';
import { sameStorageLocation } from './storage-location.js';

export { appliedRestoreNonce, choiceOf, type RestoreChoice } from './pending-restore.js';

/** The largest catalog page the store serves: guards read the newest entries in one call. */
const CATALOG_PAGE = 1000;

/** A restore choice resolved to a location, with its catalog entry when it has one. */
export interface ResolvedChoice {
  path: string;
  savepointId?: string;
}

/**
 * The location a restore choice names. A catalog id must name a COMPLETED entry of this job
 * that nobody asked to delete; a path is taken as given (the caller checks storage).
 * @throws NotFoundError for an unknown id; ConflictError for an entry that cannot be restored.
 */
export async function resolveChoice(
  store: Pick<JobStore, 'getSavepoint'>,
  jobName: string,
  choice: RestoreChoice,
): Promise<ResolvedChoice> {
  if ('path' in choice) return { path: choice.path };
  const entry = await store.getSavepoint(jobName, choice.savepointId);
  if (!entry)
    throw new NotFoundError(`Savepoint ${choice.savepointId} of job ${jobName} does not exist`, {
      remedy: `List the job's savepoints with GET /v1/jobs/${jobName}/savepoints (fjc savepoints ${jobName}).`,
    });
  const refusal = unrestorable(entry);
  if (refusal !== undefined || entry.path === undefined)
    throw new ConflictError(
      `Savepoint ${entry.id} of job ${jobName} cannot be restored: ${refusal ?? 'it has no path'}`,
      { remedy: 'Choose a COMPLETED savepoint from the catalog, or give its path.' },
    );
  return { path: entry.path, savepointId: entry.id };
}

function unrestorable(entry: SavepointRecord): string | undefined {
  if (entry.deleteRequestedAt !== undefined) return 'its deletion was asked for';
  if (entry.status !== 'COMPLETED') return `it is ${entry.status}`;
  return undefined;
}

/**
 * Whether a location still holds a restorable savepoint, per storage; undefined when this
 * runtime cannot read that storage (Flink then has the last word at submission).
 */
export async function restorableOnStorage(
  storage: CheckpointStorage,
  path: string,
): Promise<boolean | undefined> {
  try {
    return await storage.isRestorable(path);
  } catch (error) {
    if (error instanceof UnsupportedStorageError) return undefined;
    throw error;
  }
}

/**
 * Why a savepoint may not be deleted, or undefined when it may: never a pinned one, never the
 * newest restorable one (it may be the only state the job can come back from), never one an
 * operation in flight restores from or a pending restore names.
 */
export function deletionRefusal(
  entry: SavepointRecord,
  catalog: readonly SavepointRecord[],
  record: Pick<JobRecord, 'status'> | undefined,
  desired: FlinkJob | undefined,
): string | undefined {
  if (entry.pinned === true) return 'it is pinned (unpin it first)';
  if (entry.status === 'DISPOSED') return 'it is already disposed';
  if (entry.status === 'IN_PROGRESS') return 'it is still being taken';
  const newest = catalog
    .filter((s) => s.status === 'COMPLETED' && s.deleteRequestedAt === undefined)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (newest?.id === entry.id) return 'it is the newest restorable savepoint of the job';
  const status = record?.status;
  const operation = status?.operation;
  const restoring =
    operation?.data !== undefined && typeof operation.data === 'object'
      ? (operation.data as { restorePath?: unknown }).restorePath
      : undefined;
  if (typeof restoring === 'string' && sameStorageLocation(entry.path, restoring))
    return `the ${operation?.kind ?? ''} in flight restores from it`;
  const pending = pendingRestore(desired, status)?.choice;
  const named =
    pending !== undefined &&
    ('savepointId' in pending
      ? pending.savepointId === entry.id
      : sameStorageLocation(entry.path, pending.path));
  if (named) return 'the job’s pending restore (spec.restore.from) names it';
  return undefined;
}

/**
 * Asks for a savepoint's deletion after checking every guard; retention disposes of its files
 * at its next round. 404 for an unknown entry, 409 naming the reason otherwise. With `audit`, the
 * job's history records who asked, in the same write (nothing when refused).
 */
export async function requestDeletion(
  store: Pick<JobStore, 'getSavepoint' | 'listSavepoints' | 'requestSavepointDeletion'>,
  jobName: string,
  id: string,
  record: Pick<JobRecord, 'status'> | undefined,
  desired: FlinkJob | undefined,
  audit?: SavepointChangeAudit,
): Promise<SavepointRecord> {
  const entry = await store.getSavepoint(jobName, id);
  if (!entry)
    throw new NotFoundError(`Savepoint ${id} of job ${jobName} does not exist`, {
      remedy: `List the job's savepoints with GET /v1/jobs/${jobName}/savepoints.`,
    });
  const catalog = await store.listSavepoints(jobName, { limit: CATALOG_PAGE });
  const refusal = deletionRefusal(entry, catalog.items, record, desired);
  if (refusal !== undefined)
    throw new ConflictError(`Savepoint ${id} of job ${jobName} cannot be deleted: ${refusal}`, {
      remedy: 'Delete another savepoint, or remove what holds this one first.',
    });
  return store.requestSavepointDeletion(jobName, id, undefined, audit);
}

/**
 * The catalog entry of a savepoint made elsewhere: COMPLETED at `path`, with what the job's
 * current spec says about its lineage (the generation it is registered under, its program).
 */
export function registeredSavepoint(
  record: Pick<JobRecord, 'name' | 'generation'>,
  desired: FlinkJob,
  path: string,
): NewSavepoint {
  return {
    jobName: record.name,
    path,
    status: 'COMPLETED',
    triggerKind: 'registered',
    generation: record.generation,
    jobType: jobTypeOf(desired),
  };
}
