/**
 * The job store port: how the control plane reads and changes the declared and observed state of
 * Flink jobs, clusters, savepoints and the audit trail. Adapters: {@link DynamoJobStore}.
 *
 * Concurrency model: every job record carries a `version`. Each change of a job (desired spec,
 * status transition, lease) is ONE conditional write on ONE item that checks that version (or, for
 * leases, the lease expiry) and increments it, so two concurrent writers can never both win and a
 * writer holding a stale record is refused with a `ConflictError`. The version therefore doubles
 * as a fencing token: taking over a lease bumps it, so a previous owner that wakes up late cannot
 * write anymore.
 */

/** An opaque JSON object (the job spec, operation data, audit details). */
export type JsonObject = Record<string, unknown>;

/** Lifecycle phases of a job as the controller sees it. */
export const JOB_PHASES = [
  'PENDING',
  'DEPLOYING',
  'RUNNING',
  'STABLE',
  'UPGRADING',
  'SUSPENDING',
  'SUSPENDED',
  'ROLLING_BACK',
  'FAILED',
  'UNKNOWN',
] as const;
/** One of {@link JOB_PHASES}. */
export type JobPhase = (typeof JOB_PHASES)[number];

/** Kinds of multi-step operations the controller runs against Flink. */
export const OPERATION_KINDS = [
  'deploy',
  'upgrade',
  'suspend',
  'resume',
  'rollback',
  'restart',
  'savepoint',
  'cancel',
] as const;
/** One of {@link OPERATION_KINDS}. */
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** A spec as it was at some generation (what was last applied, what was last stable). */
export interface SpecSnapshot {
  spec: JsonObject;
  specHash: string;
  generation: number;
}

/**
 * The operation in flight: the write-ahead log of a multi-step change. A worker records the step
 * (and e.g. the Flink job id it is about to submit) BEFORE acting, so whoever takes over the lease
 * can resume instead of repeating a non-idempotent call.
 */
export interface Operation {
  id: string;
  kind: OperationKind;
  step: string;
  /** ISO-8601 */
  startedAt: string;
  data?: JsonObject;
}

/** Exclusive right to drive a job, until `expiresAt`. */
export interface Lease {
  owner: string;
  /** ISO-8601 */
  expiresAt: string;
}

/** The last failure seen while driving a job. */
export interface JobError {
  code: string;
  message: string;
  /** ISO-8601 */
  at: string;
}

/** What Flink last reported for the job. */
export interface Observation {
  /** A Flink job state (RUNNING, FAILED, ...) or `MISSING` when the cluster does not know the job. */
  state: string;
  /** ISO-8601 */
  at: string;
}

/** Observed state and progress of a job, changed only through {@link JobStore.transition}. */
export interface JobStatus {
  phase: JobPhase;
  lastApplied?: SpecSnapshot;
  lastStable?: SpecSnapshot;
  /** The Flink job id of the current attempt (32 hex), recorded before it is submitted. */
  jobId?: string;
  /** Counts submissions; a new attempt needs a new Flink job id. */
  attempt: number;
  operation?: Operation;
  lastError?: JobError;
  observed?: Observation;
  /** When the current Flink job was submitted (ISO-8601); the start of its stability window. */
  jobStartedAt?: string;
  /** The savepoint path the current Flink job was restored from (lineage of new savepoints). */
  restoredFrom?: string;
  /** The newest completed savepoint, the default restore point of the next upgrade. */
  newestSavepoint?: SavepointRef;
  /** A desired spec the controller gave up on; not retried until the spec changes. */
  rejected?: RejectedSpec;
  /** The last manual-savepoint request (spec nonce) that was served. */
  savepointNonce?: number;
}

/** A pointer to a savepoint from the job status. */
export interface SavepointRef {
  /** Catalog id, when the savepoint is catalogued. */
  id?: string;
  path: string;
  /** ISO-8601 */
  at: string;
}

/** A spec version that did not become stable. */
export interface RejectedSpec {
  specHash: string;
  reason: string;
  /** ISO-8601 */
  at: string;
}

/** An audit entry kept inside the job record (the last {@link RECENT_HISTORY_SIZE} changes). */
export interface RecentAuditEntry {
  /** The job version this change produced. */
  version: number;
  actor: string;
  action: string;
  /** ISO-8601 */
  at: string;
  details?: JsonObject;
}

/** How many audit entries the job record itself keeps (see {@link JobStore} audit notes). */
export const RECENT_HISTORY_SIZE = 10;

/** A job: its desired state, its status and its concurrency bookkeeping, stored as one item. */
export interface JobRecord {
  name: string;
  team: string;
  clusterRef: string;
  /** The desired spec, opaque to the store. */
  spec: JsonObject;
  specHash: string;
  /** Counts accepted changes of the desired spec (specHash or clusterRef). Starts at 1. */
  generation: number;
  status: JobStatus;
  lease?: Lease;
  /** Incremented by every write; the optimistic-concurrency token. Starts at 1. */
  version: number;
  /** ISO-8601 */
  createdAt: string;
  /** ISO-8601 */
  updatedAt: string;
  /** Newest last. */
  recentHistory: RecentAuditEntry[];
}

/** The desired state submitted for a job. */
export interface DesiredJob {
  name: string;
  team: string;
  clusterRef: string;
  spec: JsonObject;
  specHash: string;
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

/**
 * Changes of the status; `null` clears an optional field. Fields left out stay as they are.
 */
export interface JobStatusPatch {
  phase?: JobPhase;
  lastApplied?: SpecSnapshot | null;
  lastStable?: SpecSnapshot | null;
  jobId?: string | null;
  attempt?: number;
  operation?: Operation | null;
  lastError?: JobError | null;
  observed?: Observation | null;
  jobStartedAt?: string | null;
  restoredFrom?: string | null;
  newestSavepoint?: SavepointRef | null;
  rejected?: RejectedSpec | null;
  savepointNonce?: number | null;
}

/** Options of {@link JobStore.transition}. */
export interface TransitionOptions {
  /**
   * Renew (`{owner, ttlMs}`) or release (`null`) the lease in the same write. Renewal is refused
   * with a LeaseHeldError when another owner holds an unexpired lease.
   */
  lease?: { owner: string; ttlMs: number } | null;
}

/** Who did what, recorded with a change. */
export interface AuditInput {
  actor: string;
  action: string;
  details?: JsonObject;
}

/** One entry of a job's long-term audit trail (expires after the store's retention). */
export interface AuditEntry extends RecentAuditEntry {
  jobName: string;
  /** Epoch seconds at which DynamoDB TTL deletes the entry. */
  expiresAt: number;
}

/** Why a savepoint was taken. */
export const SAVEPOINT_TRIGGER_KINDS = [
  'periodic',
  'upgrade',
  'suspend',
  'manual',
  'rollback',
  'delete',
] as const;
/** One of {@link SAVEPOINT_TRIGGER_KINDS}. */
export type SavepointTriggerKind = (typeof SAVEPOINT_TRIGGER_KINDS)[number];

/** States of a catalogued savepoint; DISPOSED is final. */
export const SAVEPOINT_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'FAILED', 'DISPOSED'] as const;
/** One of {@link SAVEPOINT_STATUSES}. */
export type SavepointStatus = (typeof SAVEPOINT_STATUSES)[number];

/** A savepoint in the catalog, with the lineage needed to pick a safe restore point. */
export interface SavepointRecord {
  jobName: string;
  /** Sortable: newest ids sort last (`<compact ISO createdAt>-<suffix>`). */
  id: string;
  /** Flink's location of the savepoint; known once COMPLETED. */
  path?: string;
  triggerKind: SavepointTriggerKind;
  /** The Flink trigger/request id, for polling and deduplication. */
  triggerId?: string;
  /** The spec generation the job ran when the savepoint was taken. */
  generation: number;
  artifactDigest?: string;
  flinkVersion?: string;
  /** The Flink job id that produced the savepoint. */
  flinkJobId: string;
  /** Path of the savepoint the producing job was restored from (lineage). */
  restoredFrom?: string;
  /** Catalog id of the savepoint the producing job was restored from (lineage). */
  parentId?: string;
  status: SavepointStatus;
  failureCause?: string;
  /** ISO-8601 */
  createdAt: string;
  /** ISO-8601 */
  updatedAt: string;
}

/** Fields of a new savepoint; the store sets id, status (IN_PROGRESS unless given) and times. */
export type NewSavepoint = Omit<SavepointRecord, 'id' | 'status' | 'createdAt' | 'updatedAt'> & {
  status?: Extract<SavepointStatus, 'IN_PROGRESS' | 'COMPLETED' | 'FAILED'>;
  /** Makes the id deterministic (e.g. the trigger id); a repeated add is a ConflictError. */
  idSuffix?: string;
  createdAt?: Date;
};

/** Changes of a savepoint entry (status moves IN_PROGRESS → COMPLETED|FAILED → DISPOSED). */
export interface SavepointPatch {
  status?: SavepointStatus;
  path?: string;
  failureCause?: string;
}

/** A Flink cluster the controller deploys to; the spec is opaque to the store. */
export interface ClusterRecord {
  name: string;
  spec: JsonObject;
  version: number;
  /** ISO-8601 */
  updatedAt: string;
}

/** A page of results and the cursor of the next one (absent on the last page). */
export interface Page<T> {
  items: T[];
  /** Opaque; pass back unchanged to get the next page. */
  cursor?: string;
}

/** Paging parameters. */
export interface PageRequest {
  cursor?: string;
  /** 1..1000, default 100. */
  limit?: number;
}

/** The port. All reads of job records are strongly consistent except the index listings. */
export interface JobStore {
  getJob(name: string): Promise<JobRecord | undefined>;
  /** All jobs, for the reconcile fan-out. Eventually consistent (index). */
  listJobs(page?: PageRequest): Promise<Page<JobRecord>>;
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
   * Takes (or renews, for the same owner) the lease of a job. Succeeds when there is no lease, it
   * has expired (takeover) or `owner` already holds it. The returned record contains the
   * operation in flight, for the new owner to resume.
   */
  acquireLease(name: string, owner: string, ttlMs: number, now?: Date): Promise<JobRecord>;
  /** Gives the lease back; refused when `owner` does not hold it. */
  releaseLease(name: string, owner: string, now?: Date): Promise<JobRecord>;
  /** Deletes the job record; savepoints and audit history stay (history until its TTL). */
  deleteJob(
    name: string,
    options: { expectedVersion?: number; actor: string; now?: Date },
  ): Promise<void>;

  /** A job's audit trail, newest first. */
  listHistory(name: string, page?: PageRequest): Promise<Page<AuditEntry>>;

  addSavepoint(savepoint: NewSavepoint): Promise<SavepointRecord>;
  updateSavepoint(
    jobName: string,
    id: string,
    patch: SavepointPatch,
    now?: Date,
  ): Promise<SavepointRecord>;
  markSavepointDisposed(jobName: string, id: string, now?: Date): Promise<SavepointRecord>;
  /** A job's savepoints, newest first. */
  listSavepoints(jobName: string, page?: PageRequest): Promise<Page<SavepointRecord>>;

  getCluster(name: string): Promise<ClusterRecord | undefined>;
  /** Creates (`expectedVersion` 0 or omitted) or replaces a cluster record. */
  putCluster(
    cluster: { name: string; spec: JsonObject },
    options?: { expectedVersion?: number; now?: Date },
  ): Promise<ClusterRecord>;
  listClusters(page?: PageRequest): Promise<Page<ClusterRecord>>;
}
