import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  AuditEntry,
  AuditInput,
  ClusterRecord,
  DesiredJob,
  JobListing,
  JobListingScope,
  JobRecord,
  JobStatusPatch,
  JsonObject,
  NewSavepoint,
  Page,
  PageRequest,
  PlanningRecord,
  SavepointPatch,
  SavepointRecord,
  StoredSpecs,
} from '../core/model/index.js';
import type {
  JobStore,
  PutDesiredOptions,
  PutDesiredResult,
  SavepointChangeAudit,
  SubmissionLock,
  TransitionOptions,
} from '../core/ports/index.js';
import { AuditTrail, type StoreLogger } from './audit.js';
import { Clusters } from './clusters.js';
import { DynamoTable } from './dynamo/client.js';
import { listJobListings } from './job-listings.js';
import { JobRecords } from './job-records.js';
import { Jobs } from './jobs.js';
import { Leases } from './leases.js';
import { PlanningReads } from './planning-reads.js';
import { SubmissionLocks } from './submission-locks.js';
import { SavepointCatalog } from './savepoint-catalog.js';
import { requireCount } from './validate.js';

// Callers have imported the store errors from here since before the store was split.
export type { StoreLogger } from './audit.js';

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

/**
 * {@link JobStore} on one DynamoDB table ({@link tableDefinition}); runs unchanged on dynalite.
 * A facade over the store's parts, one concern each: jobs (jobs.ts) and their one-item writes
 * (job-records.ts), leases (leases.ts), the audit trail (audit.ts), the savepoint catalog
 * (savepoint-catalog.ts) and clusters (clusters.ts); all DynamoDB calls go through
 * dynamo/client.ts and all key formats are in keys.ts.
 */
export class DynamoJobStore implements JobStore {
  private readonly clock: () => Date;
  private readonly jobs: Jobs;
  private readonly leases: Leases;
  private readonly audit: AuditTrail;
  private readonly savepoints: SavepointCatalog;
  private readonly clusters: Clusters;
  private readonly planning: PlanningReads;
  private readonly table: DynamoTable;
  private readonly submissionLocks: SubmissionLocks;

  constructor(options: DynamoJobStoreOptions) {
    const table = new DynamoTable(options.client, options.tableName);
    this.table = table;
    const days = options.auditRetentionDays ?? 90;
    requireCount(days, 'auditRetentionDays', 1);
    this.clock = options.clock ?? (() => new Date());
    const records = new JobRecords(table);
    this.audit = new AuditTrail(table, days * 86_400, options.logger ?? console);
    this.jobs = new Jobs(table, records, this.audit, this.clock);
    this.leases = new Leases(records, this.audit);
    this.savepoints = new SavepointCatalog(table, this.clock, this.audit);
    this.clusters = new Clusters(table, this.clock);
    this.planning = new PlanningReads(table);
    this.submissionLocks = new SubmissionLocks(table);
  }

  getJob(name: string): Promise<JobRecord | undefined> {
    return this.jobs.get(name);
  }

  listJobs(page: PageRequest = {}): Promise<Page<JobRecord>> {
    return this.jobs.list(page);
  }

  listJobsForPlanning(): Promise<PlanningRecord[]> {
    return this.planning.list();
  }

  getStoredSpecs(
    names: readonly string[],
    options: { lastApplied?: boolean } = {},
  ): Promise<StoredSpecs[]> {
    return this.planning.specs(names, options.lastApplied ?? false);
  }

  listJobListings(scope: JobListingScope, page: PageRequest = {}): Promise<Page<JobListing>> {
    return listJobListings(this.table, scope, page);
  }

  listJobsByCluster(clusterRef: string, page: PageRequest = {}): Promise<Page<JobRecord>> {
    return this.jobs.listByCluster(clusterRef, page);
  }

  listJobsByTeam(team: string, page: PageRequest = {}): Promise<Page<JobRecord>> {
    return this.jobs.listByTeam(team, page);
  }

  putDesired(job: DesiredJob, options: PutDesiredOptions): Promise<PutDesiredResult> {
    return this.jobs.putDesired(job, options);
  }

  transition(
    name: string,
    expectedVersion: number,
    change: JobStatusPatch | ((current: JobRecord) => JobStatusPatch),
    audit: AuditInput,
    now: Date = this.clock(),
    options: TransitionOptions = {},
  ): Promise<JobRecord> {
    return this.jobs.transition(name, expectedVersion, change, audit, now, options);
  }

  recordProgress(
    name: string,
    expectedVersion: number,
    patch: JobStatusPatch,
    lease: { owner: string; ttlMs: number },
    now: Date = this.clock(),
  ): Promise<JobRecord> {
    return this.jobs.recordProgress(name, expectedVersion, patch, lease, now);
  }

  acquireLease(
    name: string,
    owner: string,
    ttlMs: number,
    now: Date = this.clock(),
  ): Promise<JobRecord> {
    return this.leases.acquire(name, owner, ttlMs, now);
  }

  releaseLease(name: string, owner: string, now: Date = this.clock()): Promise<JobRecord> {
    return this.leases.release(name, owner, now);
  }

  acquireSubmissionLock(
    clusterRef: string,
    owner: string,
    ttlMs: number,
    now: Date = this.clock(),
  ): Promise<SubmissionLock> {
    return this.submissionLocks.acquire(clusterRef, owner, ttlMs, now);
  }

  releaseSubmissionLock(clusterRef: string, owner: string): Promise<void> {
    return this.submissionLocks.release(clusterRef, owner);
  }

  deleteJob(
    name: string,
    options: {
      expectedVersion?: number;
      actor: string;
      now?: Date;
      action?: 'job.deleted' | 'job.purged';
    },
  ): Promise<void> {
    return this.jobs.delete(name, options);
  }

  listHistory(name: string, page: PageRequest = {}): Promise<Page<AuditEntry>> {
    return this.audit.list(name, page);
  }

  addSavepoint(savepoint: NewSavepoint, audit?: SavepointChangeAudit): Promise<SavepointRecord> {
    return this.savepoints.add(savepoint, audit);
  }

  updateSavepoint(
    jobName: string,
    id: string,
    patch: SavepointPatch,
    now: Date = this.clock(),
  ): Promise<SavepointRecord> {
    return this.savepoints.update(jobName, id, patch, now);
  }

  markSavepointDisposed(jobName: string, id: string, now?: Date): Promise<SavepointRecord> {
    return this.updateSavepoint(jobName, id, { status: 'DISPOSED' }, now);
  }

  getSavepoint(jobName: string, id: string): Promise<SavepointRecord | undefined> {
    return this.savepoints.get(jobName, id);
  }

  setSavepointPinned(
    jobName: string,
    id: string,
    pinned: boolean,
    now: Date = this.clock(),
    audit?: SavepointChangeAudit,
  ): Promise<SavepointRecord> {
    return this.savepoints.setPinned(jobName, id, pinned, now, audit);
  }

  requestSavepointDeletion(
    jobName: string,
    id: string,
    now: Date = this.clock(),
    audit?: SavepointChangeAudit,
  ): Promise<SavepointRecord> {
    return this.savepoints.requestDeletion(jobName, id, now, audit);
  }

  listSavepoints(jobName: string, page: PageRequest = {}): Promise<Page<SavepointRecord>> {
    return this.savepoints.list(jobName, page);
  }

  recopySavepointChanges(jobName: string, savepoints: readonly SavepointRecord[]): Promise<void> {
    return this.savepoints.recopyChanges(jobName, savepoints);
  }

  getCluster(name: string): Promise<ClusterRecord | undefined> {
    return this.clusters.get(name);
  }

  putCluster(
    cluster: { name: string; spec: JsonObject },
    options: { expectedVersion?: number; now?: Date } = {},
  ): Promise<ClusterRecord> {
    return this.clusters.put(cluster, options);
  }

  listClusters(page: PageRequest = {}): Promise<Page<ClusterRecord>> {
    return this.clusters.list(page);
  }
}
