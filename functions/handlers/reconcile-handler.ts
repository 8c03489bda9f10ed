import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { METRIC, PHASE_DIMENSION } from '../commons/metric-names.js';
import { withCorrelation, type Observability } from '../commons/observability.js';
import { ValidationError } from '../commons/errors.js';
import type { ControlContext } from '../core/ports/index.js';
import { reconcile, type ActingReport, type ReconcileReport } from '../core/reconcile.js';
import {
  MAX_TARGETED_JOBS,
  TRIGGER_SOURCE,
  reconcileJobs,
  type TargetedReconcileEvent,
  type TargetedReconcileReport,
} from '../core/reconcile-jobs.js';
import { type StateMachinePort } from '../core/ports/index.js';
import type { ProbeEvent, ProbeReport } from '../core/cluster-probe.js';
import { answerProbe, isProbeEvent, type ProbeHandlerDeps } from './probe-handler.js';
import { emitTeamMetrics } from './team-metrics.js';

/** The EventBridge scheduled event (only its id is used: it becomes the correlation id). */
const scheduledEventSchema = z.looseObject({ id: z.string().optional() }).optional();

/**
 * A targeted event: reconcile just these jobs, now (sent by a `ReconcileTrigger` after an
 * accepted change of their desired state).
 */
export const targetedEventSchema = z.object({
  source: z.literal(TRIGGER_SOURCE),
  jobNames: z.array(z.string().min(1).max(253)).min(1).max(MAX_TARGETED_JOBS),
  /** The correlation id of the request that caused it, logged as `causedBy`. */
  correlationId: z.string().min(1).max(200).optional(),
});

/**
 * What reconcile reads. `probe` is wired by the local runtime only: in AWS the deploy function
 * answers probes, as reconcile reads no checkpoint storage (deploy-handler.ts).
 */
export interface ReconcileHandlerDeps extends ProbeHandlerDeps {
  context: () => Promise<ControlContext & { stateMachine: StateMachinePort }>;
  notRunningLimitMs?: number;
}

/**
 * The reconcile Lambda's handler: a targeted event gets a targeted report, a probe event a probe
 * report, anything else a cycle.
 */
export interface ReconcileHandler {
  (event: TargetedReconcileEvent): Promise<TargetedReconcileReport>;
  (event: ProbeEvent): Promise<ProbeReport>;
  (event?: {
    id?: string;
    source?: 'aws.events';
    'detail-type'?: string;
  }): Promise<ReconcileReport>;
  (event: unknown): Promise<ReconcileReport | TargetedReconcileReport | ProbeReport>;
}

function hasSource(event: unknown, source: string): boolean {
  return (
    typeof event === 'object' && event !== null && 'source' in event && event.source === source
  );
}

/**
 * A targeted reconcile of the named jobs. A malformed targeted event is refused (never widened
 * into a whole cycle): the scheduled cycle reconciles those jobs anyway.
 */
async function runTargeted(
  deps: ReconcileHandlerDeps,
  event: unknown,
): Promise<TargetedReconcileReport> {
  const parsed = targetedEventSchema.safeParse(event);
  if (!parsed.success)
    throw new ValidationError(
      'Invalid targeted reconcile event',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      {
        remedy: `Send {"source": "${TRIGGER_SOURCE}", "jobNames": [1 to ${MAX_TARGETED_JOBS} job names]}.`,
      },
    );
  // Always fresh: the state machine execution is named after it, and a reused name (a client's
  // correlation id sent twice, one file split into two events) would start nothing the 2nd time.
  const correlationId = `reconcile-${randomUUID()}`;
  const cause = parsed.data.correlationId;
  const keys = { correlationId, ...(cause === undefined ? {} : { causedBy: cause }) };
  return withCorrelation(deps, keys, async () => {
    const started = Date.now();
    const report = await reconcileJobs(await deps.context(), parsed.data.jobNames, {
      correlationId,
    });
    const { metrics, logger } = deps;
    metrics.addMetric(
      METRIC.TargetedReconcileDuration,
      MetricUnit.Milliseconds,
      Date.now() - started,
    );
    addActionMetrics(metrics, report);
    logActing(logger, report, { targeted: true });
    return report;
  });
}

/** The action counts both reconciles report as metrics. */
function addActionMetrics(metrics: Observability['metrics'], report: ActingReport): void {
  metrics.addMetric(
    METRIC.ActionsPlanned,
    MetricUnit.Count,
    report.planned.filter((a) => a.kind !== 'none').length,
  );
  metrics.addMetric(METRIC.ActionsStarted, MetricUnit.Count, report.started.length);
}

/** Logs each planned action (with `extra`), the skipped jobs and unreadable entries. */
function logActing(
  logger: Observability['logger'],
  report: ActingReport,
  extra: { targeted?: true } = {},
): void {
  for (const action of report.planned.filter((a) => a.kind !== 'none'))
    logger.info('planned', {
      jobName: action.jobName,
      kind: action.kind,
      reason: action.reason,
      ...extra,
    });
  if (report.skipped.length > 0) logger.warn('skipped', { skipped: report.skipped });
  // Flink listed jobs fjc cannot read (a new state, a field turned null): the rest of the
  // cluster was observed, but these entries need a look (and maybe a newer fjc).
  if (report.unreadableEntries.length > 0)
    logger.warn('unreadable job list entries', {
      count: report.unreadableEntries.length,
      entries: report.unreadableEntries,
    });
}

/**
 * One reconcile cycle per scheduled event, or a targeted reconcile per targeted event (the
 * event path), reporting what it planned and started as metrics; or a probe of the clusters a
 * probe event names (`POST /v1/clusters/probe`), answered to the caller.
 */
export function createReconcileHandler(deps: ReconcileHandlerDeps): ReconcileHandler {
  const handler = async (
    event: unknown,
  ): Promise<ReconcileReport | TargetedReconcileReport | ProbeReport> => {
    if (hasSource(event, TRIGGER_SOURCE)) return runTargeted(deps, event);
    if (isProbeEvent(event)) return answerProbe(deps, event);
    const parsed = scheduledEventSchema.safeParse(event);
    const correlationId = `reconcile-${parsed.success && parsed.data?.id ? parsed.data.id : randomUUID()}`;
    return withCorrelation(deps, { correlationId }, async () => {
      const started = Date.now();
      const report = await reconcile(await deps.context(), {
        correlationId,
        ...(deps.notRunningLimitMs === undefined
          ? {}
          : { notRunningLimitMs: deps.notRunningLimitMs }),
      });
      const { metrics, logger } = deps;
      metrics.addMetric(METRIC.ReconcileDuration, MetricUnit.Milliseconds, Date.now() - started);
      metrics.addMetric(METRIC.FlinkCalls, MetricUnit.Count, report.flinkCalls);
      addActionMetrics(metrics, report);
      metrics.addMetric(
        METRIC.ClustersUnreachable,
        MetricUnit.Count,
        report.clustersUnreachable.length,
      );
      metrics.addMetric(
        METRIC.DriftRecoveries,
        MetricUnit.Count,
        report.planned.filter((a) => a.kind === 'recover').length,
      );
      metrics.addMetric(
        METRIC.JobsNotRunningTooLong,
        MetricUnit.Count,
        report.fleet.notRunningTooLong,
      );
      metrics.addMetric(METRIC.SavepointOverdue, MetricUnit.Count, report.fleet.savepointOverdue);
      metrics.addMetric(
        METRIC.NewestSavepointAgeSeconds,
        MetricUnit.Seconds,
        report.fleet.oldestNewestSavepointAgeSeconds,
      );
      emitTeamMetrics(metrics, report.fleet.byTeam);
      for (const [phase, count] of Object.entries(report.fleet.byPhase)) {
        const single = metrics.singleMetric();
        single.addDimension(PHASE_DIMENSION, phase);
        single.addMetric(METRIC.JobsByPhase, MetricUnit.Count, count);
      }
      logActing(logger, report);
      return report;
    });
  };
  // One implementation behind the overloads: the event decides which report comes back.
  return handler as ReconcileHandler;
}
