import { describe, expect, it } from 'vitest';
import { fleetFigures } from '../../../../functions/core/plan/fleet.js';
import { NOW, job, running, view } from './fixtures.js';

const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const MIN = 60_000;

describe('fleetFigures', () => {
  it('counts phases, long outages, the oldest newest savepoint and overdue savepoints', () => {
    const periodic = job({ savepointPolicy: { interval: '10m' } });
    const views = [
      // Stuck DEPLOYING for an hour, a job of team search.
      view(job(), { phase: 'DEPLOYING' }, { updatedAt: ago(60 * MIN), team: 'search' }),
      // Not running, but only briefly.
      view(job(), { phase: 'UPGRADING' }, { updatedAt: ago(MIN) }),
      // Periodic savepoints, the newest 30 minutes old: overdue (2 × 10 min).
      running(periodic, periodic, { newestSavepoint: { path: 'p', at: ago(30 * MIN) } }),
      // Periodic, never saved, started 5 minutes ago: not overdue yet.
      running(periodic, periodic, { jobStartedAt: ago(5 * MIN) }),
      // Periodic but suspended: never overdue.
      view(periodic, { phase: 'SUSPENDED', newestSavepoint: { path: 'q', at: ago(90 * MIN) } }),
      // Periodic, no savepoint and no start time.
      view(periodic, { phase: 'PENDING' }),
    ];
    expect(fleetFigures(views, NOW, 15 * MIN)).toEqual({
      byPhase: { DEPLOYING: 1, UPGRADING: 1, STABLE: 2, SUSPENDED: 1, PENDING: 1 },
      oldestNewestSavepointAgeSeconds: 90 * 60,
      notRunningTooLong: 1,
      savepointOverdue: 1,
      // Per team, every team with a job (zeros included, so its alarm returns to OK).
      byTeam: {
        search: { notRunningTooLong: 1, savepointOverdue: 0 },
        platform: { notRunningTooLong: 0, savepointOverdue: 1 },
      },
    });
  });

  it('is all zero for an empty fleet', () => {
    expect(fleetFigures([], NOW, MIN)).toEqual({
      byPhase: {},
      oldestNewestSavepointAgeSeconds: 0,
      notRunningTooLong: 0,
      savepointOverdue: 0,
      byTeam: {},
    });
  });
});
