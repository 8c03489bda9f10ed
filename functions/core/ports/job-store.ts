/**
 * The job store port: how the control plane reads and changes the declared and observed state of
 * Flink jobs, clusters, savepoints and the audit trail. Adapter: `DynamoJobStore`
 * (functions/store).
 *
 * Concurrency model: every job record carries a `version`. Each change of a job (desired spec,
 * status transition, lease) is ONE conditional write on ONE item that checks that version (or, for
 * leases, the lease expiry) and increments it, so two concurrent writers can never both win and a
 * writer holding a stale record is refused with a `ConflictError`. The version therefore doubles
 * as a fencing token: taking over a lease bumps it, so a previous owner that wakes up late cannot
 * write anymore.
 */
import type {
  AuditEntry,
  AuditInput,
  ClusterRecord,
  DesiredJob,
  JobRecord,
  JobListing,
  JobListingScope,
  JobStatusPatch,
  JsonObject,
  NewSavepoint,
  Page,
  PageRequest,
  PlanningRecord,
  SavepointPatch,
  SavepointRecord,
  StoredSpecs,
} from '../model/index.js';

/**
 * The history entry of a change a person makes to the savepoint catalog (register, pin, unpin,
 * deletion request). The store writes it in the same conditional write as the catalog change, on
 * the catalog item, then copies it to the job's trail (`listHistory`): the change and its entry
 * exist together or not at all. The job item is not written, so such a change never races the
 * job's operations for its version.
 */
export interface SavepointChangeAudit extends AuditInput {
  /** The job version the change was decided against; the entry is listed under it. */
  jobVersion: number;
}

/** Options of {@link JobStore.putDesired}. */
export interface PutDesiredOptions {
  /**
   * The generation the caller based its change on (HTTP If-Match). `0` means "must not exist yet".
   * Omitted: last writer wins on the desired spec (status changes never make the put fail).
   */
  expectedGeneration?: number;
  actor: string;
  details?: JsonObject;
  now?: Date;
}

/** Result of {@link JobStore.putDesired}. */
export interface PutDesiredResult {
  record: JobRecord;
  created: boolean;
  /** False when nothing changed (idempotent re-put): no write happened. */
  changed: boolean;
}

/** Options of {@link JobStore.transition}. */
export interface TransitionOptions {
  /**
   * Renew (`{owner, ttlMs}`) or release (`null`) the lease in the same write. Renewal is refused
   * with a LeaseHeldError when another owner holds an unexpired lease.
   */
  lease?: { owner: string; ttlMs: number } | null;
}

/**
 * The answer of {@link JobStore.acquireSubmissionLock}: taken, or who holds it until when.
 */
export type SubmissionLock =
  { acquired: true } | { acquired: false; owner: string; expiresAt: string };

/** The port. All reads of job records are strongly consistent except the index listings. */
export interface JobStore {
  getJob(name: string): Promise<JobRecord | undefined>;
  /** All jobs, for the reconcile fan-out. Eventually consistent (index). */
  listJobs(page?: PageRequest): Promise<Page<JobRecord>>;
  /**
   * Every job as a reconcile cycle plans it: the lean {@link PlanningRecord} (no specs, no
   * history), the whole fleet in one call (the index shards are read in parallel). Eventually
   * consistent (index); every write a plan leads to is conditional on the version read here.
   */
  listJobsForPlanning(): Promise<PlanningRecord[]>;
  /**
   * The stored desired specs of the named jobs, and with `lastApplied` their last applied specs
   * too, for specs a cycle has not parsed before. Jobs that no longer exist are left out; the
   * order is not the order of `names`.
   */
  getStoredSpecs(
    names: readonly string[],
    options?: { lastApplied?: boolean },
  ): Promise<StoredSpecs[]>;
  /**
   * A page of jobs as listings show them (no specs, no history), in the order and with the
   * cursors of `listJobs`, `listJobsByTeam` or `listJobsByCluster` for the same scope.
   */
  listJobListings(scope: JobListingScope, page?: PageRequest): Promise<Page<JobListing>>;
  listJobsByCluster(clusterRef: string, page?: PageRequest): Promise<Page<JobRecord>>;
  listJobsByTeam(team: string, page?: PageRequest): Promise<Page<JobRecord>>;

  /** Creates a job or changes its desired state. */
  putDesired(job: DesiredJob, options: PutDesiredOptions): Promise<PutDesiredResult>;
  /**
   * Changes the status of a job whose current version is `expectedVersion`, in one conditional
   * write. `change` may be a patch or a function of the current record.
   */
  transition(
    name: string,
    expectedVersion: number,
    change: JobStatusPatch | ((current: JobRecord) => JobStatusPatch),
    audit: AuditInput,
    now?: Date,
    options?: TransitionOptions,
  ): Promise<JobRecord>;
  /**
   * Records what a check saw (the stability gate's progress, its metric samples) in one
   * conditional write at `expectedVersion` that also renews `lease`, WITHOUT an audit entry: an
   * observation, not a change, which would otherwise flush the useful entries out of the history.
   */
  recordProgress(
    name: string,
    expectedVersion: number,
    patch: JobStatusPatch,
    lease: { owner: string; ttlMs: number },
    now?: Date,
  ): Promise<JobRecord>;
  /**
   * Takes (or renews, for the same owner) the lease of a job. Succeeds when there is no lease, it
   * has expired (takeover) or `owner` already holds it. The returned record contains the
   * operation in flight, for the new owner to resume.
   */
  acquireLease(name: string, owner: string, ttlMs: number, now?: Date): Promise<JobRecord>;
  /** Gives the lease back; refused when `owner` does not hold it. */
  releaseLease(name: string, owner: string, now?: Date): Promise<JobRecord>;
  /**
   * Takes the submission lock of a cluster: at most one fjc submission in flight per cluster
   * (two overlapping on one JobManager can break PyFlink, see README "PyFlink"). Taken when free,
   * expired, or already `owner`'s; otherwise the answer names the holder. Not a fencing token:
   * it only keeps fjc's own submissions apart.
   */
  acquireSubmissionLock(
    clusterRef: string,
    owner: string,
    ttlMs: number,
    now?: Date,
  ): Promise<SubmissionLock>;
  /** Gives the submission lock back if `owner` still holds it; otherwise does nothing. */
  releaseSubmissionLock(clusterRef: string, owner: string): Promise<void>;
  /**
   * Deletes the job record; savepoints and audit history stay (history until its TTL). `action`
   * names the audit entry: a released job (`job.deleted`, the default) or a purged one.
   */
  deleteJob(
    name: string,
    options: {
      expectedVersion?: number;
      actor: string;
      now?: Date;
      action?: 'job.deleted' | 'job.purged';
    },
  ): Promise<void>;

  /** A job's audit trail, newest first. */
  listHistory(name: string, page?: PageRequest): Promise<Page<AuditEntry>>;

  /** Adds a catalog entry; with `audit`, its history entry is written with it. */
  addSavepoint(savepoint: NewSavepoint, audit?: SavepointChangeAudit): Promise<SavepointRecord>;
  updateSavepoint(
    jobName: string,
    id: string,
    patch: SavepointPatch,
    now?: Date,
  ): Promise<SavepointRecord>;
  markSavepointDisposed(jobName: string, id: string, now?: Date): Promise<SavepointRecord>;
  /** One catalog entry, or undefined. */
  getSavepoint(jobName: string, id: string): Promise<SavepointRecord | undefined>;
  /**
   * Pins (retention keeps it, deletion is refused) or unpins a savepoint; one conditional write.
   * @throws NotFoundError; SavepointStateError when it is disposed or being deleted.
   */
  setSavepointPinned(
    jobName: string,
    id: string,
    pinned: boolean,
    now?: Date,
    audit?: SavepointChangeAudit,
  ): Promise<SavepointRecord>;
  /**
   * Asks for a savepoint's deletion (retention disposes of its files); one conditional write
   * that holds only while it is neither pinned nor disposed.
   * @throws NotFoundError; SavepointStateError when it is pinned, in flight or disposed.
   */
  requestSavepointDeletion(
    jobName: string,
    id: string,
    now?: Date,
    audit?: SavepointChangeAudit,
  ): Promise<SavepointRecord>;
  /** A job's savepoints, newest first. */
  listSavepoints(jobName: string, page?: PageRequest): Promise<Page<SavepointRecord>>;
  /**
   * Copies each savepoint's `lastChange` to the job's history again (same key: idempotent), so a
   * copy lost between a catalog change and its copy shows up although the savepoint never
   * changes again. Never rejects: a failed copy is logged and stays on the catalog item.
   */
  recopySavepointChanges(jobName: string, savepoints: readonly SavepointRecord[]): Promise<void>;

  getCluster(name: string): Promise<ClusterRecord | undefined>;
  /** Creates (`expectedVersion` 0 or omitted) or replaces a cluster record. */
  putCluster(
    cluster: { name: string; spec: JsonObject },
    options?: { expectedVersion?: number; now?: Date },
  ): Promise<ClusterRecord>;
  listClusters(page?: PageRequest): Promise<Page<ClusterRecord>>;
}
