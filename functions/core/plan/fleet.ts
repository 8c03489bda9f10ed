import type { PlanView } from './plan-actions.js';

/** Fleet-wide figures a reconcile cycle reports (the dashboard and alarms read them). */
export interface FleetFigures {
  byPhase: Record<string, number>;
  /** Age of the oldest "newest savepoint" across jobs with a savepoint, in seconds. */
  oldestNewestSavepointAgeSeconds: number;
  /** Jobs that should run but have not been RUNNING or STABLE for longer than the limit. */
  notRunningTooLong: number;
  /** Jobs with periodic savepoints whose newest one is older than twice the interval. */
  savepointOverdue: number;
}

const HEALTHY = new Set(['RUNNING', 'STABLE', 'SUSPENDED']);

/** Pure: computed from the records reconcile already loaded, no extra reads. */
export function fleetFigures(
  views: readonly PlanView[],
  now: Date,
  notRunningLimitMs: number,
): FleetFigures {
  const figures: FleetFigures = {
    byPhase: {},
    oldestNewestSavepointAgeSeconds: 0,
    notRunningTooLong: 0,
    savepointOverdue: 0,
  };
  for (const { record, desired } of views) {
    const phase = record.status.phase;
    figures.byPhase[phase] = (figures.byPhase[phase] ?? 0) + 1;
    if (!HEALTHY.has(phase) && now.getTime() - Date.parse(record.updatedAt) > notRunningLimitMs)
      figures.notRunningTooLong++;
    const newest = record.status.newestSavepoint;
    if (newest) {
      const age = Math.floor((now.getTime() - Date.parse(newest.at)) / 1000);
      figures.oldestNewestSavepointAgeSeconds = Math.max(
        figures.oldestNewestSavepointAgeSeconds,
        age,
      );
    }
    const interval = desired.spec.savepointPolicy.interval;
    if (interval !== 'off' && desired.spec.state === 'running' && phase !== 'SUSPENDED') {
      const since = newest?.at ?? record.status.jobStartedAt;
      if (since !== undefined && now.getTime() - Date.parse(since) > 2 * interval.ms)
        figures.savepointOverdue++;
    }
  }
  return figures;
}
