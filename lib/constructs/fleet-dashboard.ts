import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, PHASE_DIMENSION, SERVICE_DIMENSION } from '../metric-names.js';
import { fleetMetric } from './fleet-metrics.js';

/** Properties of {@link FleetDashboard}. */
export interface FleetDashboardProps {
  /** By handler name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly stateMachine: sfn.IStateMachine;
  readonly api: apigw.RestApi;
  /** Alarms shown as a status row at the top. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/** One CloudWatch dashboard of the fleet and of the controller itself. */
export class FleetDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: FleetDashboardProps) {
    super(scope, id);
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const functions = Object.entries(props.functions);
    const fiveMinutes = Duration.minutes(5);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24 }),
    );
    this.dashboard.addWidgets(
      graph('Reconcile duration (ms)', [
        fleetMetric(METRIC.ReconcileDuration, { statistic: 'Average' }),
        fleetMetric(METRIC.ReconcileDuration, { statistic: 'Maximum' }),
      ]),
      graph('Flink calls per cycle', [fleetMetric(METRIC.FlinkCalls, { statistic: 'Average' })]),
      graph('Event path: targeted reconciles', [
        fleetMetric(METRIC.TargetedReconcileDuration, { statistic: 'Maximum' }),
        fleetMetric(METRIC.ReconcileTriggerFailures, {
          period: fiveMinutes,
          label: METRIC.ReconcileTriggerFailures,
        }),
      ]),
      graph('Jobs by phase', [
        // The phases are the handlers' business; a search shows whichever they emit.
        new cloudwatch.MathExpression({
          expression: `SEARCH('{${METRICS_NAMESPACE},${PHASE_DIMENSION},${SERVICE_DIMENSION}} MetricName="${METRIC.JobsByPhase}"', 'Maximum', 60)`,
          label: '',
          period: Duration.minutes(1),
        }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Actions',
        [
          METRIC.ActionsPlanned,
          METRIC.ActionsStarted,
          METRIC.ActionsSucceeded,
          METRIC.ActionsFailed,
        ].map((name) => fleetMetric(name, { period: fiveMinutes, label: name })),
      ),
      graph(
        'Rollbacks and drift recoveries',
        [METRIC.Rollbacks, METRIC.DriftRecoveries].map((name) =>
          fleetMetric(name, { period: fiveMinutes, label: name }),
        ),
      ),
      graph(
        'Spec files from S3',
        [METRIC.SpecFilesApplied, METRIC.SpecFilesRejected].map((name) =>
          fleetMetric(name, { period: fiveMinutes, label: name }),
        ),
      ),
      graph('Savepoints and clusters', [
        fleetMetric(METRIC.NewestSavepointAgeSeconds, { statistic: 'Maximum' }),
        fleetMetric(METRIC.ClustersUnreachable, { statistic: 'Maximum' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Lambda errors',
        functions.map(([name, fn]) => fn.metricErrors({ period: fiveMinutes, label: name })),
      ),
      graph(
        'Lambda duration p99 (ms)',
        functions.map(([name, fn]) =>
          fn.metricDuration({ period: fiveMinutes, statistic: 'p99', label: name }),
        ),
      ),
      graph('Control-loop executions', [
        props.stateMachine.metricStarted({ period: fiveMinutes, label: 'started' }),
        props.stateMachine.metricSucceeded({ period: fiveMinutes, label: 'succeeded' }),
        props.stateMachine.metricFailed({ period: fiveMinutes, label: 'failed' }),
        props.stateMachine.metricTimedOut({ period: fiveMinutes, label: 'timed out' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'API errors',
        [
          props.api.metricClientError({ period: fiveMinutes, label: '4XX' }),
          props.api.metricServerError({ period: fiveMinutes, label: '5XX' }),
        ],
        12,
      ),
      graph(
        'API latency (ms)',
        [
          props.api.metricLatency({ period: fiveMinutes, statistic: 'p50', label: 'p50' }),
          props.api.metricLatency({ period: fiveMinutes, statistic: 'p99', label: 'p99' }),
        ],
        12,
      ),
    );
  }
}
