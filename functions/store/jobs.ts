/**
 * Jobs: their desired state (putDesired), their status (transition), their listings and their
 * deletion. Each change is one conditional write of the job item (job-records.ts) that carries
 * its own audit entry (audit.ts).
 */
import type {
  AuditInput,
  DesiredJob,
  JobRecord,
  JobStatusPatch,
  Page,
  PageRequest,
} from '../core/model/index.js';
import type {
  PutDesiredOptions,
  PutDesiredResult,
  TransitionOptions,
} from '../core/ports/index.js';
import type { DynamoTable } from './dynamo/client.js';
import { appendRecent, auditEntry, validateAudit, type AuditTrail } from './audit.js';
import { VersionConflictError } from '../core/ports/index.js';
import { itemToJob } from './items.js';
import { MAX_INTENT_RETRIES, type JobRecords } from './job-records.js';
import { clusterIndexPk, jobKey, teamIndexPk } from './keys.js';
import { leaseFor, requireTtl } from './leases.js';
import { queryIndexPage, queryJobShardsPage } from './pages.js';
import { applyPatch } from './status-patch.js';
import {
  MAX_DETAILS_BYTES,
  MAX_SPEC_BYTES,
  requireCount,
  requireJsonObject,
  requireName,
} from './validate.js';

/** Desired state, status, listings and deletion of jobs. */
export class Jobs {
  constructor(
    private readonly table: DynamoTable,
    private readonly records: JobRecords,
    private readonly audit: AuditTrail,
    private readonly clock: () => Date,
  ) {}

  // ---------------------------------------------------------------- reads

  async get(name: string): Promise<JobRecord | undefined> {
    requireName(name, 'name');
    return this.records.get(name);
  }

  /** All jobs, shard after shard; a page may span several shards. */
  async list(page: PageRequest): Promise<Page<JobRecord>> {
    return queryJobShardsPage(this.table, page, itemToJob);
  }

  async listByCluster(clusterRef: string, page: PageRequest): Promise<Page<JobRecord>> {
    requireName(clusterRef, 'clusterRef');
    return queryIndexPage(this.table, 'byCluster', clusterIndexPk(clusterRef), page, itemToJob);
  }

  async listByTeam(team: string, page: PageRequest): Promise<Page<JobRecord>> {
    requireName(team, 'team');
    return queryIndexPage(this.table, 'byTeam', teamIndexPk(team), page, itemToJob);
  }

  // ---------------------------------------------------------------- writes

  /** Creates a job or changes its desired state (the port's `putDesired`). */
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
      const current = await this.get(job.name);
      if (!current) {
        if (expected !== undefined && expected !== 0) {
          throw new VersionConflictError(
            `Job ${job.name} does not exist; expected generation ${expected}.`,
            {},
          );
        }
        const audit = auditEntry(1, now, { ...options, action: 'job.created' }, job.specHash);
        const record: JobRecord = {
          ...pickDesired(job),
          generation: 1,
          status: { phase: 'PENDING', attempt: 0 },
          version: 1,
          createdAt: now,
          updatedAt: now,
          recentHistory: [audit],
        };
        if (await this.records.write(record, undefined)) {
          await this.audit.copy(job.name, [audit]);
          return { record, created: true, changed: true };
        }
        if (expected === 0) {
          throw new VersionConflictError(`Job ${job.name} was created concurrently.`, {
            ...(await this.records.currentVersion(job.name)),
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
      const audit = auditEntry(
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
      if (await this.records.write(record, current.version)) {
        await this.audit.copy(job.name, [audit]);
        return { record, created: false, changed: true };
      }
    }
    throw new VersionConflictError(
      `Job ${job.name} kept changing; gave up after ${MAX_INTENT_RETRIES} attempts.`,
      await this.records.currentVersion(job.name),
    );
  }

  /** Changes the status of a job at `expectedVersion` (the port's `transition`). */
  async transition(
    name: string,
    expectedVersion: number,
    change: JobStatusPatch | ((current: JobRecord) => JobStatusPatch),
    audit: AuditInput,
    now: Date,
    options: TransitionOptions,
  ): Promise<JobRecord> {
    validateAudit(audit);
    return this.changeStatus(name, expectedVersion, change, audit, now, options);
  }

  /** Records what a check saw, without an audit entry (the port's `recordProgress`). */
  async recordProgress(
    name: string,
    expectedVersion: number,
    patch: JobStatusPatch,
    lease: { owner: string; ttlMs: number },
    now: Date,
  ): Promise<JobRecord> {
    return this.changeStatus(name, expectedVersion, patch, undefined, now, { lease });
  }

  private async changeStatus(
    name: string,
    expectedVersion: number,
    change: JobStatusPatch | ((current: JobRecord) => JobStatusPatch),
    audit: AuditInput | undefined,
    now: Date,
    options: TransitionOptions,
  ): Promise<JobRecord> {
    requireName(name, 'name');
    requireCount(expectedVersion, 'expectedVersion', 1);
    if (options.lease) {
      requireName(options.lease.owner, 'lease.owner');
      requireTtl(options.lease.ttlMs, 'lease.ttlMs');
    }
    const current = await this.records.require(name);
    if (current.version !== expectedVersion) {
      throw new VersionConflictError(
        `Job ${name} is at version ${current.version}, not ${expectedVersion}.`,
        { version: current.version, generation: current.generation },
      );
    }
    const patch = typeof change === 'function' ? change(current) : change;
    const at = now.toISOString();
    const version = current.version + 1;
    const entry = audit && auditEntry(version, at, audit);
    const record: JobRecord = {
      ...current,
      status: applyPatch(current.status, patch),
      version,
      updatedAt: at,
      recentHistory: entry ? appendRecent(current.recentHistory, entry) : current.recentHistory,
    };
    if (options.lease === null) {
      delete record.lease;
    } else if (options.lease) {
      record.lease = leaseFor(current, options.lease.owner, options.lease.ttlMs, now);
    }
    if (!(await this.records.write(record, expectedVersion))) {
      throw new VersionConflictError(
        `Job ${name} changed concurrently; version ${expectedVersion} is stale.`,
        await this.records.currentVersion(name),
      );
    }
    if (entry) await this.audit.copy(name, [entry]);
    return record;
  }

  /** Deletes the job item; its savepoints and audit entries stay (the port's `deleteJob`). */
  async delete(
    name: string,
    options: {
      expectedVersion?: number;
      actor: string;
      now?: Date;
      action?: 'job.deleted' | 'job.purged';
    },
  ): Promise<void> {
    requireName(name, 'name');
    requireName(options.actor, 'actor');
    const current = await this.records.require(name);
    const expected = options.expectedVersion ?? current.version;
    if (current.version !== expected) {
      throw new VersionConflictError(
        `Job ${name} is at version ${current.version}, not ${expected}.`,
        { version: current.version, generation: current.generation },
      );
    }
    const deleted = await this.table.deleteIf({
      Key: jobKey(name),
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': expected },
    });
    if (!deleted) {
      throw new VersionConflictError(
        `Job ${name} changed concurrently; version ${expected} is stale.`,
        await this.records.currentVersion(name),
      );
    }
    // Savepoints and audit items share the partition but are left alone: deleting a job must not
    // lose the state a re-created job would restore from.
    const at = (options.now ?? this.clock()).toISOString();
    await this.audit.copy(name, [
      auditEntry(expected + 1, at, {
        actor: options.actor,
        action: options.action ?? 'job.deleted',
        details: { generation: current.generation, specHash: current.specHash },
      }),
    ]);
  }
}

function pickDesired(job: DesiredJob): DesiredJob {
  return {
    name: job.name,
    team: job.team,
    clusterRef: job.clusterRef,
    spec: job.spec,
    specHash: job.specHash,
    // Set even when absent, so a summary of the previous spec never outlives it in the item.
    specSummary: job.specSummary,
  };
}
