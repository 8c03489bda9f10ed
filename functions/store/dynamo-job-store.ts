import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, FjcError, NotFoundError, ValidationError } from '../commons/errors.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';
import { LeaseHeldError, VersionConflictError } from './errors.js';
import {
  auditToItem,
  clusterToItem,
  itemToAudit,
  itemToCluster,
  itemToJob,
  itemToSavepoint,
  jobToItem,
  savepointToItem,
} from './items.js';
import {
  JOB_PHASES,
  OPERATION_KINDS,
  RECENT_HISTORY_SIZE,
  SAVEPOINT_STATUSES,
  SAVEPOINT_TRIGGER_KINDS,
  type AuditEntry,
  type AuditInput,
  type ClusterRecord,
  type DesiredJob,
  type JobRecord,
  type JobStatus,
  type JobStatusPatch,
  type JsonObject,
  type NewSavepoint,
  type Page,
  type PageRequest,
  type RecentAuditEntry,
  type SavepointPatch,
  type SavepointRecord,
  type SavepointStatus,
} from '../core/model/index.js';
import {
  type JobStore,
  type PutDesiredOptions,
  type PutDesiredResult,
  type TransitionOptions,
} from '../core/ports/index.js';
import {
  ATTR,
  CLUSTERS_KIND_PK,
  INDEX,
  JOB_SHARDS,
  auditSkPrefix,
  clusterIndexPk,
  clusterKey,
  compactTimestamp,
  jobKey,
  jobPk,
  jobShardPk,
  savepointKey,
  savepointSkPrefix,
  teamIndexPk,
} from './keys.js';
import {
  MAX_DETAILS_BYTES,
  MAX_SPEC_BYTES,
  requireCount,
  requireJsonObject,
  requireName,
  requireOneOf,
} from './validate.js';

/** Where the store reports problems it deliberately does not throw (audit copies). */
export interface StoreLogger {
  warn(message: string, ...extra: unknown[]): void;
}

/** Configuration of {@link DynamoJobStore}. */
export interface DynamoJobStoreOptions {
  /** A plain or document client; a document client is wrapped around a plain one. */
  client: DynamoDBClient;
  tableName: string;
  /** How long audit entries live before DynamoDB TTL removes them. Default 90 days. */
  auditRetentionDays?: number;
  /** Source of "now" when a call does not pass one. */
  clock?: () => Date;
  logger?: StoreLogger;
}

/** DynamoDB failed for a reason other than a lost condition (throttling, network, permissions). */
export class StoreUnavailableError extends FjcError {
  override readonly code: string = 'STORE_UNAVAILABLE';
}

/** A savepoint status change that its lifecycle does not allow (e.g. DISPOSED → COMPLETED). */
export class SavepointStateError extends ConflictError {
  override readonly code: string = 'SAVEPOINT_STATE';
}

/** Retries of a write whose loss did not invalidate the caller's intent (see putDesired). */
const MAX_INTENT_RETRIES = 5;
const MAX_LEASE_TTL_MS = 24 * 60 * 60 * 1000;
const SUFFIX = /^[A-Za-z0-9_-]{1,64}$/;

/** Which savepoint statuses may move to a given one. */
const SAVEPOINT_FROM: Record<SavepointStatus, SavepointStatus[]> = {
  IN_PROGRESS: ['IN_PROGRESS'],
  COMPLETED: ['IN_PROGRESS', 'COMPLETED'],
  FAILED: ['IN_PROGRESS', 'FAILED'],
  DISPOSED: ['COMPLETED', 'FAILED', 'DISPOSED'],
};

const JOB_INDEX_KEYS = (pk: string, sk: string) => [ATTR.pk, ATTR.sk, pk, sk] as const;

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * {@link JobStore} on one DynamoDB table ({@link tableDefinition}); runs unchanged on dynalite.
 *
 * Every change of a job is a single PutItem of the whole job item, conditioned on the version the
 * change was computed from (`version = :expected`): no transactions, so concurrent writers
 * serialize on the item and exactly one wins.
 *
 * Audit trail: a change cannot write the job item and a separate TTL'd audit item atomically
 * without transactions. So the job item itself keeps the last {@link RECENT_HISTORY_SIZE} entries
 * (`recentHistory`), written in the same conditional write as the change — no change is ever
 * without its audit entry. Right after the write, the entry is copied to a long-term audit item
 * whose key is derived from (time, version), so writing it again is idempotent. If the process
 * dies between the two writes, the copy is repaired when another owner takes over the job's lease
 * (the usual consequence of such a crash): the new owner re-copies `recentHistory`.
 */
export class DynamoJobStore implements JobStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly retentionSeconds: number;
  private readonly clock: () => Date;
  private readonly logger: StoreLogger;

  constructor(options: DynamoJobStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.table = options.tableName;
    const days = options.auditRetentionDays ?? 90;
    requireCount(days, 'auditRetentionDays', 1);
    this.retentionSeconds = days * 86_400;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? console;
  }

  // ---------------------------------------------------------------- jobs: reads

  async getJob(name: string): Promise<JobRecord | undefined> {
    requireName(name, 'name');
    const out = await this.send(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: jobKey(name), ConsistentRead: true }),
      ),
    );
    return out.Item && itemToJob(out.Item);
  }

  async listJobs(page: PageRequest = {}): Promise<Page<JobRecord>> {
    const limit = pageLimit(page.limit);
    const position = decodeCursor(page.cursor, {
      keyAttributes: JOB_INDEX_KEYS(ATTR.gsi3pk, ATTR.gsi3sk),
      partitionAttribute: ATTR.gsi3pk,
      partitionValue: (shard) => jobShardPk(shard ?? -1),
      shards: JOB_SHARDS,
    }) ?? { shard: 0 };
    let shard = position.shard ?? 0;
    let key = position.key;
    const items: JobRecord[] = [];
    // Shards are read one after the other; a page may span several of them.
    while (shard < JOB_SHARDS) {
      const out = await this.query({
        IndexName: INDEX.byKind,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': ATTR.gsi3pk },
        ExpressionAttributeValues: { ':pk': jobShardPk(shard) },
        Limit: limit - items.length,
        ExclusiveStartKey: key,
      });
      items.push(...out.items.map(itemToJob));
      if (out.lastKey) {
        key = out.lastKey;
        if (items.length >= limit) return { items, cursor: encodeCursor({ shard, key }) };
        continue;
      }
      shard += 1;
      key = undefined;
      if (items.length >= limit) {
        return shard < JOB_SHARDS ? { items, cursor: encodeCursor({ shard }) } : { items };
      }
    }
    return { items };
  }

  async listJobsByCluster(clusterRef: string, page: PageRequest = {}): Promise<Page<JobRecord>> {
    requireName(clusterRef, 'clusterRef');
    return this.queryPage(
      INDEX.byCluster,
      ATTR.gsi1pk,
      ATTR.gsi1sk,
      clusterIndexPk(clusterRef),
      page,
      itemToJob,
    );
  }

  async listJobsByTeam(team: string, page: PageRequest = {}): Promise<Page<JobRecord>> {
    requireName(team, 'team');
    return this.queryPage(
      INDEX.byTeam,
      ATTR.gsi2pk,
      ATTR.gsi2sk,
      teamIndexPk(team),
      page,
      itemToJob,
    );
  }

  // ---------------------------------------------------------------- jobs: writes

  async putDesired(job: DesiredJob, options: PutDesiredOptions): Promise<PutDesiredResult> {
    requireName(job.name, 'name');
    requireName(job.team, 'team');
    requireName(job.clusterRef, 'clusterRef');
    requireName(job.specHash, 'specHash');
    requireJsonObject(job.spec, 'spec', MAX_SPEC_BYTES);
    requireName(options.actor, 'actor');
    if (options.details !== undefined) {
      requireJsonObject(options.details, 'details', MAX_DETAILS_BYTES);
    }
    const expected = options.expectedGeneration;
    if (expected !== undefined) requireCount(expected, 'expectedGeneration');

    // A lost write is retried only when the caller's precondition (the generation) still holds:
    // a status transition racing with an API put must not turn into a spurious 409.
    for (let attempt = 0; attempt < MAX_INTENT_RETRIES; attempt++) {
      const now = (options.now ?? this.clock()).toISOString();
      const current = await this.getJob(job.name);
      if (!current) {
        if (expected !== undefined && expected !== 0) {
          throw new VersionConflictError(
            `Job ${job.name} does not exist; expected generation ${expected}.`,
            {},
          );
        }
        const audit = this.recent(1, now, { ...options, action: 'job.created' }, job.specHash);
        const record: JobRecord = {
          ...pickDesired(job),
          generation: 1,
          status: { phase: 'PENDING', attempt: 0 },
          version: 1,
          createdAt: now,
          updatedAt: now,
          recentHistory: [audit],
        };
        if (await this.writeJob(record, undefined)) {
          await this.copyAudit(job.name, [audit]);
          return { record, created: true, changed: true };
        }
        if (expected === 0) {
          throw new VersionConflictError(`Job ${job.name} was created concurrently.`, {
            ...(await this.currentVersion(job.name)),
          });
        }
        continue;
      }
      if (expected !== undefined && current.generation !== expected) {
        throw new VersionConflictError(
          `Job ${job.name} is at generation ${current.generation}, not ${expected}.`,
          { version: current.version, generation: current.generation },
        );
      }
      const bump = current.specHash !== job.specHash || current.clusterRef !== job.clusterRef;
      if (!bump && current.team === job.team) {
        return { record: current, created: false, changed: false };
      }
      const version = current.version + 1;
      const audit = this.recent(
        version,
        now,
        { ...options, action: bump ? 'desired.updated' : 'desired.owner-changed' },
        job.specHash,
      );
      const record: JobRecord = {
        ...current,
        ...pickDesired(job),
        generation: bump ? current.generation + 1 : current.generation,
        version,
        updatedAt: now,
        recentHistory: appendRecent(current.recentHistory, audit),
      };
      if (await this.writeJob(record, current.version)) {
        await this.copyAudit(job.name, [audit]);
        return { record, created: false, changed: true };
      }
    }
    throw new VersionConflictError(
      `Job ${job.name} kept changing; gave up after ${MAX_INTENT_RETRIES} attempts.`,
      await this.currentVersion(job.name),
    );
  }

  async transition(
    name: string,
    expectedVersion: number,
    change: JobStatusPatch | ((current: JobRecord) => JobStatusPatch),
    audit: AuditInput,
    now: Date = this.clock(),
    options: TransitionOptions = {},
  ): Promise<JobRecord> {
    requireName(name, 'name');
    requireCount(expectedVersion, 'expectedVersion', 1);
    validateAudit(audit);
    if (options.lease) {
      requireName(options.lease.owner, 'lease.owner');
      requireTtl(options.lease.ttlMs, 'lease.ttlMs');
    }
    const current = await this.requireJob(name);
    if (current.version !== expectedVersion) {
      throw new VersionConflictError(
        `Job ${name} is at version ${current.version}, not ${expectedVersion}.`,
        { version: current.version, generation: current.generation },
      );
    }
    const patch = typeof change === 'function' ? change(current) : change;
    const at = now.toISOString();
    const version = current.version + 1;
    const entry = this.recent(version, at, audit);
    const record: JobRecord = {
      ...current,
      status: applyPatch(current.status, patch),
      version,
      updatedAt: at,
      recentHistory: appendRecent(current.recentHistory, entry),
    };
    if (options.lease === null) {
      delete record.lease;
    } else if (options.lease) {
      const held = current.lease;
      const { owner, ttlMs } = options.lease;
      if (held && held.owner !== owner && Date.parse(held.expiresAt) > now.getTime()) {
        throw new LeaseHeldError(
          `Job ${name} is leased by ${held.owner} until ${held.expiresAt}.`,
          held,
        );
      }
      record.lease = { owner, expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
    }
    if (!(await this.writeJob(record, expectedVersion))) {
      throw new VersionConflictError(
        `Job ${name} changed concurrently; version ${expectedVersion} is stale.`,
        await this.currentVersion(name),
      );
    }
    await this.copyAudit(name, [entry]);
    return record;
  }

  async acquireLease(
    name: string,
    owner: string,
    ttlMs: number,
    now: Date = this.clock(),
  ): Promise<JobRecord> {
    requireName(name, 'name');
    requireName(owner, 'owner');
    requireTtl(ttlMs, 'ttlMs');
    const at = now.toISOString();
    for (let attempt = 0; attempt < MAX_INTENT_RETRIES; attempt++) {
      const current = await this.requireJob(name);
      const held = current.lease;
      if (held && held.owner !== owner && Date.parse(held.expiresAt) > now.getTime()) {
        throw new LeaseHeldError(
          `Job ${name} is leased by ${held.owner} until ${held.expiresAt}.`,
          held,
        );
      }
      const takeover = held !== undefined && held.owner !== owner;
      const version = current.version + 1;
      // Routine acquisitions and renewals are not audited (they would flush the useful entries out
      // of recentHistory); a takeover is, because it means the previous owner stopped mid-way.
      const entry = takeover
        ? this.recent(version, at, {
            actor: owner,
            action: 'lease.takeover',
            details: {
              previousOwner: held.owner,
              previousExpiresAt: held.expiresAt,
              ...(current.status.operation ? { operationId: current.status.operation.id } : {}),
            },
          })
        : undefined;
      const record: JobRecord = {
        ...current,
        lease: { owner, expiresAt: new Date(now.getTime() + ttlMs).toISOString() },
        version,
        updatedAt: at,
        recentHistory: entry ? appendRecent(current.recentHistory, entry) : current.recentHistory,
      };
      // The lease condition repeats what was checked on the read; the version makes it exact.
      const won = await this.writeJob(record, current.version, {
        expression:
          '(attribute_not_exists(#leaseOwner) OR #leaseExpiresAt <= :now OR #leaseOwner = :owner)',
        names: { '#leaseOwner': 'leaseOwner', '#leaseExpiresAt': 'leaseExpiresAt' },
        values: { ':now': now.getTime(), ':owner': owner },
      });
      if (won) {
        // The previous owner may have died between a change and its audit copy: repair.
        if (takeover) await this.copyAudit(name, record.recentHistory);
        return record;
      }
    }
    throw new VersionConflictError(
      `Job ${name} kept changing while acquiring its lease.`,
      await this.currentVersion(name),
    );
  }

  async releaseLease(name: string, owner: string, now: Date = this.clock()): Promise<JobRecord> {
    requireName(name, 'name');
    requireName(owner, 'owner');
    for (let attempt = 0; attempt < MAX_INTENT_RETRIES; attempt++) {
      const current = await this.requireJob(name);
      if (!current.lease) return current;
      if (current.lease.owner !== owner) {
        throw new LeaseHeldError(
          `Job ${name} is leased by ${current.lease.owner}, not ${owner}.`,
          current.lease,
        );
      }
      const record: JobRecord = {
        ...current,
        version: current.version + 1,
        updatedAt: now.toISOString(),
      };
      delete record.lease;
      if (await this.writeJob(record, current.version)) return record;
    }
    throw new VersionConflictError(
      `Job ${name} kept changing while releasing its lease.`,
      await this.currentVersion(name),
    );
  }

  async deleteJob(
    name: string,
    options: { expectedVersion?: number; actor: string; now?: Date },
  ): Promise<void> {
    requireName(name, 'name');
    requireName(options.actor, 'actor');
    const current = await this.requireJob(name);
    const expected = options.expectedVersion ?? current.version;
    if (current.version !== expected) {
      throw new VersionConflictError(
        `Job ${name} is at version ${current.version}, not ${expected}.`,
        { version: current.version, generation: current.generation },
      );
    }
    try {
      await this.send(() =>
        this.doc.send(
          new DeleteCommand({
            TableName: this.table,
            Key: jobKey(name),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expected },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new VersionConflictError(
        `Job ${name} changed concurrently; version ${expected} is stale.`,
        await this.currentVersion(name),
      );
    }
    // Savepoints and audit items share the partition but are left alone: deleting a job must not
    // lose the state a re-created job would restore from.
    const at = (options.now ?? this.clock()).toISOString();
    await this.copyAudit(name, [
      this.recent(expected + 1, at, {
        actor: options.actor,
        action: 'job.deleted',
        details: { generation: current.generation, specHash: current.specHash },
      }),
    ]);
  }

  // ---------------------------------------------------------------- history

  async listHistory(name: string, page: PageRequest = {}): Promise<Page<AuditEntry>> {
    requireName(name, 'name');
    return this.partitionPage(name, auditSkPrefix, page, itemToAudit);
  }

  // ---------------------------------------------------------------- savepoints

  async addSavepoint(savepoint: NewSavepoint): Promise<SavepointRecord> {
    requireName(savepoint.jobName, 'jobName');
    requireOneOf(savepoint.triggerKind, SAVEPOINT_TRIGGER_KINDS, 'triggerKind');
    requireCount(savepoint.generation, 'generation');
    requireName(savepoint.flinkJobId, 'flinkJobId');
    const status = savepoint.status ?? 'IN_PROGRESS';
    requireOneOf(status, ['IN_PROGRESS', 'COMPLETED', 'FAILED'], 'status');
    if (status === 'COMPLETED' && !savepoint.path) {
      throw new ValidationError('Invalid path: a COMPLETED savepoint needs its path.', [
        { path: 'path', message: 'required when status is COMPLETED' },
      ]);
    }
    if (savepoint.idSuffix !== undefined && !SUFFIX.test(savepoint.idSuffix)) {
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
    const record: SavepointRecord = {
      ...(fields as Omit<NewSavepoint, 'idSuffix' | 'createdAt' | 'status'>),
      id: `${compactTimestamp(createdAt)}-${idSuffix ?? randomUUID().slice(0, 8)}`,
      status,
      createdAt: createdAt.toISOString(),
      updatedAt: createdAt.toISOString(),
    };
    try {
      await this.send(() =>
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: savepointToItem(record),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': ATTR.pk },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConflictError(`Savepoint ${record.id} of job ${record.jobName} already exists.`);
    }
    return record;
  }

  async updateSavepoint(
    jobName: string,
    id: string,
    patch: SavepointPatch,
    now: Date = this.clock(),
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
      const from = SAVEPOINT_FROM[to];
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
      // Flink failure causes are stack traces; the catalog keeps the start of it.
      sets.push('#failureCause = :failureCause');
      names['#failureCause'] = 'failureCause';
      values[':failureCause'] = patch.failureCause.slice(0, 2048);
    }
    try {
      const out = await this.send(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: savepointKey(jobName, id),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return itemToSavepoint(out.Attributes ?? {});
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.getSavepoint(jobName, id);
      if (!current) throw new NotFoundError(`Savepoint ${id} of job ${jobName} does not exist.`);
      throw new SavepointStateError(
        `Savepoint ${id} of job ${jobName} is ${current.status}; cannot apply ${patch.status ?? 'changes'}` +
          (patch.status === 'COMPLETED' && !current.path ? ' without a path.' : '.'),
      );
    }
  }

  markSavepointDisposed(jobName: string, id: string, now?: Date): Promise<SavepointRecord> {
    return this.updateSavepoint(jobName, id, { status: 'DISPOSED' }, now);
  }

  async listSavepoints(jobName: string, page: PageRequest = {}): Promise<Page<SavepointRecord>> {
    requireName(jobName, 'jobName');
    return this.partitionPage(jobName, savepointSkPrefix, page, itemToSavepoint);
  }

  private async getSavepoint(jobName: string, id: string): Promise<SavepointRecord | undefined> {
    const out = await this.send(() =>
      this.doc.send(
        new GetCommand({
          TableName: this.table,
          Key: savepointKey(jobName, id),
          ConsistentRead: true,
        }),
      ),
    );
    return out.Item && itemToSavepoint(out.Item);
  }

  // ---------------------------------------------------------------- clusters

  async getCluster(name: string): Promise<ClusterRecord | undefined> {
    requireName(name, 'name');
    const out = await this.send(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: clusterKey(name), ConsistentRead: true }),
      ),
    );
    return out.Item && itemToCluster(out.Item);
  }

  async putCluster(
    cluster: { name: string; spec: JsonObject },
    options: { expectedVersion?: number; now?: Date } = {},
  ): Promise<ClusterRecord> {
    requireName(cluster.name, 'name');
    requireJsonObject(cluster.spec, 'spec', MAX_SPEC_BYTES);
    const expected = options.expectedVersion;
    if (expected !== undefined) requireCount(expected, 'expectedVersion');
    const fields = clusterToItem({
      name: cluster.name,
      spec: cluster.spec,
      version: 0,
      updatedAt: (options.now ?? this.clock()).toISOString(),
    });
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':zero': 0, ':one': 1 };
    const sets = ['#version = if_not_exists(#version, :zero) + :one'];
    for (const field of ['gsi3pk', 'gsi3sk', 'type', 'name', 'specJson', 'updatedAt']) {
      names[`#${field}`] = field;
      values[`:${field}`] = fields[field];
      sets.push(`#${field} = :${field}`);
    }
    let condition: string | undefined;
    if (expected === 0) {
      condition = 'attribute_not_exists(#version)';
    } else if (expected !== undefined) {
      condition = '#version = :expected';
      values[':expected'] = expected;
    }
    try {
      // One UpdateItem, no read: `if_not_exists` makes the same write create or replace.
      const out = await this.send(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: clusterKey(cluster.name),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return itemToCluster(out.Attributes ?? {});
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.getCluster(cluster.name);
      throw new VersionConflictError(
        current
          ? `Cluster ${cluster.name} is at version ${current.version}, not ${String(expected)}.`
          : `Cluster ${cluster.name} does not exist.`,
        current ? { version: current.version } : {},
      );
    }
  }

  async listClusters(page: PageRequest = {}): Promise<Page<ClusterRecord>> {
    return this.queryPage(
      INDEX.byKind,
      ATTR.gsi3pk,
      ATTR.gsi3sk,
      CLUSTERS_KIND_PK,
      page,
      itemToCluster,
    );
  }

  // ---------------------------------------------------------------- internals

  private async requireJob(name: string): Promise<JobRecord> {
    const current = await this.getJob(name);
    if (!current) {
      throw new NotFoundError(`Job ${name} does not exist.`, {
        remedy: 'Check the job name, or create the job first.',
      });
    }
    return current;
  }

  private async currentVersion(name: string): Promise<{ version?: number; generation?: number }> {
    const current = await this.getJob(name);
    return current ? { version: current.version, generation: current.generation } : {};
  }

  /**
   * The one write of a job change: the whole item, conditioned on the version it was computed
   * from (`undefined`: the item must not exist). Returns false when the condition failed.
   */
  private async writeJob(
    record: JobRecord,
    expectedVersion: number | undefined,
    extra?: Condition,
  ): Promise<boolean> {
    const base: Condition =
      expectedVersion === undefined
        ? { expression: 'attribute_not_exists(#pk)', names: { '#pk': ATTR.pk }, values: {} }
        : {
            expression: '#version = :expected',
            names: { '#version': 'version' },
            values: { ':expected': expectedVersion },
          };
    const values = { ...base.values, ...extra?.values };
    try {
      await this.send(() =>
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: jobToItem(record),
            ConditionExpression: extra
              ? `${base.expression} AND ${extra.expression}`
              : base.expression,
            ExpressionAttributeNames: { ...base.names, ...extra?.names },
            ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private recent(
    version: number,
    at: string,
    audit: AuditInput,
    specHash?: string,
  ): RecentAuditEntry {
    const details = specHash === undefined ? audit.details : { ...audit.details, specHash };
    return {
      version,
      actor: audit.actor,
      action: audit.action,
      at,
      ...(details === undefined ? {} : { details }),
    };
  }

  /** Idempotent: the keys are derived from the entries. Failures are logged, not thrown. */
  private async copyAudit(jobName: string, entries: readonly RecentAuditEntry[]): Promise<void> {
    for (const entry of entries) {
      const item = auditToItem({
        ...entry,
        jobName,
        expiresAt: Math.floor(Date.parse(entry.at) / 1000) + this.retentionSeconds,
      });
      try {
        await this.doc.send(new PutCommand({ TableName: this.table, Item: item }));
      } catch (error) {
        // The change itself is committed and its entry is in recentHistory; failing the call
        // now would make the caller retry a change that already happened.
        this.logger.warn('fjc store: audit copy failed; kept in recentHistory', {
          jobName,
          version: entry.version,
          action: entry.action,
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
  }

  private async queryPage<T>(
    indexName: string,
    partitionAttribute: string,
    sortAttribute: string,
    partition: string,
    page: PageRequest,
    map: (item: Record<string, unknown>) => T,
  ): Promise<Page<T>> {
    const limit = pageLimit(page.limit);
    const position = decodeCursor(page.cursor, {
      keyAttributes: JOB_INDEX_KEYS(partitionAttribute, sortAttribute),
      partitionAttribute,
      partitionValue: () => partition,
    });
    const out = await this.query({
      IndexName: indexName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partitionAttribute },
      ExpressionAttributeValues: { ':pk': partition },
      Limit: limit,
      ExclusiveStartKey: position?.key,
    });
    return pageOf(out.items.map(map), out.lastKey);
  }

  /** Newest-first listing of one kind of item inside a job's partition. */
  private async partitionPage<T>(
    jobName: string,
    skPrefix: string,
    page: PageRequest,
    map: (item: Record<string, unknown>) => T,
  ): Promise<Page<T>> {
    const limit = pageLimit(page.limit);
    const partition = jobPk(jobName);
    const position = decodeCursor(page.cursor, {
      keyAttributes: [ATTR.pk, ATTR.sk],
      partitionAttribute: ATTR.pk,
      partitionValue: () => partition,
      sortPrefix: { attribute: ATTR.sk, prefix: skPrefix },
    });
    const out = await this.query({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': ATTR.pk, '#sk': ATTR.sk },
      ExpressionAttributeValues: { ':pk': partition, ':prefix': skPrefix },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: position?.key,
    });
    return pageOf(out.items.map(map), out.lastKey);
  }

  private async query(
    input: Omit<QueryCommandInput, 'TableName'>,
  ): Promise<{ items: Record<string, unknown>[]; lastKey?: Record<string, string> }> {
    const out = await this.send(() =>
      this.doc.send(new QueryCommand({ ...input, TableName: this.table })),
    );
    return {
      items: out.Items ?? [],
      ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey as Record<string, string> } : {}),
    };
  }

  /** Runs a DynamoDB call; lost conditions pass through, anything else becomes a store error. */
  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw new StoreUnavailableError(
        `DynamoDB table ${this.table} failed: ${error instanceof Error ? error.name : 'unknown error'}.`,
        { cause: error, remedy: 'Retry later; check the table exists and the role may use it.' },
      );
    }
  }
}

interface Condition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

function pickDesired(job: DesiredJob): DesiredJob {
  return {
    name: job.name,
    team: job.team,
    clusterRef: job.clusterRef,
    spec: job.spec,
    specHash: job.specHash,
  };
}

function pageOf<T>(items: T[], lastKey: Record<string, string> | undefined): Page<T> {
  return lastKey ? { items, cursor: encodeCursor({ key: lastKey }) } : { items };
}

function appendRecent(
  history: readonly RecentAuditEntry[],
  entry: RecentAuditEntry,
): RecentAuditEntry[] {
  return [...history, entry].slice(-RECENT_HISTORY_SIZE);
}

function requireTtl(ttlMs: number, path: string): void {
  requireCount(ttlMs, path, 1);
  if (ttlMs > MAX_LEASE_TTL_MS) {
    throw new ValidationError(`Invalid ${path}: at most one day.`, [
      { path, message: 'must be at most one day' },
    ]);
  }
}

function validateAudit(audit: AuditInput): void {
  requireName(audit.actor, 'audit.actor');
  requireName(audit.action, 'audit.action');
  if (audit.details !== undefined) {
    requireJsonObject(audit.details, 'audit.details', MAX_DETAILS_BYTES);
  }
}

/** Applies a status patch; `null` removes a field. Validates what it copies. */
function applyPatch(status: JobStatus, patch: JobStatusPatch): JobStatus {
  const next: JobStatus = { ...status };
  if (patch.phase !== undefined) next.phase = requireOneOf(patch.phase, JOB_PHASES, 'phase');
  if (patch.attempt !== undefined) next.attempt = requireCount(patch.attempt, 'attempt');
  if (patch.operation) {
    requireOneOf(patch.operation.kind, OPERATION_KINDS, 'operation.kind');
    if (patch.operation.data !== undefined) {
      requireJsonObject(patch.operation.data, 'operation.data', MAX_DETAILS_BYTES);
    }
  }
  // `null` clears, `undefined` keeps: spelled out per field so each keeps its own type.
  if (patch.lastApplied === null) delete next.lastApplied;
  else if (patch.lastApplied) next.lastApplied = patch.lastApplied;
  if (patch.lastStable === null) delete next.lastStable;
  else if (patch.lastStable) next.lastStable = patch.lastStable;
  if (patch.jobId === null) delete next.jobId;
  else if (patch.jobId !== undefined) next.jobId = patch.jobId;
  if (patch.operation === null) delete next.operation;
  else if (patch.operation) next.operation = patch.operation;
  if (patch.lastError === null) delete next.lastError;
  else if (patch.lastError) next.lastError = patch.lastError;
  if (patch.observed === null) delete next.observed;
  else if (patch.observed) next.observed = patch.observed;
  if (patch.jobStartedAt === null) delete next.jobStartedAt;
  else if (patch.jobStartedAt !== undefined) next.jobStartedAt = patch.jobStartedAt;
  if (patch.restoredFrom === null) delete next.restoredFrom;
  else if (patch.restoredFrom !== undefined) next.restoredFrom = patch.restoredFrom;
  if (patch.newestSavepoint === null) delete next.newestSavepoint;
  else if (patch.newestSavepoint) next.newestSavepoint = patch.newestSavepoint;
  if (patch.rejected === null) delete next.rejected;
  else if (patch.rejected) next.rejected = patch.rejected;
  if (patch.savepointNonce === null) delete next.savepointNonce;
  else if (patch.savepointNonce !== undefined) {
    next.savepointNonce = requireCount(patch.savepointNonce, 'savepointNonce');
  }
  return next;
}
