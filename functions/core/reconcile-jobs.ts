/**
 * The targeted reconcile: the cycle of reconcile.ts for a few named jobs, run when their desired
 * state was just committed (the event path), so a change reaches Flink within a second instead
 * of at the next scheduled cycle. Same planner, same lease, same one write per transition: it may
 * run at the same time as the scheduled cycle, and whichever claims a job's lease first starts
 * its operation; the other finds the lease held or the version moved and leaves the job alone.
 */
import type { ControlContext, StateMachinePort } from './ports/index.js';
import { viewOfRecord } from './plan/load-views.js';
import type { JobView } from './plan/plan-actions.js';
import { actAndStart, emptyActingReport, type ReconcileReport } from './reconcile.js';

/** Options of {@link reconcileJobs}. */
export interface TargetedReconcileOptions {
  correlationId: string;
  /** Operations started per cluster, as in the cycle (default 5). */
  maxOperationsPerCluster?: number;
}

/**
 * What a targeted reconcile did: the cycle's report without the fleet figures (a few jobs say
 * nothing about the fleet), plus the named jobs that are not stored (deleted meanwhile).
 */
export type TargetedReconcileReport = Omit<ReconcileReport, 'fleet'> & { missing: string[] };

/** Most jobs one targeted reconcile takes; the trigger adapters send larger changes in parts. */
export const MAX_TARGETED_JOBS = 100;

/** The `source` of a targeted event, which the trigger adapters send to the reconcile handler. */
export const TRIGGER_SOURCE = 'fjc.trigger';

/** The targeted event: reconcile just these jobs, now. */
export interface TargetedReconcileEvent {
  source: typeof TRIGGER_SOURCE;
  /** 1 to {@link MAX_TARGETED_JOBS} job names. */
  jobNames: string[];
  correlationId?: string;
}

/** The targeted events that ask for `jobNames`, at most {@link MAX_TARGETED_JOBS} names each. */
export function targetedEvents(
  jobNames: readonly string[],
  correlationId?: string,
): TargetedReconcileEvent[] {
  const names = [...new Set(jobNames)];
  const events: TargetedReconcileEvent[] = [];
  for (let i = 0; i < names.length; i += MAX_TARGETED_JOBS)
    events.push({
      source: TRIGGER_SOURCE,
      jobNames: names.slice(i, i + MAX_TARGETED_JOBS),
      ...(correlationId === undefined ? {} : { correlationId }),
    });
  return events;
}

/**
 * Reconciles just `jobNames`: reads each one strongly consistently (the index listing the cycle
 * uses may not show a write made a moment ago), observes only their clusters (one
 * `GET /jobs/overview` each), plans with the pure `planJob`, applies status-only decisions and
 * starts operations exactly as the cycle does, in one state machine execution.
 */
export async function reconcileJobs(
  ctx: ControlContext & { stateMachine: StateMachinePort },
  jobNames: readonly string[],
  options: TargetedReconcileOptions,
): Promise<TargetedReconcileReport> {
  const now = ctx.now();
  const names = [...new Set(jobNames)].slice(0, MAX_TARGETED_JOBS);
  const records = await Promise.all(names.map((name) => ctx.store.getJob(name)));
  const report: TargetedReconcileReport = { ...emptyActingReport(), missing: [] };
  const views: JobView[] = [];
  records.forEach((record, index) => {
    if (!record) {
      report.missing.push(names[index] ?? '');
      return;
    }
    const v = viewOfRecord(record);
    if (typeof v === 'string') report.skipped.push({ jobName: record.name, reason: v });
    else views.push(v);
  });
  // The scheduled cycle (or a write through a door) may get to a job first: a lease held or a
  // version moved on is then recorded as skipped, and whoever won carries the change.
  await actAndStart(ctx, views, report, options, now);
  return report;
}
