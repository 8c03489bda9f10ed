/**
 * The savepoint catalog: one item per savepoint in its job's partition. A savepoint's status
 * follows {@link SAVEPOINT_LIFECYCLE}; each update is one conditional UpdateItem that states the
 * allowed previous statuses, so two writers cannot both move a savepoint, and a disposed one
 * never comes back.
 *
 * A change a person makes (register, pin, unpin, deletion request) carries its history entry in
 * that same write (`lastChange` on the catalog item), and the entry is copied to the job's trail
 * right after. The job item is not part of it: DynamoDB transactions would tie the two items
 * together, but dynalite (the local runtime and the tests) has none, and a job-item write would
 * bump the version an operation in flight holds. So the catalog item is the write-ahead copy of
 * its own entry, as the job item's `recentHistory` is of the job's: a refused or failed catalog
 * write leaves no entry, and an entry never exists without its change. A copy lost to a crash is
 * made again by the savepoint's next change, which copies its predecessor too, and by every
 * retention round, which copies each listed savepoint's `lastChange` (the keys are derived from
 * the entries, so copying again is idempotent).
 */
import { storedErrorText } from '../core/error-text.js';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../commons/errors.js';
import {
  SAVEPOINT_STATUSES,
  SAVEPOINT_TRIGGER_KINDS,
  type NewSavepoint,
  type Page,
  type PageRequest,
  type SavepointPatch,
  type SavepointRecord,
  type SavepointStatus,
} from '../core/model/index.js';
import type { DynamoTable } from './dynamo/client.js';
import { SavepointStateError, type SavepointChangeAudit } from '../core/ports/index.js';
import type { RecentAuditEntry } from '../core/model/index.js';
import { validateAudit, type AuditTrail } from './audit.js';
import { itemToSavepoint, recentAttribute, savepointToItem } from './items.js';
import { ATTR, compactTimestamp, savepointKey, savepointSkPrefix } from './keys.js';
import { queryJobPartitionPage } from './pages.js';
import { requireCount, requireName, requireOneOf } from './validate.js';

/**
 * The lifecycle of a catalogued savepoint: for each status, the statuses it may be reached from.
 * Repeating a status is allowed so a retried update succeeds; DISPOSED is final.
 */
export const SAVEPOINT_LIFECYCLE: Readonly<Record<SavepointStatus, readonly SavepointStatus[]>> = {
  IN_PROGRESS: ['IN_PROGRESS'],
  COMPLETED: ['IN_PROGRESS', 'COMPLETED'],
  FAILED: ['IN_PROGRESS', 'FAILED'],
  DISPOSED: ['COMPLETED', 'FAILED', 'DISPOSED'],
};

/** The statuses a savepoint may be added with; DISPOSED only comes through an update. */
const INITIAL_STATUSES: readonly SavepointStatus[] = ['IN_PROGRESS', 'COMPLETED', 'FAILED'];

/** Flink failure causes are stack traces; the catalog keeps their start. */
const MAX_FAILURE_CAUSE_CHARS = 2048;

const ID_SUFFIX = /^[A-Za-z0-9_-]{1,64}$/;

/** The trail key's subject of a savepoint's entries (see auditKey). */
const subjectOf = (id: string): string => `SAVEPOINT#${id}`;

/** The history entry of a catalog change: who, when, and which savepoint at which path. */
function changeEntry(
  audit: SavepointChangeAudit,
  at: Date,
  id: string,
  path: string | undefined,
): RecentAuditEntry {
  validateAudit(audit);
  requireCount(audit.jobVersion, 'audit.jobVersion', 1);
  return {
    version: audit.jobVersion,
    actor: audit.actor,
    action: audit.action,
    at: at.toISOString(),
    details: { ...audit.details, savepointId: id, ...(path === undefined ? {} : { path }) },
  };
}

/** The savepoints of jobs, with their lineage and lifecycle. */
export class SavepointCatalog {
  constructor(
    private readonly table: DynamoTable,
    private readonly clock: () => Date,
    private readonly trail: AuditTrail,
  ) {}

  /**
   * Copies each savepoint's `lastChange` to the trail again (retention, which lists the catalog
   * anyway): a copy lost to a crash of a savepoint that never changes again shows up then.
   */
  async recopyChanges(jobName: string, savepoints: readonly SavepointRecord[]): Promise<void> {
    for (const savepoint of savepoints)
      if (savepoint.lastChange !== undefined && savepoint.jobName === jobName)
        await this.trail.copy(jobName, [savepoint.lastChange], subjectOf(savepoint.id));
  }

  /** Adds an entry; with `audit`, its history entry is written with it (see the file notes). */
  async add(savepoint: NewSavepoint, audit?: SavepointChangeAudit): Promise<SavepointRecord> {
    requireName(savepoint.jobName, 'jobName');
    requireOneOf(savepoint.triggerKind, SAVEPOINT_TRIGGER_KINDS, 'triggerKind');
    requireCount(savepoint.generation, 'generation');
    if (savepoint.flinkJobId !== undefined) requireName(savepoint.flinkJobId, 'flinkJobId');
    const status = savepoint.status ?? 'IN_PROGRESS';
    requireOneOf(status, INITIAL_STATUSES, 'status');
    if (status === 'COMPLETED' && !savepoint.path) {
      throw new ValidationError('Invalid path: a COMPLETED savepoint needs its path.', [
        { path: 'path', message: 'required when status is COMPLETED' },
      ]);
    }
    if (savepoint.idSuffix !== undefined && !ID_SUFFIX.test(savepoint.idSuffix)) {
      throw new ValidationError('Invalid idSuffix.', [
        { path: 'idSuffix', message: 'must be 1..64 of A-Z a-z 0-9 _ -' },
      ]);
    }
    const createdAt = savepoint.createdAt ?? this.clock();
    const { idSuffix } = savepoint;
    const fields: Partial<NewSavepoint> = { ...savepoint };
    delete fields.idSuffix;
    delete fields.createdAt;
    delete fields.status;
    const id = `${compactTimestamp(createdAt)}-${idSuffix ?? randomUUID().slice(0, 8)}`;
    const lastChange = audit && changeEntry(audit, createdAt, id, savepoint.path);
    const record: SavepointRecord = {
      ...(fields as Omit<NewSavepoint, 'idSuffix' | 'createdAt' | 'status'>),
      id,
      status,
      ...(lastChange === undefined ? {} : { lastChange }),
      createdAt: createdAt.toISOString(),
      updatedAt: createdAt.toISOString(),
    };
    const added = await this.table.putIf({
      Item: savepointToItem(record),
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': ATTR.pk },
    });
    if (!added) {
      throw new ConflictError(`Savepoint ${record.id} of job ${record.jobName} already exists.`);
    }
    if (lastChange) await this.trail.copy(record.jobName, [lastChange], subjectOf(id));
    return record;
  }

  /**
   * Moves a savepoint along its lifecycle and/or records its path or failure cause. Without a
   * status change, a disposed savepoint is still refused.
   * @throws SavepointStateError when the lifecycle does not allow the change.
   */
  async update(
    jobName: string,
    id: string,
    patch: SavepointPatch,
    now: Date,
  ): Promise<SavepointRecord> {
    requireName(jobName, 'jobName');
    requireName(id, 'id');
    const sets = ['#updatedAt = :updatedAt'];
    const names: Record<string, string> = { '#updatedAt': 'updatedAt', '#status': 'status' };
    const values: Record<string, unknown> = { ':updatedAt': now.toISOString() };
    let condition = 'attribute_exists(#pk)';
    names['#pk'] = ATTR.pk;
    if (patch.status !== undefined) {
      const to = requireOneOf(patch.status, SAVEPOINT_STATUSES, 'status');
      sets.push('#status = :status');
      values[':status'] = to;
      const from = SAVEPOINT_LIFECYCLE[to];
      condition += ` AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`;
      from.forEach((s, i) => (values[`:from${i}`] = s));
      if (to === 'COMPLETED' && patch.path === undefined)
        condition += ' AND attribute_exists(#path)';
    } else {
      condition += ' AND #status <> :disposed';
      values[':disposed'] = 'DISPOSED';
    }
    if (patch.path !== undefined) {
      requireName(patch.path, 'path');
      sets.push('#path = :path');
      values[':path'] = patch.path;
    }
    if (patch.status === 'COMPLETED' || patch.path !== undefined) names['#path'] = 'path';
    if (patch.failureCause !== undefined) {
      sets.push('#failureCause = :failureCause');
      names['#failureCause'] = 'failureCause';
      // Bounded at a word boundary and scrubbed, like every cause stored on a job.
      values[':failureCause'] = storedErrorText(patch.failureCause, MAX_FAILURE_CAUSE_CHARS);
    }
    const item = await this.table.updateIf({
      Key: savepointKey(jobName, id),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    if (item) return itemToSavepoint(item);
    const current = await this.get(jobName, id);
    if (!current) throw new NotFoundError(`Savepoint ${id} of job ${jobName} does not exist.`);
    throw new SavepointStateError(
      `Savepoint ${id} of job ${jobName} is ${current.status}; cannot apply ${patch.status ?? 'changes'}` +
        (patch.status === 'COMPLETED' && !current.path ? ' without a path.' : '.'),
    );
  }

  /**
   * Pins or unpins a savepoint: one conditional write, refused for a disposed one or one whose
   * deletion was asked for (it is on its way out).
   * @throws NotFoundError when there is no such entry; SavepointStateError when it cannot be.
   */
  async setPinned(
    jobName: string,
    id: string,
    pinned: boolean,
    now: Date,
    audit?: SavepointChangeAudit,
  ): Promise<SavepointRecord> {
    requireName(jobName, 'jobName');
    requireName(id, 'id');
    const change = await this.changeOf(jobName, id, now, audit);
    const item = await this.table.updateIf({
      Key: savepointKey(jobName, id),
      UpdateExpression: `SET #pinned = :pinned, #updatedAt = :updatedAt${change.set}`,
      ConditionExpression:
        'attribute_exists(#pk) AND #status <> :disposed AND attribute_not_exists(#deleteRequestedAt)',
      ExpressionAttributeNames: {
        '#pk': ATTR.pk,
        '#pinned': 'pinned',
        '#updatedAt': 'updatedAt',
        '#status': 'status',
        '#deleteRequestedAt': 'deleteRequestedAt',
        ...change.names,
      },
      ExpressionAttributeValues: {
        ':pinned': pinned,
        ':updatedAt': now.toISOString(),
        ':disposed': 'DISPOSED',
        ...change.values,
      },
    });
    if (item) return this.changed(jobName, id, item, change.copies);
    const current = await this.require(jobName, id);
    throw new SavepointStateError(
      `Savepoint ${id} of job ${jobName} cannot be ${pinned ? 'pinned' : 'unpinned'}: ` +
        (current.status === 'DISPOSED' ? 'it is disposed.' : 'its deletion was asked for.'),
    );
  }

  /**
   * Marks a savepoint for deletion: one conditional write that holds only while it is not
   * pinned, not disposed and not yet marked, so a pin racing the deletion wins or loses whole and
   * a repeated request changes nothing (it answers the entry as the first request left it). The
   * caller has checked what the item alone cannot say (newest restorable, in use by an
   * operation).
   * @throws NotFoundError when there is no such entry; SavepointStateError when it is pinned
   * or disposed.
   */
  async requestDeletion(
    jobName: string,
    id: string,
    now: Date,
    audit?: SavepointChangeAudit,
  ): Promise<SavepointRecord> {
    requireName(jobName, 'jobName');
    requireName(id, 'id');
    const change = await this.changeOf(jobName, id, now, audit);
    const item = await this.table.updateIf({
      Key: savepointKey(jobName, id),
      UpdateExpression: `SET #deleteRequestedAt = :now, #updatedAt = :now${change.set}`,
      ConditionExpression:
        'attribute_exists(#pk) AND #status IN (:completed, :failed) AND (attribute_not_exists(#pinned) OR #pinned = :false) AND attribute_not_exists(#deleteRequestedAt)',
      ExpressionAttributeNames: {
        '#pk': ATTR.pk,
        '#deleteRequestedAt': 'deleteRequestedAt',
        '#updatedAt': 'updatedAt',
        '#status': 'status',
        '#pinned': 'pinned',
        ...change.names,
      },
      ExpressionAttributeValues: {
        ':now': now.toISOString(),
        ':completed': 'COMPLETED',
        ':failed': 'FAILED',
        ':false': false,
        ...change.values,
      },
    });
    if (item) return this.changed(jobName, id, item, change.copies);
    const current = await this.require(jobName, id);
    // Asked for before and not yet disposed of: the first request stands, with its one entry.
    const waiting = current.status === 'COMPLETED' || current.status === 'FAILED';
    if (current.deleteRequestedAt !== undefined && current.pinned !== true && waiting)
      return current;
    throw new SavepointStateError(
      `Savepoint ${id} of job ${jobName} cannot be deleted: ` +
        (current.pinned === true ? 'it is pinned.' : `it is ${current.status}.`),
    );
  }

  /** One entry, or undefined. */
  async get(jobName: string, id: string): Promise<SavepointRecord | undefined> {
    requireName(jobName, 'jobName');
    requireName(id, 'id');
    const item = await this.table.get(savepointKey(jobName, id));
    return item && itemToSavepoint(item);
  }

  /**
   * The parts of a person's change that record it: the `lastChange` attribute to set, and the
   * entries to copy to the trail once it is written (the new one, and the previous one, whose
   * copy a crash may have lost). Without `audit` (the controller's own writes), nothing.
   */
  private async changeOf(
    jobName: string,
    id: string,
    now: Date,
    audit: SavepointChangeAudit | undefined,
  ): Promise<{
    set: string;
    names: Record<string, string>;
    values: Record<string, unknown>;
    copies: RecentAuditEntry[];
  }> {
    if (audit === undefined) return { set: '', names: {}, values: {}, copies: [] };
    // Read for the path the entry names and the previous entry; the write's condition decides.
    const before = await this.get(jobName, id);
    const entry = changeEntry(audit, now, id, before?.path);
    return {
      set: ', #lastChange = :lastChange',
      names: { '#lastChange': 'lastChange' },
      values: { ':lastChange': recentAttribute(entry) },
      copies: [...(before?.lastChange ? [before.lastChange] : []), entry],
    };
  }

  private async changed(
    jobName: string,
    id: string,
    item: Record<string, unknown>,
    copies: readonly RecentAuditEntry[],
  ): Promise<SavepointRecord> {
    if (copies.length > 0) await this.trail.copy(jobName, copies, subjectOf(id));
    return itemToSavepoint(item);
  }

  private async require(jobName: string, id: string): Promise<SavepointRecord> {
    const current = await this.get(jobName, id);
    if (!current) throw new NotFoundError(`Savepoint ${id} of job ${jobName} does not exist.`);
    return current;
  }

  /** A job's savepoints, newest first. */
  async list(jobName: string, page: PageRequest): Promise<Page<SavepointRecord>> {
    requireName(jobName, 'jobName');
    return queryJobPartitionPage(this.table, jobName, savepointSkPrefix, page, itemToSavepoint);
  }
}
