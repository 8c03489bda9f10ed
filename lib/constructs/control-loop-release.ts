import { RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { DEPLOYMENT_STYLES } from '../settings/release.js';
import { LIVE_ALIAS } from './function-release.js';

/** Properties of {@link ControlLoopRelease}. */
export interface ControlLoopReleaseProps {
  readonly stateMachine: sfn.StateMachine;
  /** How new executions shift to a new version (see `fjc:deployment`). */
  readonly routing: (typeof DEPLOYMENT_STYLES)[keyof typeof DEPLOYMENT_STYLES]['stateMachine'];
  /** Any of these in alarm during the shift rolls the alias back to the previous version. */
  readonly rollbackAlarms: readonly cloudwatch.IAlarm[];
}

/**
 * The control loop's release path: a state machine version per revision and the `live` alias that
 * reconcile starts executions through.
 *
 * The definition names exact versions of the deploy and verify functions, and an execution runs
 * the state machine version it was started on to its end. So an execution that began before a
 * release finishes on the deploy/verify code it began with (a half-done upgrade of a Flink job is
 * never continued by other code), while new executions move to the new version as the alias
 * shifts: gradually, with a rollback when an alarm fires. A replaced state machine version is
 * deleted once the alias has moved off it: deleting a version does not stop the executions that
 * run on it (Step Functions API reference, DeleteStateMachineVersion). The function versions those
 * executions invoke are another matter: see {@link pinnedFunctionVersion}.
 */
export class ControlLoopRelease extends Construct {
  readonly version: sfn.CfnStateMachineVersion;
  readonly alias: sfn.CfnStateMachineAlias;
  /** The alias ARN (what reconcile starts executions on). */
  readonly aliasArn: string;

  constructor(scope: Construct, id: string, props: ControlLoopReleaseProps) {
    super(scope, id);
    const { routing } = props;
    this.version = new sfn.CfnStateMachineVersion(this, 'Version', {
      stateMachineArn: props.stateMachine.stateMachineArn,
      // A new revision (a new definition: new function versions) changes this property, which
      // replaces the resource: that is what publishes the next version.
      stateMachineRevisionId: props.stateMachine.stateMachineRevisionId,
      description: 'fjc control loop',
    });
    this.version.applyRemovalPolicy(RemovalPolicy.DESTROY);
    this.alias = new sfn.CfnStateMachineAlias(this, 'Alias', {
      name: LIVE_ALIAS,
      description: 'The control-loop version reconcile starts executions on',
      deploymentPreference: {
        stateMachineVersionArn: this.version.attrArn,
        type: routing.type,
        ...('percentage' in routing
          ? { percentage: routing.percentage, interval: routing.interval }
          : {}),
        alarms: props.rollbackAlarms.map((alarm) => alarm.alarmName),
      },
    });
    this.aliasArn = this.alias.attrArn;
  }
}

/**
 * The function's current version, for the control-loop definition to name, kept when a release
 * replaces it: an execution started on an older state machine version still invokes the older
 * deploy and verify versions until it ends (an upgrade's soak can take hours), and a deleted
 * version would fail it half-way. CloudFormation would delete it otherwise (Lambda versions are
 * deleted by default). Retained versions accumulate, about 1 MB of code each per release
 * (docs/deploy.md, "Releasing fjc").
 */
export function pinnedFunctionVersion(fn: lambda.Function): lambda.Version {
  const version = fn.currentVersion;
  version.applyRemovalPolicy(RemovalPolicy.RETAIN);
  return version;
}
