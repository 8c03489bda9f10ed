import { FjcError } from '../../commons/errors.js';
import { classifyChange } from '../change/index.js';
import type { FlinkJob } from '../spec/index.js';
import type { PlanningRecord } from '../model/index.js';
import { TERMINAL_STATES, type ClusterObservation } from './observation.js';
import type { PlanSpec } from './spec-summary.js';

/**
 * What a reconcile cycle decides for one job. Operation kinds run through the state machine as
 * a sequence of recorded steps; status kinds are one conditional write done by reconcile itself.
 */
export const OPERATION_ACTIONS = [
  'deploy',
  'upgrade',
  'scale',
  'suspend',
  'resume',
  'recover',
  'savepoint',
  'restore',
  'resume-operation',
] as const;
export const STATUS_ACTIONS = ['mark-unknown', 'mark-suspended', 'adopt', 'settle'] as const;
export type OperationAction = (typeof OPERATION_ACTIONS)[number];
export type StatusAction = (typeof STATUS_ACTIONS)[number];
export type ActionKind = OperationAction | StatusAction | 'none';

export interface PlannedAction {
  jobName: string;
  kind: ActionKind;
  /** Why, in words a person reads in the status table and the audit trail. */
  reason: string;
  /** The record version the plan was made from: every write it leads to is conditional on it. */
  expectedVersion: number;
  /** The cluster the action talks to. */
  clusterRef: string;
  /** Fields that caused an upgrade or scale, for the record. */
  fields?: readonly string[];
  /** Periodic or manual, for a savepoint. */
  savepointKind?: 'periodic' | 'manual';
  /** The Flink state seen, for drift and settle actions. */
  observedState?: string;
  /** Recover what was last applied rather than the desired spec (which was rejected). */
  keepLastApplied?: boolean;
}

/**
 * A job as the planner sees it: the lean record (a whole `JobRecord` is one too) with its specs
 * parsed. The planner reads nothing else, which the type enforces; `R` lets a caller that holds
 * the whole record keep its type.
 */
export interface JobView<R extends PlanningRecord = PlanningRecord> {
  record: R;
  desired: FlinkJob;
  lastApplied: FlinkJob | undefined;
  /**
   * The job runs under the adaptive scheduler, so its parallelism can change in place. When not
   * given, the observation says (Flink 2.x reports it per job); otherwise a savepoint upgrade.
   */
  adaptiveScheduler?: boolean;
  /** Not a {@link SummaryView}. */
  summary?: false;
}

/**
 * A job whose desired spec is its last applied one (or that has none applied), planned from the
 * stored spec summary instead of the parsed spec: the planner reads only {@link PlanSpec} of a
 * spec unless the spec changed, which such a job's has not. Its plan equals the plan of the full
 * view; an operation it plans needs the full spec to start (load-views.ts `fullViews`).
 */
export interface SummaryView<R extends PlanningRecord = PlanningRecord> {
  record: R;
  summary: true;
  desired: PlanSpec;
  /** The desired spec's summary when it is the last applied spec, else undefined. */
  lastApplied: PlanSpec | undefined;
}

/** What the planner plans from: a job with its specs parsed, or with their summary. */
export type PlanView<R extends PlanningRecord = PlanningRecord> = JobView<R> | SummaryView<R>;

const WAITING_STATES = new Set([
  'INITIALIZING',
  'CREATED',
  'RESTARTING',
  'FAILING',
  'CANCELLING',
  'RECONCILING',
  // The JobManager lost leadership: wait for it, never act on a job in this state.
  'SUSPENDED',
]);

/**
 * Plans one job. Pure: a function of the desired spec, the recorded status, what the cluster
 * showed and the time, so every decision can be tested without I/O.
 */
export function planJob(
  view: PlanView,
  observations: ReadonlyMap<string, ClusterObservation>,
  now: Date,
): PlannedAction {
  const { record, desired, lastApplied } = view;
  const status = record.status;
  // The job lives where it was last applied until a redeploy moves it.
  const clusterRef = lastApplied?.spec.clusterRef ?? desired.spec.clusterRef;
  const act = (
    kind: ActionKind,
    reason: string,
    extra: Partial<PlannedAction> = {},
  ): PlannedAction => ({
    jobName: record.name,
    kind,
    reason,
    expectedVersion: record.version,
    clusterRef,
    ...extra,
  });
  const leaseHeld =
    record.lease !== undefined && Date.parse(record.lease.expiresAt) > now.getTime();

  if (status.operation) {
    if (leaseHeld)
      return act('none', `${status.operation.kind} in flight at step ${status.operation.step}`);
    return act(
      'resume-operation',
      `the ${status.operation.kind} lost its worker at step ${status.operation.step}: taking it over`,
    );
  }
  if (leaseHeld) return act('none', 'another worker holds the lease');

  const observation = observations.get(clusterRef);
  if (!observation) return act('none', `cluster ${clusterRef} is not declared`);
  if (!observation.reachable) {
    return status.phase === 'UNKNOWN'
      ? act('none', `cluster ${clusterRef} still unreachable: ${observation.reason}`)
      : act('mark-unknown', `cluster ${clusterRef} unreachable: ${observation.reason}`);
  }

  // Operations for this spec ended on faults: the next waits its turn (retry-policy.ts).
  const backoff = status.backoff;
  if (backoff?.specHash === record.specHash && now.getTime() < Date.parse(backoff.nextAttemptAt))
    return act(
      'none',
      `backing off after ${backoff.attempts} failed attempts until ${backoff.nextAttemptAt}: ${backoff.reason}`,
    );

  const live = status.jobId ? observation.jobs.get(status.jobId) : undefined;
  if (status.jobId !== undefined && live === undefined) {
    // An entry set aside as unreadable may be this job's (its own id, or no readable id at all):
    // it is then neither running nor gone, so nothing is decided until it can be read.
    const unread = observation.unreadable?.find(
      (entry) => entry.jobId === undefined || entry.jobId === status.jobId,
    );
    if (unread)
      return act(
        'none',
        `the entry of job ${status.jobId} in cluster ${clusterRef}'s job list cannot be read: ${unread.reason}`,
      );
  }
  const liveState = status.jobId === undefined ? undefined : (live?.state ?? 'MISSING');
  const changed = record.specHash !== status.lastApplied?.specHash;
  const rejected = status.rejected?.specHash === record.specHash ? status.rejected : undefined;

  if (desired.spec.state === 'suspended') {
    if (status.phase === 'SUSPENDED') return act('none', 'suspended as desired');
    if (liveState === 'RUNNING') return act('suspend', 'desired state is suspended');
    if (liveState === undefined || liveState === 'MISSING' || TERMINAL_STATES.has(liveState))
      return act('mark-suspended', 'desired state is suspended and no job runs', {
        ...(liveState ? { observedState: liveState } : {}),
      });
    return act('none', `waiting for the job to leave ${liveState} before suspending`);
  }

  // Nothing of this spec runs and it was refused (by Flink, or its chosen savepoint before a
  // resume): starting it again would be refused again.
  if (rejected && (status.jobId === undefined || !lastApplied || status.phase === 'SUSPENDED'))
    return act('none', `spec generation ${record.generation} was rejected: ${rejected.reason}`);
  if (status.phase === 'SUSPENDED' || (status.phase === 'PENDING' && status.jobId === undefined))
    return status.lastApplied && status.phase === 'SUSPENDED'
      ? act('resume', 'desired state is running')
      : act('deploy', 'new job');
  if (status.jobId === undefined || !lastApplied)
    return act('deploy', 'no job has been started yet');

  if (liveState === 'MISSING' || (liveState !== undefined && TERMINAL_STATES.has(liveState))) {
    if (status.phase === 'FAILED' && !changed)
      return act('none', 'job FAILED: change the spec or its restartNonce to try again', {
        observedState: liveState,
      });
    if (status.phase === 'NEEDS_RESTORE_POINT' && !changed)
      return act(
        'none',
        'no restorable state was found: set spec.restore.from to a savepoint (fjc restore), ' +
          'or set upgradeMode: stateless to start it empty',
        { observedState: liveState },
      );
    return act(
      'recover',
      liveState === 'MISSING'
        ? `job ${status.jobId} vanished from the cluster`
        : `job ${status.jobId} is ${liveState} outside fjc`,
      { observedState: liveState, ...(rejected ? { keepLastApplied: true } : {}) },
    );
  }
  if (rejected && changed)
    return act('none', `spec generation ${record.generation} was rejected: ${rejected.reason}`);
  if (liveState !== undefined && WAITING_STATES.has(liveState))
    return act('none', `job is ${liveState}: waiting`, { observedState: liveState });

  if (changed) {
    // A summary view is only made when nothing changed (load-views.ts): reaching here with one
    // is a bug in its caller, and planning it from a guess would be worse than stopping.
    if (view.summary === true)
      throw new FjcError(
        `Job ${record.name} was planned from a spec summary, but its spec changed.`,
        {
          remedy: 'Report this as a bug in fjc; the next cycle plans the job again.',
        },
      );
    const change = classifyChange(view.lastApplied, view.desired);
    const fields = change.fields;
    switch (change.kind) {
      case 'IGNORE':
        return act('adopt', 'only fields that do not touch the running job changed', {
          fields: change.changes.map((c) => c.field),
        });
      case 'SCALE':
        return (view.adaptiveScheduler ?? live?.schedulerType === 'Adaptive')
          ? act('scale', 'parallelism changed: rescaling in place', { fields })
          : act('upgrade', 'parallelism changed: the cluster cannot rescale in place', { fields });
      case 'UPGRADE':
      case 'REDEPLOY':
        return act('upgrade', `${change.kind.toLowerCase()}: ${fields.join(', ')}`, { fields });
      case 'RESTORE':
        return act('restore', `restore from a chosen savepoint: ${fields.join(', ')}`, {
          fields: change.changes.map((c) => c.field),
        });
    }
  }

  // "Changed to a value not used before": status keeps the highest nonce served, so a spec
  // re-applied with an older nonce (a restart re-reading a file, a revert) takes no savepoint.
  if (desired.spec.savepointNonce > (status.savepointNonce ?? 0))
    return act('savepoint', 'savepointNonce changed: manual savepoint', {
      savepointKind: 'manual',
    });
  const interval = desired.spec.savepointPolicy.interval;
  if (interval !== 'off') {
    const since = status.newestSavepoint?.at ?? status.jobStartedAt;
    if (since === undefined || now.getTime() - Date.parse(since) >= interval.ms)
      return act('savepoint', `periodic savepoint due (every ${interval.text})`, {
        savepointKind: 'periodic',
      });
  }

  if (
    status.phase === 'UNKNOWN' ||
    status.phase === 'FAILED' ||
    status.phase === 'NEEDS_RESTORE_POINT'
  )
    return act('settle', `job is ${liveState ?? 'unknown'} again`, { observedState: liveState });
  return act('none', 'in desired state', { observedState: liveState });
}

/** Plans every job; the order of the result is the order of `views`. */
export function planActions(
  views: readonly PlanView[],
  observations: ReadonlyMap<string, ClusterObservation>,
  now: Date,
): PlannedAction[] {
  return views.map((view) => planJob(view, observations, now));
}
