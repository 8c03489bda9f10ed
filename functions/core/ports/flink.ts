/**
 * The Flink port: what the control loop asks of one Flink cluster, in fjc's own terms. The adapter
 * (functions/flink, `FlinkClusterPort`) speaks Flink's REST API and turns its JSON (`start-time`,
 * `failure-cause`, `external_path`, …) and its typed errors into these results and errors, so the
 * core never reads a Flink field name and a stand-in only has to keep this contract.
 */
import { FjcError, type FjcErrorOptions } from '../../commons/errors.js';
import type { ArtifactStream } from './artifacts.js';

/** One entry of a cluster's job list (`GET /jobs/overview`). */
export interface ClusterJob {
  jobId: string;
  /** A Flink job state: RUNNING, FAILED, CANCELED, … */
  state: string;
  /** Epoch ms. */
  startTime: number;
  /** `Default`, `Adaptive` or `AdaptiveBatch`; Flink reports it from 2.0 on. */
  schedulerType?: string;
}

/** An entry of a cluster's job list that could not be read: set aside, never guessed at. */
export interface UnreadableClusterEntry {
  /** The job id of the entry, when at least that could be read. */
  jobId?: string;
  /** What did not match, field by field. */
  reason: string;
}

/** A cluster's job list: the entries read, and those set aside (which affect only themselves). */
export interface ClusterJobList {
  jobs: ClusterJob[];
  unreadable: UnreadableClusterEntry[];
}

/** One job as its cluster reports it now. */
export interface JobState {
  jobId: string;
  state: string;
  /** Epoch ms of the switch to RUNNING, while it runs. */
  runningSince?: number;
  /** The highest parallelism its tasks run at now (the adaptive scheduler may run fewer). */
  parallelism?: number;
}

/** A job's checkpoint history, as far as the control loop needs it. */
export interface CheckpointSummary {
  completed: number;
  /** The newest completed checkpoint, when there is one. */
  latest?: {
    /** Its location (retained or not). */
    path?: string;
    /** Epoch ms at which it completed (0 when Flink did not say). */
    completedAt: number;
    /** How long it took end to end (ms), when Flink said. */
    durationMs?: number;
  };
}

/**
 * The newest savepoints of a job as its checkpoint history records them (also for a FINISHED job,
 * while the cluster remembers it): how an operation learns what became of a savepoint whose
 * trigger Flink has forgotten. Times are epoch ms at which each was triggered.
 */
export interface SavepointHistory {
  completed?: { path: string; triggeredAt: number };
  failed?: { triggeredAt: number; cause: string };
}

/**
 * A job's health metrics now (docs/upgrades.md "Metric conditions"); a value Flink has not
 * reported yet is absent, never zero.
 */
export interface JobMetrics {
  /**
   * Records that reached the job's sinks since it started: for each sink-side vertex (one no
   * vertex consumes), the fewest records any of its chained operators received
   * (operator `numRecordsIn`, summed over subtasks), summed over those vertices.
   */
  recordsToSinks?: number;
  /** The highest `busyTimeMsPerSecond` of any subtask, as a share of a second. */
  busyRatio?: number;
  /** The highest `backPressuredTimeMsPerSecond` of any subtask, as a share of a second. */
  backpressuredRatio?: number;
}

/** A failure of a job, newest first in lists. */
export interface JobFailure {
  /** Epoch ms. */
  at: number;
  /** One line: the root exception and its message. */
  summary: string;
}

/** Where a savepoint (or stop-with-savepoint) stands. */
export type SavepointProgress =
  | { state: 'IN_PROGRESS' }
  | { state: 'COMPLETED'; location: string }
  | { state: 'FAILED'; cause: string };

/** Savepoint options: the caller chooses the trigger id and records it first. */
export interface SavepointRequest {
  triggerId: string;
  targetDirectory?: string;
}

/** What a submission asks for. */
export interface SubmitRequest {
  /** The job id to use: fjc records it before the run so that a retry finds the job. */
  jobId: string;
  entryClass?: string;
  args?: readonly string[];
  parallelism?: number;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  /** How the restored snapshot is owned: CLAIM lets Flink delete it later, NO_CLAIM never does. */
  claimMode?: 'CLAIM' | 'NO_CLAIM';
  /** Job-level configuration (Flink 1.17+). */
  flinkConfiguration?: Readonly<Record<string, string>>;
}

/** One vertex of a job graph: a chain of operators that runs as one task. */
export interface GraphVertex {
  /**
   * The JobVertex id: the id of the chain's first operator (from its `uid`, else from the graph's
   * shape). Flink restores state by operator id, so a vertex id that disappears is state that
   * has nowhere to go.
   */
  id: string;
  /** The chained operators, as Flink describes them (`counter → discard: Writer`). */
  name: string;
  parallelism?: number;
}

/** A job graph as Flink plans it (`/jars/:id/plan`) or runs it (`/jobs/:id/plan`). */
export interface JobGraphPlan {
  vertices: GraphVertex[];
}

/** What a jar plan is built with: the program, not a job (no id, no restore). */
export type PlanRequest = Pick<
  SubmitRequest,
  'entryClass' | 'args' | 'parallelism' | 'flinkConfiguration'
>;

/** A jar the cluster keeps from an upload (`GET /jars`). */
export interface UploadedJar {
  /** The id `/jars/:id/run` takes. */
  jarId: string;
  /** The file name it was uploaded under. */
  name: string;
  /** Epoch ms of the upload. */
  uploadedAt: number;
}

/** How long to wait for an asynchronous cluster operation, and how often to look. */
export interface PollRequest {
  deadlineMs: number;
  intervalMs: number;
}

/**
 * The calls operations and reconcile make on one cluster. Transient faults (unreachable, timeouts,
 * 5xx) surface as errors of the adapter's own kinds; the cluster's explicit refusals as
 * {@link ClusterRefusedError} and its subclasses, which the core acts on.
 */
export interface FlinkPort {
  /** Every job on the cluster; an entry that cannot be read is listed in `unreadable`. */
  listJobs(): Promise<ClusterJobList>;
  /** @throws JobNotOnClusterError */
  getJob(jobId: string): Promise<JobState>;
  /** The job's failures, newest first. */
  getFailures(jobId: string): Promise<JobFailure[]>;
  getCheckpoints(jobId: string): Promise<CheckpointSummary>;
  /** @throws JobNotOnClusterError when the cluster does not know the job. */
  getSavepointHistory(jobId: string): Promise<SavepointHistory>;
  /**
   * The cluster's checkpoint directory (its jobs checkpoint to `<dir>/<jobId>/chk-N`), when it
   * configures one.
   */
  checkpointDirectory(): Promise<string | undefined>;
  /**
   * The cluster's Flink version as it reports it (`GET /config`), for the savepoint lineage.
   */
  flinkVersion(): Promise<string>;
  /**
   * The version the cluster itself reports (`GET /config`), even when `spec.flinkVersion`
   * declares one: the cluster probe checks a declaration with it. Not for the reconcile path.
   */
  reportedFlinkVersion(): Promise<string>;
  uploadJar(source: ArtifactStream): Promise<{ jarId: string }>;
  /** The jars the cluster keeps (uploads survive until deleted or the JobManager restarts). */
  listJars(): Promise<UploadedJar[]>;
  /**
   * @throws DuplicateJobIdError when a job with this id exists; JarNotOnClusterError when the
   * cluster no longer has the jar; ClusterRefusedError otherwise.
   */
  runJar(jarId: string, request: SubmitRequest): Promise<{ jobId: string }>;
  deleteJar(jarId: string): Promise<void>;
  /**
   * Builds the program's job graph without running it (its `main()` runs on the JobManager).
   *
   * @throws JarNotOnClusterError when the cluster no longer has the jar; ClusterRefusedError when
   * the program cannot be built (main() throws, a class is missing, bad arguments).
   */
  planJar(jarId: string, request: PlanRequest): Promise<JobGraphPlan>;
  /** @throws JobNotOnClusterError */
  getJobPlan(jobId: string): Promise<JobGraphPlan>;
  /**
   * The state size in bytes per vertex id at the job's newest completed checkpoint; undefined
   * when it has none (then which vertices hold state is not known).
   */
  getVertexStateSizes(jobId: string): Promise<Record<string, number> | undefined>;
  triggerSavepoint(jobId: string, request: SavepointRequest): Promise<{ triggerId: string }>;
  stopWithSavepoint(
    jobId: string,
    request: SavepointRequest & { drain: boolean },
  ): Promise<{ triggerId: string }>;
  /** @throws JobNotOnClusterError when the cluster knows neither the job nor the trigger. */
  getSavepointStatus(jobId: string, triggerId: string): Promise<SavepointProgress>;
  cancelJob(jobId: string): Promise<void>;
  disposeSavepoint(path: string): Promise<{ triggerId: string }>;
  awaitDisposal(triggerId: string, poll: PollRequest): Promise<void>;
  /** Sets every vertex's parallelism upper bound (adaptive scheduler: rescale in place). */
  rescale(jobId: string, parallelism: number): Promise<void>;
  /** Whether the job takes periodic checkpoints (its checkpoint interval is set). */
  isCheckpointingEnabled(jobId: string): Promise<boolean>;
  /** The job's health metrics now, for the stability gate's metric conditions. */
  getJobMetrics(jobId: string): Promise<JobMetrics>;
}

/** The cluster understood a request and refused it (as opposed to a transient fault). */
export class ClusterRefusedError extends FjcError {
  override readonly code: string;
  /** The cluster's own words. */
  readonly reason: string;

  constructor(message: string, reason: string, options: FjcErrorOptions & { code?: string } = {}) {
    super(message, options);
    this.reason = reason;
    this.code = options.code ?? 'CLUSTER_REFUSED';
  }
}

/** The cluster does not know the job (or the asynchronous operation asked about). */
export class JobNotOnClusterError extends ClusterRefusedError {}

/**
 * The cluster does not have the jar a run named (deleted, or the JobManager restarted): nothing
 * was submitted, so uploading again and running is safe.
 */
export class JarNotOnClusterError extends ClusterRefusedError {}

/** A job with the requested id already exists on the cluster. */
export class DuplicateJobIdError extends ClusterRefusedError {}

/**
 * The cluster gave no usable answer: unreachable, reset, timed out, or an HTTP 5xx that names no
 * refusal. The request may or may not have been applied; the outcome is learnt by asking again,
 * never assumed (functions/core/operations/retry-policy.ts). `code` is the adapter's own.
 */
export class ClusterUnavailableError extends FjcError {
  override readonly code: string;

  constructor(message: string, options: FjcErrorOptions & { code?: string } = {}) {
    super(message, {
      remedy:
        'Usually transient: fjc asks the cluster again with backoff; if it persists, check the cluster’s health and network path.',
      ...options,
    });
    this.code = options.code ?? 'CLUSTER_UNAVAILABLE';
  }
}
