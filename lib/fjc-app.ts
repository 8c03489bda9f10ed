import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig, teamNames, type FjcConfig } from './config.js';
import { readCheckpointLocations } from './settings/checkpoints.js';
import { readNetworkSettings } from './settings/network.js';
import { readDeploymentStyle } from './settings/release.js';
import { readTeamAlarmEmails } from './settings/team-notify.js';
import { ControlPlaneStack } from './stacks/control-plane-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';

/** The stack names; stable, since renaming a stack deploys a second copy. */
export const STACK_NAMES = { stateful: 'FjcStateful', controlPlane: 'FjcControlPlane' } as const;

/** What {@link createFjcApp} built. */
export interface FjcApp {
  readonly app: App;
  readonly config: FjcConfig;
  readonly stateful: StatefulStack;
  readonly controlPlane: ControlPlaneStack;
  /** The cdk-nag pack registered as a validation plugin (absent when `nag: false`). */
  readonly nag?: AwsSolutionsChecks;
}

/** Options of {@link createFjcApp}. */
export interface CreateFjcAppOptions extends AppProps {
  /** Register cdk-nag's AwsSolutions checks (default true). */
  readonly nag?: boolean;
}

/**
 * Builds the fjc app: environment-agnostic (no account, no region, no lookups) so that
 * `cdk synth` works offline and one template deploys anywhere. Settings come from context,
 * see {@link readConfig}.
 */
export function createFjcApp(options: CreateFjcAppOptions = {}): FjcApp {
  const { nag: withNag = true, ...appProps } = options;
  const app = new App(appProps);
  // Server access logs delivered by bucket policy rather than by the legacy ACL, so both
  // buckets can keep ACLs disabled (BucketOwnerEnforced).
  app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  const config = readConfig(app.node);

  const stateful = new StatefulStack(app, STACK_NAMES.stateful, {
    description: 'fjc: state table and spec bucket (retained on delete)',
    teams: teamNames(config),
  });
  const controlPlane = new ControlPlaneStack(app, STACK_NAMES.controlPlane, {
    description: 'fjc: Flink Job Controller control plane',
    config,
    stateful: stateful.exportNames,
    deployment: readDeploymentStyle(app.node),
    network: readNetworkSettings(app.node),
    checkpointLocations: readCheckpointLocations(app.node),
    teams: teamNames(config),
    teamAlarmEmails: readTeamAlarmEmails(app.node, teamNames(config)),
  });
  // The imports are by name, so CDK cannot see the dependency; the deploy order must be stated.
  controlPlane.addStackDependency(stateful, 'imports the table and bucket exports');

  if (!withNag) return { app, config, stateful, controlPlane };
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  return { app, config, stateful, controlPlane, nag };
}
