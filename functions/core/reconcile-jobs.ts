/**
 * The targeted reconcile: the cycle of reconcile.ts for a few named jobs, run when their desired
 * state was just committed (the event path), so a change reaches Flink within a second instead
 * of at the next scheduled cycle. Same planner, same lease, same one write per transition: it may
 * run at the same time as the scheduled cycle, and whichever claims a job's lease first starts
 * its operation; the other finds the lease held or the version moved and leaves the job alone.
 */
import { ConflictError } from '../commons/errors.js';
import type { ControlContext, ExecutionAction, StateMachinePort } from './ports/index.js';
import {
  OPERATION_ACTIONS,
  planJob,
  type JobView,
  type OperationAction,
  type PlannedAction,
} from './plan/plan-actions.js';
import { observe, startOperation, statusPatch, view, type ReconcileReport } from './reconcile.js';

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
  const report: TargetedReconcileReport = {
    planned: [],
    started: [],
    statusUpdates: 0,
    flinkCalls: 0,
    clustersUnreachable: [],
    unreadableEntries: [],
    skipped: [],
    missing: [],
  };
  const views: JobView[] = [];
  records.forEach((record, index) => {
    if (!record) {
      report.missing.push(names[index] ?? '');
      return;
    }
    const v = view(record);
    if (typeof v === 'string') report.skipped.push({ jobName: record.name, reason: v });
    else views.push(v);
  });
  const clusters = new Set(
    views.map((v) => v.lastApplied?.spec.clusterRef ?? v.desired.spec.clusterRef),
  );
  const observations = await observe(ctx, clusters);
  report.flinkCalls = clusters.size;
  for (const [name, o] of observations) {
    if (!o.reachable) report.clustersUnreachable.push(name);
    else
      for (const entry of o.unreadable ?? [])
        report.unreadableEntries.push({ clusterRef: name, ...entry });
  }

  const perCluster = new Map<string, number>();
  const limit = options.maxOperationsPerCluster ?? 5;
  for (const v of views) {
    const action = planJob(v, observations, now);
    report.planned.push(action);
    const record = v.record;
    try {
      const patch = statusPatch(action, record, now);
      if (patch) {
        await ctx.store.transition(
          record.name,
          action.expectedVersion,
          patch,
          { actor: 'fjc:reconcile', action: action.kind, details: { reason: action.reason } },
          now,
        );
        report.statusUpdates++;
        continue;
      }
      if (!(OPERATION_ACTIONS as readonly string[]).includes(action.kind)) continue;
      const used = perCluster.get(action.clusterRef) ?? 0;
      if (used >= limit) continue;
      const started: ExecutionAction | undefined = await startOperation(
        ctx,
        action as PlannedAction & { kind: OperationAction },
        v,
        now,
      );
      if (started) {
        report.started.push(started);
        perCluster.set(action.clusterRef, used + 1);
      }
    } catch (error) {
      // The scheduled cycle (or a write through a door) got there first: a lease held or a
      // version moved on. Whoever won carries the change; the job is planned again next cycle.
      if (!(error instanceof ConflictError)) throw error;
      report.skipped.push({ jobName: record.name, reason: 'changed concurrently' });
    }
  }
  if (report.started.length > 0)
    await ctx.stateMachine.start({ correlationId: options.correlationId, actions: report.started });
  return report;
}
