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
  /**
   * The same two counts per team (the job's `team`), for every team with at least one job: the
   * per-team alarms page the team whose job it is.
   */
  byTeam: Record<string, TeamFigures>;
}

/** The alarmed figures of one team's jobs. */
export interface TeamFigures {
  notRunningTooLong: number;
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
    byTeam: {},
  };
  for (const { record, desired } of views) {
    const phase = record.status.phase;
    const team = (figures.byTeam[record.team] ??= { notRunningTooLong: 0, savepointOverdue: 0 });
    figures.byPhase[phase] = (figures.byPhase[phase] ?? 0) + 1;
    if (!HEALTHY.has(phase) && now.getTime() - Date.parse(record.updatedAt) > notRunningLimitMs) {
      figures.notRunningTooLong++;
      team.notRunningTooLong++;
    }
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
      if (since !== undefined && now.getTime() - Date.parse(since) > 2 * interval.ms) {
        figures.savepointOverdue++;
        team.savepointOverdue++;
      }
    }
  }
  return figures;
}
