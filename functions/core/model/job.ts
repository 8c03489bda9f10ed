/**
 * The job as the control plane knows it: its desired spec, the status that is its write-ahead
 * log, and the bookkeeping of the one-write-per-transition rule (see {@link JobStore}).
 */
import type { JsonObject } from './json.js';
import type { RecentAuditEntry } from './audit.js';
import type { SavepointRef } from './savepoint.js';
import type { SpecSummary } from './spec-summary.js';
import type { GateProgress } from './gate.js';

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
  // A job that ran before has no restorable state left: it is not started empty, it waits here.
  'NEEDS_RESTORE_POINT',
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
  // From a chosen savepoint (spec.restore.from or the restore action).
  'restore',
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

/** Observed state and progress of a job, changed only through `JobStore.transition`. */
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
  /** Set when operations ended on faults: the next is not started before `nextAttemptAt`. */
  backoff?: RetryBackoff;
  /**
   * Where the current Flink job writes its checkpoints (`<checkpoint dir>/<jobId>`), learnt while
   * it runs, so that they can be found on storage after the cluster is gone.
   */
  checkpointLocation?: string;
  /** The restore point the last restart chose, and why. */
  restorePoint?: RestorePoint;
  /** The stability gate's progress for the version last judged (kept after its verdict). */
  gate?: GateProgress;
}

/** Per-job backoff after operations that ended on faults (not rejections), for this spec. */
export interface RetryBackoff {
  /** Consecutive operations that ended on a fault. */
  attempts: number;
  /** ISO-8601: no operation for this spec starts before. */
  nextAttemptAt: string;
  /** The desired spec the attempts were for: a changed spec is tried at once. */
  specHash: string;
  reason: string;
}

/** A snapshot a job was (or is to be) restored from, and why it was chosen. */
export interface RestorePoint {
  source: 'checkpoint' | 'savepoint';
  path: string;
  /** ISO-8601: when the snapshot completed. */
  at: string;
  /** Why this one, in words. */
  reason: string;
}

/** A spec version that did not become stable. */
export interface RejectedSpec {
  specHash: string;
  reason: string;
  /** ISO-8601 */
  at: string;
}

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
  /** What the planner reads of `spec` (absent on items written before summaries). */
  specSummary?: SpecSummary;
}

/** The desired state submitted for a job. */
export interface DesiredJob {
  name: string;
  team: string;
  clusterRef: string;
  spec: JsonObject;
  specHash: string;
  /** Stored with the spec, in the same write, for cheap planning (spec-summary.ts). */
  specSummary?: SpecSummary;
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
  backoff?: RetryBackoff | null;
  checkpointLocation?: string | null;
  restorePoint?: RestorePoint | null;
  gate?: GateProgress | null;
}
