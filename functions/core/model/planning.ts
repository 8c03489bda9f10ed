/**
 * The lean view of a job that a reconcile cycle plans from: everything the planner and the fleet
 * figures read, nothing else. The stored specs are left out (the planner gets them parsed, by
 * hash, see core/plan/load-views.ts), and so are the recent history, the operation's opaque data
 * and the fields only operations read (lastError, restoredFrom, checkpointLocation, restorePoint).
 *
 * Every {@link JobRecord} is a PlanningRecord (a structural subset), so code that already holds
 * the full record (preview, tests) plans from it unchanged.
 */
import type {
  JobError,
  JobPhase,
  JobStatus,
  Lease,
  Observation,
  Operation,
  SpecSnapshot,
} from './job.js';
import type { JsonObject } from './json.js';
import type { SpecSummary } from './spec-summary.js';

/** A spec snapshot without the spec: which spec, not what it says. */
export type SnapshotRef = Pick<SpecSnapshot, 'specHash' | 'generation'>;

/** The status fields the planner reads. */
export interface PlanningStatus {
  phase: JobPhase;
  attempt: number;
  jobId?: string;
  lastApplied?: SnapshotRef;
  lastStable?: SnapshotRef;
  /** The operation in flight, without its opaque data. */
  operation?: Pick<Operation, 'id' | 'kind' | 'step' | 'startedAt'>;
  observed?: Observation;
  jobStartedAt?: string;
  newestSavepoint?: JobStatus['newestSavepoint'];
  rejected?: JobStatus['rejected'];
  savepointNonce?: number;
  backoff?: JobStatus['backoff'];
}

/** A job as a reconcile cycle loads it for planning. */
export interface PlanningRecord {
  name: string;
  team: string;
  clusterRef: string;
  specHash: string;
  generation: number;
  status: PlanningStatus;
  lease?: Lease;
  version: number;
  /** ISO-8601 */
  updatedAt: string;
  /** What the planner reads of the desired spec, when the item has it (spec-summary.ts). */
  specSummary?: SpecSummary;
}

/**
 * The stored specs of one job, as {@link PlanningRecord} names them by hash: the desired spec,
 * and the last applied one when the job has one.
 */
export interface StoredSpecs {
  name: string;
  specHash: string;
  spec: JsonObject;
  lastApplied?: { specHash: string; spec: JsonObject };
}

/**
 * A job as a listing (`GET /v1/jobs`) shows it: a projection of the job item, so a page of 100
 * reads a few hundred bytes per job instead of the whole item. Every {@link JobRecord} is one.
 */
export interface JobListing {
  name: string;
  team: string;
  clusterRef: string;
  specHash: string;
  generation: number;
  /** ISO-8601: when the job was first applied (what `fjc get` counts its AGE from). */
  createdAt: string;
  /** ISO-8601 */
  updatedAt: string;
  status: {
    phase: JobPhase;
    jobId?: string;
    newestSavepoint?: JobStatus['newestSavepoint'];
    lastError?: JobError;
  };
}

/** Which jobs a listing holds: all of them, one team's or one cluster's. */
export type JobListingScope =
  { by: 'all' } | { by: 'team'; team: string } | { by: 'cluster'; clusterRef: string };
