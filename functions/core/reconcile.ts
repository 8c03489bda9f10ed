import { ConflictError } from '../commons/errors.js';
import type { JobRecord, JobStatusPatch, PlanningRecord } from './model/index.js';
import { storedErrorText } from './error-text.js';
import { startLeasedOperation } from './operations/start.js';
import { leaseTtlMs } from './operations/advance.js';
import type { ControlContext, ExecutionAction, StateMachinePort } from './ports/index.js';
import { fleetFigures, type FleetFigures } from './plan/fleet.js';
import { fullViews, loadViews } from './plan/load-views.js';
import type { ClusterObservation } from './plan/observation.js';
import {
  OPERATION_ACTIONS,
  planJob,
  type JobView,
  type OperationAction,
  type PlanView,
  type PlannedAction,
} from './plan/plan-actions.js';

export interface ReconcileOptions {
  correlationId: string;
  /** Operations started per cluster and cycle, so one cluster is never flooded. */
  maxOperationsPerCluster?: number;
  /** A job not RUNNING for longer than this counts in `fleet.notRunningTooLong`. */
  notRunningLimitMs?: number;
}

export interface ReconcileReport {
  planned: PlannedAction[];
  started: ExecutionAction[];
  statusUpdates: number;
  /** Flink REST calls made by observation: one per cluster. */
  flinkCalls: number;
  clustersUnreachable: string[];
  /** Entries of a cluster's job list that could not be read; only their own jobs wait. */
  unreadableEntries: { clusterRef: string; jobId?: string; reason: string }[];
  /** Jobs skipped because their stored spec or a write failed, with the reason. */
  skipped: { jobName: string; reason: string }[];
  fleet: FleetFigures;
}

/**
 * ONE `GET /jobs/overview` per cluster: the whole observation of a cycle. Exported for the
 * targeted reconcile (reconcile-jobs.ts), which observes the same way.
 */
export async function observe(
  ctx: ControlContext,
  clusters: Iterable<string>,
): Promise<Map<string, ClusterObservation>> {
  const observations = new Map<string, ClusterObservation>();
  await Promise.all(
    [...clusters].map(async (name) => {
      const at = ctx.now();
      try {
        const flink = await ctx.flink(name);
        const listed = await flink.listJobs();
        const jobs = new Map(listed.jobs.map((job) => [job.jobId, job]));
        observations.set(name, { reachable: true, jobs, unreadable: listed.unreadable, at });
      } catch (error) {
        observations.set(name, {
          reachable: false,
          // Becomes part of every affected job's history, which its team reads.
          reason: storedErrorText(error instanceof Error ? error.message : String(error)),
          at,
        });
      }
    }),
  );
  return observations;
}

/** The status-only change an action makes (no operation), or undefined for an operation. */
export function statusPatch(
  action: PlannedAction,
  record: PlanningRecord,
  now: Date,
): JobStatusPatch | ((current: JobRecord) => JobStatusPatch) | undefined {
  const status = record.status;
  switch (action.kind) {
    case 'mark-unknown':
      return { phase: 'UNKNOWN', observed: { state: 'UNREACHABLE', at: now.toISOString() } };
    case 'mark-suspended':
      // Suspended as asked: a fault of the job it no longer runs is history, not its state.
      return { phase: 'SUSPENDED', lastError: null };
    case 'adopt':
      // The plan holds no spec (lean reads): the stored one is taken from the record the
      // transition reads, which is the planned record, since the write checks its version.
      return (current) => {
        const target = {
          spec: current.spec,
          specHash: current.specHash,
          generation: current.generation,
        };
        const wasStable =
          current.status.lastStable?.specHash === current.status.lastApplied?.specHash;
        return { lastApplied: target, ...(wasStable ? { lastStable: target } : {}) };
      };
    case 'settle':
      return {
        phase: status.lastStable?.specHash === status.lastApplied?.specHash ? 'STABLE' : 'RUNNING',
        ...(action.observedState
          ? { observed: { state: action.observedState, at: now.toISOString() } }
          : {}),
      };
    default:
      return undefined;
  }
}

/**
 * One reconcile cycle: load desired state, observe each cluster once, plan every job (pure),
 * apply status-only decisions, record each operation under a fresh lease, and hand the
 * operations to the state machine in one execution.
 */
export async function reconcile(
  ctx: ControlContext & { stateMachine: StateMachinePort },
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const now = ctx.now();
  // Cluster records are read once for the cycle and held for all of it (ports/control-context).
  if (ctx.beginCycle) ctx = { ...ctx, ...(await ctx.beginCycle()) };
  const { views, skipped } = await loadViews(ctx.store);
  const report: ReconcileReport = {
    ...emptyActingReport(skipped),
    fleet: fleetFigures(views, now, options.notRunningLimitMs ?? 15 * 60_000),
  };
  await actAndStart(ctx, views, report, options, now);
  return report;
}

/** What {@link observeAndAct} fills in: the parts of a report both reconciles share. */
export type ActingReport = Pick<
  ReconcileReport,
  | 'planned'
  | 'started'
  | 'statusUpdates'
  | 'flinkCalls'
  | 'clustersUnreachable'
  | 'unreadableEntries'
  | 'skipped'
>;

/** An {@link ActingReport} before anything was done; `skipped` holds the views not loadable. */
export function emptyActingReport(skipped: ActingReport['skipped'] = []): ActingReport {
  return {
    planned: [],
    started: [],
    statusUpdates: 0,
    flinkCalls: 0,
    clustersUnreachable: [],
    unreadableEntries: [],
    skipped,
  };
}

/**
 * {@link observeAndAct}, then starts the operations it recorded in one state machine execution:
 * how both the cycle and the targeted reconcile end.
 */
export async function actAndStart(
  ctx: ControlContext & { stateMachine: StateMachinePort },
  views: readonly PlanView[],
  report: ActingReport,
  options: Pick<ReconcileOptions, 'maxOperationsPerCluster' | 'correlationId'>,
  now: Date,
): Promise<void> {
  await observeAndAct(ctx, views, report, options, now);
  if (report.started.length > 0)
    await ctx.stateMachine.start({ correlationId: options.correlationId, actions: report.started });
}

/**
 * Observes the views' clusters (one `GET /jobs/overview` each), plans every view with the pure
 * `planJob`, applies the status-only decisions and records each operation under a fresh lease:
 * the part of a cycle the targeted reconcile (reconcile-jobs.ts) does the same way. The caller
 * starts the recorded operations in one state machine execution.
 */
export async function observeAndAct(
  ctx: ControlContext,
  views: readonly PlanView[],
  report: ActingReport,
  options: Pick<ReconcileOptions, 'maxOperationsPerCluster'>,
  now: Date,
): Promise<void> {
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

  const planned = await withFullViews(
    ctx,
    views.map((v) => ({ v, action: planJob(v, observations, now) })),
    observations,
    now,
    report,
  );
  const perCluster = new Map<string, number>();
  const limit = options.maxOperationsPerCluster ?? 5;
  for (const { v, action } of planned) {
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
      // withFullViews gave every operation its full view; a summary here would be a bug there.
      if (v.summary === true) continue;
      const started = await startOperation(
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
      // Somebody else (the cycle, the event path, a door) changed the job since we read it:
      // whoever won carries the change, and the job is planned again next cycle.
      if (!(error instanceof ConflictError)) throw error;
      report.skipped.push({ jobName: record.name, reason: 'changed concurrently' });
    }
  }
}

/**
 * The plans with a full view for every operation planned from a spec summary: an operation needs
 * the whole spec to start. Their specs are read in one go and the jobs planned again from them,
 * which gives the same plan (the planner reads only the summarized fields of an unchanged spec).
 * A job whose spec changed since it was listed is skipped, as the cycle's loading would.
 */
async function withFullViews(
  ctx: ControlContext,
  planned: { v: PlanView; action: PlannedAction }[],
  observations: Awaited<ReturnType<typeof observe>>,
  now: Date,
  report: ActingReport,
): Promise<{ v: PlanView; action: PlannedAction }[]> {
  const needed = planned.filter(({ v, action }) => v.summary === true && isOperation(action));
  if (needed.length === 0) return planned;
  const full = await fullViews(
    ctx.store,
    needed.map(({ v }) => v.record),
  );
  return planned.flatMap((p) => {
    if (!(p.v.summary === true && isOperation(p.action))) return [p];
    const v = full.get(p.v.record.name);
    if (v === undefined || typeof v === 'string') {
      report.skipped.push({ jobName: p.v.record.name, reason: v ?? 'changed concurrently' });
      return [];
    }
    return [{ v, action: planJob(v, observations, now) }];
  });
}

function isOperation(action: PlannedAction): boolean {
  return (OPERATION_ACTIONS as readonly string[]).includes(action.kind);
}

/**
 * Claims a fresh lease on the job and records the operation's first step; undefined when the
 * plan turned stale meanwhile (the lease is given back) or the action starts nothing.
 */
export async function startOperation(
  ctx: ControlContext,
  action: PlannedAction & { kind: OperationAction },
  v: JobView,
  now: Date,
): Promise<ExecutionAction | undefined> {
  const owner = `${ctx.workerId ?? 'reconcile'}:${ctx.newId()}`;
  const leased = await ctx.store.acquireLease(v.record.name, owner, leaseTtlMs(ctx), now);
  // Taking the lease bumps the version by one; more means someone wrote the job after it was
  // planned, so the plan is stale: give the lease back and plan it afresh next cycle.
  if (leased.version !== action.expectedVersion + 1) {
    await ctx.store.releaseLease(leased.name, owner, now);
    return undefined;
  }
  if (action.kind === 'resume-operation') {
    const operation = leased.status.operation;
    if (!operation) return undefined;
    return {
      jobName: leased.name,
      clusterRef: action.clusterRef,
      kind: operation.kind,
      operationId: operation.id,
      owner,
    };
  }
  return startLeasedOperation(ctx, leased, action, v.desired, {
    owner,
    actor: 'fjc:reconcile',
    reason: action.reason,
    now,
  });
}
