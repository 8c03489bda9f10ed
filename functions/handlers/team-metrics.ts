import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, TEAM_DIMENSION } from '../commons/metric-names.js';
import type { Observability } from '../commons/observability.js';
import type { TeamFigures } from '../core/plan/fleet.js';

/**
 * Emits the alarmed job figures once per team, with the team as a dimension, so that the alarm of
 * the team whose job it is fires and notifies that team's topic. Zeros are emitted too: a team's
 * alarm returns to OK as soon as its jobs recover, not when the data runs out.
 */
export function emitTeamMetrics(
  metrics: Observability['metrics'],
  byTeam: Readonly<Record<string, TeamFigures>>,
): void {
  for (const [team, figures] of Object.entries(byTeam)) {
    const single = metrics.singleMetric();
    single.addDimension(TEAM_DIMENSION, team);
    single.addMetric(METRIC.JobsNotRunningTooLong, MetricUnit.Count, figures.notRunningTooLong);
    single.addMetric(METRIC.SavepointOverdue, MetricUnit.Count, figures.savepointOverdue);
  }
}
