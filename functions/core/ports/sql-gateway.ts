/**
 * The SQL Gateway port: how the submit step runs a SQL job's statements on a cluster's Flink SQL
 * Gateway. Only submission goes through the gateway; the job it starts is an ordinary Flink job
 * of the cluster, so everything after it (savepoints, stop-with-savepoint, the gate, rollback)
 * uses the Flink port on its job id.
 *
 * Errors are the Flink port's kinds: `ClusterRefusedError` when a statement fails (the reason is
 * Flink's root cause), `DuplicateJobIdError` when the job id exists, `ClusterUnavailableError`
 * for transient faults.
 */

import { ClusterRefusedError } from './flink.js';
import type { ArtifactStream } from './artifacts.js';

/**
 * A SQL job's script: inline text, or a `.sql` artifact already opened (and its digest checked)
 * through the artifacts port. Either holds DDL and one INSERT or one `EXECUTE STATEMENT SET`,
 * separated by semicolons.
 */
export type SqlScript = { text: string } | { artifact: ArtifactStream };

/** What a SQL submission asks for. */
export interface SqlSubmitRequest {
  /** The job id to use: fjc records it before the submission so that a retry finds the job. */
  jobId: string;
  /** The job's name on the cluster (`pipeline.name`). */
  jobName: string;
  /** The savepoint or checkpoint to restore from. */
  savepointPath?: string;
  /** Whether state the new program does not claim may be dropped on restore. */
  allowNonRestoredState?: boolean;
  /** Flink configuration for the job (e.g. `parallelism.default`, checkpointing). */
  configuration?: Readonly<Record<string, string>>;
}

/** What a SQL pre-flight asks for: the session a submission would open, minus what only a run has. */
export interface SqlPlanRequest {
  /** The job's name on the cluster (`pipeline.name`). */
  jobName: string;
  /** Flink configuration for the job, as the submission sets it. */
  configuration?: Readonly<Record<string, string>>;
}

/**
 * What a SQL pre-flight found, when no statement failed: `planned`, the gateway planned the job
 * statement; `planned: false`, the script could not be checked without running something
 * (`reason` says which statement).
 */
export type SqlPlanOutcome = { planned: true } | { planned: false; reason: string };

/** Runs SQL statements on one cluster's SQL Gateway. */
export interface SqlGatewayPort {
  /**
   * Runs the statements of `script` in order in a fresh session (DDL first, then one INSERT or
   * one `EXECUTE STATEMENT SET`), the last of which must submit a job, and returns that job's id
   * (always `request.jobId`).
   *
   * @throws ClusterRefusedError when a statement fails or none submits a job.
   * @throws DuplicateJobIdError when a job with `request.jobId` exists on the cluster.
   * @throws ClusterUnavailableError when the gateway cannot be reached or gives no answer.
   */
  submit(script: SqlScript, request: SqlSubmitRequest): Promise<{ jobId: string }>;

  /**
   * Plans `script` without running it (the upgrade's pre-flight): in a fresh session configured
   * as a submission's, replays the set-up statements as the submission runs them and has the
   * gateway `EXPLAIN` the job statement (core/sql/program.ts, `sqlPreflightOf`). Submits no job;
   * the session is closed whatever happens.
   *
   * @throws ClusterRefusedError when a statement fails (the reason names it and gives Flink's
   *   root cause) or the script is one the submission would refuse.
   * @throws ClusterUnavailableError when the gateway cannot be reached or gives no answer.
   */
  plan(script: SqlScript, request: SqlPlanRequest): Promise<SqlPlanOutcome>;
}

/**
 * A SQL job names a cluster that declares no SQL Gateway: a refusal, not a fault, since asking
 * again gives the same answer until the cluster's spec changes.
 */
export class SqlGatewayMissingError extends ClusterRefusedError {
  constructor(readonly clusterRef: string) {
    super(
      `Cluster ${clusterRef} has no SQL Gateway: SQL jobs are submitted through one`,
      `cluster ${clusterRef} declares no spec.sqlGateway`,
      {
        code: 'SQL_GATEWAY_MISSING',
        remedy: `Add spec.sqlGateway (url, auth) to FlinkCluster ${clusterRef}, or run the job on a cluster that has one.`,
      },
    );
  }
}
