import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { FjcFunction } from './fjc-function.js';

/** The alias every caller of an fjc function invokes; CodeDeploy moves it between versions. */
export const LIVE_ALIAS = 'live';

/** Properties of {@link FunctionRelease}. */
export interface FunctionReleaseProps {
  readonly function: FjcFunction;
  /** How traffic shifts to a new version; `undefined` publishes the alias without CodeDeploy. */
  readonly deploymentConfig?: codedeploy.ILambdaDeploymentConfig;
  /** Asynchronous invocation settings of the alias (they are per qualifier in Lambda). */
  readonly async?: { readonly retryAttempts: number; readonly maxEventAge: Duration };
}

/**
 * A function's release path: a version per change of code or configuration, the `live` alias
 * that callers invoke, the function's own health alarms on that alias, and a CodeDeploy
 * deployment group that shifts the alias gradually and rolls it back when an alarm fires.
 *
 * The alarms watch the alias, so during a canary they see the traffic both versions serve; a
 * release that fails one invocation in the window goes back. Running Flink jobs are untouched by
 * a rollback: only the controller's code moves.
 */
export class FunctionRelease extends Construct {
  readonly alias: lambda.Alias;
  readonly version: lambda.IVersion;
  /** Errors > 0 in a minute, and throttles in two minutes in a row, on the alias. */
  readonly alarms: { readonly errors: cloudwatch.Alarm; readonly throttles: cloudwatch.Alarm };
  readonly deploymentGroup?: codedeploy.LambdaDeploymentGroup;

  constructor(scope: Construct, id: string, props: FunctionReleaseProps) {
    super(scope, id);
    const fn = props.function.fn;
    const version = fn.currentVersion;
    // Only the alias invokes the function, so a version the alias has left is deleted in the
    // release's clean-up; a failed or rolled-back release has no clean-up and keeps it.
    version.applyRemovalPolicy(RemovalPolicy.DESTROY);
    this.version = version;
    this.alias = new lambda.Alias(this, 'Alias', {
      aliasName: LIVE_ALIAS,
      version: this.version,
      description: `The ${props.function.handlerName} version callers invoke`,
      ...(props.async
        ? { retryAttempts: props.async.retryAttempts, maxEventAge: props.async.maxEventAge }
        : {}),
    });
    this.alarms = healthAlarms(this, this.alias, props.function.handlerName, LIVE_ALIAS);
    if (props.deploymentConfig !== undefined)
      this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'Deployment', {
        alias: this.alias,
        deploymentConfig: props.deploymentConfig,
        alarms: [this.alarms.errors, this.alarms.throttles],
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
    if (this.deploymentGroup !== undefined)
      Validations.of(this.deploymentGroup.role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        reason:
          'The policy AWS documents for CodeDeploy Lambda deployments, the limited variant: it may ' +
          'move aliases (lambda:UpdateAlias/GetAlias), read alarms and invoke only hooks named ' +
          'CodeDeployHook_*; a hand-written copy would drift from what CodeDeploy needs.',
      });
  }
}

/**
 * A function's own health alarms: errors > 0 in a minute, and throttles two minutes in a row (one
 * burst of throttles is a queue, since reserved concurrency is deliberate; throttling that lasts
 * means the release is slower or stuck). On an alias they see both versions during a shift; on
 * the function itself (`qualifier` undefined) every version.
 */
export function healthAlarms(
  scope: Construct,
  source: lambda.IFunction,
  name: string,
  qualifier?: string,
): { readonly errors: cloudwatch.Alarm; readonly throttles: cloudwatch.Alarm } {
  const what =
    qualifier === undefined ? `The ${name} function` : `The ${name} function (alias ${qualifier})`;
  return {
    errors: source
      .metricErrors({ period: Duration.minutes(1), statistic: 'Sum' })
      .createAlarm(scope, 'Errors', {
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${what} failed; during a release this rolls it back.`,
      }),
    throttles: source
      .metricThrottles({ period: Duration.minutes(1), statistic: 'Sum' })
      .createAlarm(scope, 'Throttles', {
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${what} was throttled two minutes in a row; during a release this rolls it back.`,
      }),
  };
}
