/**
 * Names of the custom CloudWatch metrics fjc emits (Powertools EMF) and the infrastructure
 * alarms and dashboard read. Plain strings with no CDK import, so the Lambda handlers can import
 * the very same constants: a renamed metric then breaks the build instead of silently leaving an
 * alarm watching nothing.
 */

/** The CloudWatch namespace of every custom metric (`POWERTOOLS_METRICS_NAMESPACE`). */
export const METRICS_NAMESPACE = 'fjc';

/** The Powertools service name; Powertools adds it as the `service` dimension. */
export const SERVICE_NAME = 'fjc';

/** The dimension Powertools adds to every metric, with {@link SERVICE_NAME} as value. */
export const SERVICE_DIMENSION = 'service';

/** The dimension of {@link METRIC.JobsByPhase} naming the job's phase. */
export const PHASE_DIMENSION = 'phase';

/**
 * The dimension naming the job's team on the per-team copies of {@link METRIC.JobsNotRunningTooLong}
 * and {@link METRIC.SavepointOverdue}; each team's alarms select it and notify that team's topic.
 */
export const TEAM_DIMENSION = 'team';

/** Custom metric names. */
export const METRIC = {
  /** Milliseconds one reconcile cycle took. */
  ReconcileDuration: 'ReconcileDuration',
  /** Flink REST calls made in one reconcile cycle. */
  FlinkCalls: 'FlinkCalls',
  /** Jobs per phase (dimension {@link PHASE_DIMENSION}). */
  JobsByPhase: 'JobsByPhase',
  ActionsPlanned: 'ActionsPlanned',
  ActionsStarted: 'ActionsStarted',
  ActionsSucceeded: 'ActionsSucceeded',
  ActionsFailed: 'ActionsFailed',
  /** Upgrades that were rolled back to the previous version. Alarmed on. */
  Rollbacks: 'Rollbacks',
  /** Jobs found drifted (changed or gone outside fjc) and brought back. */
  DriftRecoveries: 'DriftRecoveries',
  /** Age of the newest savepoint of a job, in seconds. */
  NewestSavepointAgeSeconds: 'NewestSavepointAgeSeconds',
  /** Clusters whose REST endpoint did not answer in this cycle. */
  ClustersUnreachable: 'ClustersUnreachable',
  /** Jobs not RUNNING for longer than the configured minutes. Alarmed on. */
  JobsNotRunningTooLong: 'JobsNotRunningTooLong',
  /** Jobs whose newest savepoint is older than their policy allows. Alarmed on. */
  SavepointOverdue: 'SavepointOverdue',
  /** Milliseconds one targeted reconcile (the event path: a few named jobs) took. */
  TargetedReconcileDuration: 'TargetedReconcileDuration',
  /**
   * Targeted reconciles that could not be requested (the asynchronous invoke failed); the
   * scheduled cycle reconciles those jobs instead, up to one interval later.
   */
  ReconcileTriggerFailures: 'ReconcileTriggerFailures',
  /** Spec files stored as desired state (one per applied file, unchanged files included). */
  SpecFilesApplied: 'SpecFilesApplied',
  /** Spec files refused for their content; nothing was written. */
  SpecFilesRejected: 'SpecFilesRejected',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
