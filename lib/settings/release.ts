import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type { Node } from 'constructs';

/**
 * How a new fjc release reaches traffic (`fjc:deployment`). Each name maps to one CodeDeploy
 * Lambda configuration (the reconcile, ingest and api aliases) and the equivalent Step Functions
 * alias routing (the control loop, whose executions carry the deploy and verify versions).
 */
export const DEPLOYMENT_STYLES = {
  AllAtOnce: {
    lambda: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
    stateMachine: { type: 'ALL_AT_ONCE' },
  },
  Canary10Percent5Minutes: {
    lambda: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
    stateMachine: { type: 'CANARY', percentage: 10, interval: 5 },
  },
  Canary10Percent10Minutes: {
    lambda: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
    stateMachine: { type: 'CANARY', percentage: 10, interval: 10 },
  },
  Linear10PercentEvery1Minute: {
    lambda: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
    stateMachine: { type: 'LINEAR', percentage: 10, interval: 1 },
  },
} as const satisfies Record<
  string,
  {
    lambda: codedeploy.ILambdaDeploymentConfig;
    stateMachine: {
      type: 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR';
      percentage?: number;
      interval?: number;
    };
  }
>;

/** A name of {@link DEPLOYMENT_STYLES}. */
export type DeploymentStyle = keyof typeof DEPLOYMENT_STYLES;

/** The default: a bad release meets 10% of the traffic and is rolled back within 5 minutes. */
export const DEFAULT_DEPLOYMENT_STYLE: DeploymentStyle = 'Canary10Percent5Minutes';

/** Reads `fjc:deployment`; an unknown name fails the synth naming the key and the choices. */
export function readDeploymentStyle(node: Node): DeploymentStyle {
  const raw: unknown = node.tryGetContext('fjc:deployment');
  if (raw === undefined || raw === '') return DEFAULT_DEPLOYMENT_STYLE;
  if (typeof raw === 'string' && Object.hasOwn(DEPLOYMENT_STYLES, raw))
    return raw as DeploymentStyle;
  throw new Error(
    `Context fjc:deployment must be one of ${Object.keys(DEPLOYMENT_STYLES).join(', ')}, got ${JSON.stringify(raw)}`,
  );
}
