import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  METRIC,
  METRICS_NAMESPACE,
  PHASE_DIMENSION,
  SERVICE_DIMENSION,
  SERVICE_NAME,
} from '../metric-names.js';
import { fleetMetric } from './fleet-metrics.js';

/** Properties of {@link FleetAlarms}. */
export interface FleetAlarmsProps {
  readonly reconcileFunction: lambda.IFunction;
  readonly reconcileIntervalMinutes: number;
  readonly stateMachine: sfn.IStateMachine;
  readonly api: apigw.RestApi;
  /** Every dead-letter queue, by a short name used in the alarm's name. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly jobNotRunningMinutes: number;
  /** Subscribed to the topic when given. */
  readonly alarmEmail?: string;
}

/**
 * The alarms that say the fleet or its controller needs a human, all to one SNS topic.
 *
 * The topic is encrypted with a customer managed key: CloudWatch can only publish to an
 * encrypted topic whose key policy lets `cloudwatch.amazonaws.com` use the key, and the policy of
 * the AWS managed `aws/sns` key cannot be changed. About $1/month.
 */
export class FleetAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  /** By alarm id, for tests and dashboards. */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: FleetAlarmsProps) {
    super(scope, id);

    this.key = new kms.Key(this, 'TopicKey', {
      description: 'fjc alarm topic',
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // In a key policy "*" means this key.
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'fjc alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined)
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const intervalMinutes = props.reconcileIntervalMinutes;
    const anyOver = (
      alarmId: string,
      metric: cloudwatch.Metric,
      description: string,
      treatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ): void => {
      this.add(alarmId, metric, {
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData,
        alarmDescription: description,
      });
    };

    anyOver(
      'ReconcileErrors',
      props.reconcileFunction.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The reconcile function failed. The fleet is not being reconciled while this lasts.',
    );
    this.add(
      'ReconcileMissedCycles',
      props.reconcileFunction.metricInvocations({
        period: Duration.minutes(2 * intervalMinutes),
        statistic: 'Sum',
      }),
      {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No data at all is exactly the failure this alarm exists for.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `Reconcile did not run in ${2 * intervalMinutes} minutes (schedule: every ${intervalMinutes}).`,
      },
    );
    anyOver(
      'ExecutionsFailed',
      props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      'A control-loop execution failed: an action failed AND its failure could not be recorded.',
    );
    anyOver(
      'ExecutionsTimedOut',
      props.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      'A control-loop execution hit its timeout; its actions may be half done.',
    );
    anyOver(
      'Rollbacks',
      fleetMetric(METRIC.Rollbacks, { period: Duration.minutes(5) }),
      'A job upgrade was rolled back to the previous version.',
    );
    anyOver(
      'JobsNotRunningTooLong',
      fleetMetric(METRIC.JobsNotRunningTooLong, {
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      `A job has not been RUNNING for more than ${props.jobNotRunningMinutes} minutes.`,
    );
    anyOver(
      'SavepointOverdue',
      fleetMetric(METRIC.SavepointOverdue, { statistic: 'Maximum', period: Duration.minutes(15) }),
      "A job's newest savepoint is older than its policy allows.",
    );
    anyOver(
      'JobsNeedRestorePoint',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.JobsByPhase,
        dimensionsMap: {
          [SERVICE_DIMENSION]: SERVICE_NAME,
          [PHASE_DIMENSION]: 'NEEDS_RESTORE_POINT',
        },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      'A job that ran before has no restorable checkpoint or savepoint left, so fjc does not ' +
        'start it empty; give it a savepoint (spec.restore.initialSavepointPath) or start it ' +
        'stateless on purpose.',
    );
    for (const [name, queue] of Object.entries(props.deadLetterQueues))
      anyOver(
        `DeadLetters${name}`,
        queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        `Events were dropped into the ${name} dead-letter queue; inspect and redrive them.`,
      );
    anyOver(
      'Api5xx',
      props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The fjc API answered with a 5XX error.',
    );
  }

  private add(alarmId: string, metric: cloudwatch.Metric, props: cloudwatch.CreateAlarmOptions) {
    const alarm = metric.createAlarm(this, alarmId, props);
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms[alarmId] = alarm;
  }
}
