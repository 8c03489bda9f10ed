import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  METRIC,
  METRICS_NAMESPACE,
  SERVICE_DIMENSION,
  SERVICE_NAME,
  TEAM_DIMENSION,
} from '../metric-names.js';

/** Properties of {@link TeamAlarms}. */
export interface TeamAlarmsProps {
  /** The teams of `fjc:apiTeams`. */
  readonly teams: readonly string[];
  /** The alarm topics' key (CloudWatch may use it); shared with the fleet topic. */
  readonly key: kms.IKey;
  /** Subscribed to a team's topic when given (`fjc:teamAlarmEmails`). */
  readonly emails: Readonly<Record<string, string>>;
  readonly jobNotRunningMinutes: number;
}

/** The metric of one team, as the reconcile function emits it (`emitTeamMetrics`). */
export function teamMetric(
  name: typeof METRIC.JobsNotRunningTooLong | typeof METRIC.SavepointOverdue,
  team: string,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME, [TEAM_DIMENSION]: team },
    statistic: 'Maximum',
    period,
  });
}

/**
 * Alarms routed per team: one topic per team and, on it, that team's own copies of the job alarms
 * (a job not running too long, a savepoint overdue) over the metrics with the `team` dimension.
 * A topic per team rather than one topic with subscription filter policies: CloudWatch publishes
 * alarm notifications without message attributes, so a filter could only match the alarm name
 * in the body, and a team's subscription endpoint (mail, pager) would need a filter written right
 * by hand; a topic per team is a resource whose ARN a team subscribes to and IAM can scope.
 * Topics cost nothing idle; each alarm costs $0.10 a month (two per team).
 */
export class TeamAlarms extends Construct {
  readonly topics: Record<string, sns.Topic> = {};
  /** By team, then by alarm name. */
  readonly alarms: Record<string, Record<string, cloudwatch.Alarm>> = {};

  constructor(scope: Construct, id: string, props: TeamAlarmsProps) {
    super(scope, id);
    for (const team of props.teams) {
      const topic = new sns.Topic(this, `${team}Topic`, {
        displayName: `fjc alarms of team ${team}`,
        masterKey: props.key,
        enforceSSL: true,
      });
      this.topics[team] = topic;
      const email = props.emails[team];
      if (email !== undefined) topic.addSubscription(new subscriptions.EmailSubscription(email));
      new CfnOutput(this, `${team}TopicArn`, {
        value: topic.topicArn,
        description: `The alarm topic of team ${team}: subscribe its pager or chat here`,
        exportName: `${Stack.of(this).stackName}-TeamAlarmTopic-${team}`,
      });

      const add = (name: string, metric: cloudwatch.Metric, description: string) => {
        const alarm = metric.createAlarm(this, `${team}${name}`, {
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: description,
        });
        alarm.addAlarmAction(new actions.SnsAction(topic));
        alarm.addOkAction(new actions.SnsAction(topic));
        (this.alarms[team] ??= {})[name] = alarm;
      };
      add(
        'JobsNotRunningTooLong',
        teamMetric(METRIC.JobsNotRunningTooLong, team, Duration.minutes(5)),
        `A job of team ${team} has not been RUNNING for more than ${props.jobNotRunningMinutes} minutes.`,
      );
      add(
        'SavepointOverdue',
        teamMetric(METRIC.SavepointOverdue, team, Duration.minutes(15)),
        `A job of team ${team} has a newest savepoint older than its policy allows.`,
      );
    }
  }
}
