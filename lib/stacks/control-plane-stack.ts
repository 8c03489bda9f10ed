import { Annotations, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { hasNoAdmins, type FjcConfig } from '../config.js';
import { ControlLoopRelease, pinnedFunctionVersion } from '../constructs/control-loop-release.js';
import { ControlLoopStateMachine } from '../constructs/control-loop-state-machine.js';
import { FjcApi } from '../constructs/fjc-api.js';
import { FjcFunction } from '../constructs/fjc-function.js';
import { FleetAlarms } from '../constructs/fleet-alarms.js';
import { ControlPlaneNetwork } from '../constructs/control-plane-network.js';
import { FleetDashboard } from '../constructs/fleet-dashboard.js';
import { TeamAlarms } from '../constructs/team-alarms.js';
import { FunctionRelease, healthAlarms } from '../constructs/function-release.js';
import { ReconcileSchedule } from '../constructs/reconcile-schedule.js';
import { ARTIFACTS_PREFIX, SPECS_PREFIX } from '../constructs/spec-bucket.js';
import { SpecIngest } from '../constructs/spec-ingest.js';
import {
  DEFAULT_DEPLOYMENT_STYLE,
  DEPLOYMENT_STYLES,
  type DeploymentStyle,
} from '../settings/release.js';
import type { CheckpointLocation } from '../settings/checkpoints.js';
import type { NetworkSettings } from '../settings/network.js';
import type { StatefulExports } from './stateful-stack.js';

/** The alias of the deploy function the api invokes to probe clusters. */
const PROBE_ALIAS = 'probe';

/** Concurrent reconcile runs: one scheduled cycle plus targeted runs of the event path. */
const RECONCILE_CONCURRENCY = 5;

/** Properties of {@link ControlPlaneStack}. */
export interface ControlPlaneStackProps extends StackProps {
  readonly config: FjcConfig;
  /** Export names of the table and bucket (see `StatefulStack.exportNames`). */
  readonly stateful: StatefulExports;
  /** How fjc's own releases shift traffic (`fjc:deployment`, default canary 10% for 5 minutes). */
  readonly deployment?: DeploymentStyle;
  /**
   * The VPC the Flink-facing functions (reconcile, deploy, verify) run in (`fjc:vpcId` and
   * companions); api and ingest never talk to Flink and stay outside. Default: no VPC.
   */
  readonly network?: NetworkSettings;
  /** `fjc:checkpointLocations`: checkpoint directories deploy and verify may list and probe. */
  readonly checkpointLocations?: readonly CheckpointLocation[];
  /** The teams of `fjc:apiTeams`, each with its own alarm topic and alarms. Default none. */
  readonly teams?: readonly string[];
  /** `fjc:teamAlarmEmails`: an address per team subscribed to its topic. */
  readonly teamAlarmEmails?: Readonly<Record<string, string>>;
}

/**
 * Everything stateless: the five functions, the control-loop state machine, the schedule, the
 * spec ingest rule, the API, alarms and the dashboard. Safe to destroy and redeploy.
 */
export class ControlPlaneStack extends Stack {
  readonly functions: Readonly<
    Record<'reconcile' | 'deploy' | 'verify' | 'ingest' | 'api', FjcFunction>
  >;
  readonly controlLoop: ControlLoopStateMachine;
  /** The control loop's versions and `live` alias (what reconcile starts). */
  readonly controlLoopRelease: ControlLoopRelease;
  /** The `live` alias, its rollback alarms and deployment group of reconcile, ingest and api. */
  readonly releases: Readonly<Record<'reconcile' | 'ingest' | 'api', FunctionRelease>>;
  readonly api: FjcApi;
  readonly alarms: FleetAlarms;
  /** The per-team topics and alarms. */
  readonly teamAlarms: TeamAlarms;
  /** Only with `fjc:vpcId`. */
  readonly network?: ControlPlaneNetwork;

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const table = dynamodb.Table.fromTableAttributes(this, 'Table', {
      tableArn: Fn.importValue(stateful.tableArn),
      grantIndexPermissions: true,
    });
    const bucket = s3.Bucket.fromBucketAttributes(this, 'Bucket', {
      bucketName: Fn.importValue(stateful.bucketName),
      bucketArn: Fn.importValue(stateful.bucketArn),
    });
    const bundle = config.bundle;
    const audit = { auditRetentionDays: config.auditRetentionDays };
    const style = DEPLOYMENT_STYLES[props.deployment ?? DEFAULT_DEPLOYMENT_STYLE];
    if (props.network !== undefined)
      this.network = new ControlPlaneNetwork(this, 'Network', props.network);
    const flinkNetwork =
      this.network === undefined
        ? {}
        : {
            network: {
              vpc: this.network.vpc,
              subnets: this.network.subnets,
              securityGroups: this.network.securityGroups,
            },
          };

    const deploy = new FjcFunction(this, 'Deploy', {
      handler: 'deploy',
      description: 'fjc: runs one step of an action against Flink and records failures',
      timeout: Duration.minutes(5),
      // Uploading a JAR streams it through the function; more memory also means more network.
      memorySize: 1024,
      // The artifact is staged on /tmp while its sha256 is checked; job JARs can be large.
      ephemeralStorageMiB: Math.max(2048, config.artifactMaxMb + 512),
      bundle,
      ...flinkNetwork,
    })
      .bindTable(table, 'readWrite', audit)
      .bindBucket(bucket, 'read', ARTIFACTS_PREFIX)
      .bindSecrets(config.secretPrefix)
      .bindCheckpointLocations(props.checkpointLocations ?? []);
    deploy.fn.addEnvironment('FJC_ARTIFACT_MAX_MB', String(config.artifactMaxMb));

    const verify = new FjcFunction(this, 'Verify', {
      handler: 'verify',
      description: 'fjc: checks that a started step took effect on Flink',
      timeout: Duration.seconds(60),
      bundle,
      ...flinkNetwork,
    })
      .bindTable(table, 'readWrite', audit)
      .bindSecrets(config.secretPrefix)
      .bindCheckpointLocations(props.checkpointLocations ?? []);

    // The definition names exact versions of deploy and verify, so an execution finishes on the
    // code it started with; the state machine's own alias rolls new versions out (see
    // ControlLoopRelease).
    const deployVersion = pinnedFunctionVersion(deploy.fn);
    this.controlLoop = new ControlLoopStateMachine(this, 'ControlLoop', {
      deployFunction: deployVersion,
      verifyFunction: pinnedFunctionVersion(verify.fn),
      maxConcurrency: config.maxConcurrency,
      timeout: Duration.seconds(config.executionTimeoutSeconds),
    });
    // The cluster probe is answered by deploy, which runs in the Flink-facing network with the
    // secrets and the checkpoint locations (reconcile reads no S3). Through an alias on the
    // version executions run: a stable ARN the api role names exactly (a version ARN in the role
    // would refuse the previous api version during its canary), moved with each release.
    const deployProbe = new lambda.Alias(this, 'DeployProbeAlias', {
      aliasName: PROBE_ALIAS,
      version: deployVersion,
      description: 'The deploy version that answers cluster probes (POST /v1/clusters/probe)',
    });
    const deployHealth = healthAlarms(new Construct(this, 'DeployHealth'), deploy.fn, 'deploy');
    const verifyHealth = healthAlarms(new Construct(this, 'VerifyHealth'), verify.fn, 'verify');
    this.controlLoopRelease = new ControlLoopRelease(this, 'ControlLoopRelease', {
      stateMachine: this.controlLoop.stateMachine,
      routing: style.stateMachine,
      rollbackAlarms: [
        deployHealth.errors,
        deployHealth.throttles,
        verifyHealth.errors,
        verifyHealth.throttles,
      ],
    });

    const reconcile = new FjcFunction(this, 'Reconcile', {
      handler: 'reconcile',
      description: 'fjc: observes the fleet, plans actions, starts the control loop',
      timeout: Duration.seconds(60),
      // Sized for its CPU (Lambda gives CPU in proportion to memory, 1,769 MB = 1 vCPU). Measured
      // at 10,000 jobs on a full core (scripts/bench-reconcile.ts): a warm cycle ~0.4 s CPU, the
      // first cycle after a cold start ~1.2-1.4 s (every spec parsed once), heap ~100-300 MB with
      // the spec cache. 1,024 MB = ~0.58 vCPU: ~0.7 s / ~2.4 s per cycle, far inside the timeout
      // and the schedule, with room for the cache; 256 MB (0.15 vCPU) took ~15 s a cycle before
      // lean reads. About 1-2 GB-s a minute: cheaper than the time it saves.
      memorySize: 1024,
      // Room for targeted runs (the event path) beside the scheduled cycle. Running together is
      // safe: every operation starts under a lease with a conditional write, so of two runs
      // planning the same job one starts it and the other leaves it (reconcile-jobs.test.ts).
      // Bounded, so a burst of changes queues in Lambda (throttled async events are retried
      // until their maximum age) instead of fanning out onto the table and the clusters.
      reservedConcurrentExecutions: RECONCILE_CONCURRENCY,
      // A missed tick or trigger is not retried: the next cycle reconciles anyway.
      async: { retryAttempts: 0, maxEventAge: Duration.minutes(config.reconcileIntervalMinutes) },
      bundle,
      ...flinkNetwork,
    })
      .bindTable(table, 'readWrite', audit)
      // Reconcile observes the clusters itself (job lists, savepoints), so it reads credentials.
      .bindSecrets(config.secretPrefix)
      .bindStateMachine(this.controlLoop.stateMachine, this.controlLoopRelease.aliasArn);
    reconcile.fn.addEnvironment('FJC_JOB_NOT_RUNNING_MINUTES', String(config.jobNotRunningMinutes));
    // The functions that connect to Flink check every address against the egress policy.
    for (const flinkFacing of [reconcile, deploy, verify]) {
      flinkFacing.fn.addEnvironment('FJC_LEASE_TTL_SECONDS', String(config.leaseTtlSeconds));
      if (config.egressAllow !== '')
        flinkFacing.fn.addEnvironment('FJC_EGRESS_ALLOW', config.egressAllow);
      if (config.egressDeny !== '')
        flinkFacing.fn.addEnvironment('FJC_EGRESS_DENY', config.egressDeny);
    }

    const reconcileAsync = {
      retryAttempts: 0,
      maxEventAge: Duration.minutes(config.reconcileIntervalMinutes),
    };
    const reconcileRelease = new FunctionRelease(this, 'ReconcileRelease', {
      function: reconcile,
      deploymentConfig: style.lambda,
      async: reconcileAsync,
    });

    const ingestAsync = { retryAttempts: 2, maxEventAge: Duration.hours(1) };
    const ingest = new FjcFunction(this, 'Ingest', {
      handler: 'ingest',
      description: 'fjc: validates a changed spec and stores it as desired state',
      timeout: Duration.seconds(60),
      // One spec file at a time: two runs for the same key would race on its result object.
      reservedConcurrentExecutions: 1,
      async: ingestAsync,
      bundle,
    })
      .bindTable(table, 'readWrite', audit)
      .bindBucket(bucket, 'read', SPECS_PREFIX)
      .bindResults(bucket, 'results/')
      .bindReconcileTrigger(reconcileRelease.alias);
    // The team directory's quotas hold at this door too.
    ingest.fn.addEnvironment('FJC_API_TEAMS', config.apiTeams);

    const api = new FjcFunction(this, 'Api', {
      handler: 'api',
      description: 'fjc: operator API',
      timeout: Duration.seconds(29),
      bundle,
    })
      .bindTable(table, 'readWrite', audit)
      .bindReconcileTrigger(reconcileRelease.alias)
      .bindProber(deployProbe);
    api.fn.addEnvironment('FJC_API_TEAMS', config.apiTeams);
    const ingestRelease = new FunctionRelease(this, 'IngestRelease', {
      function: ingest,
      deploymentConfig: style.lambda,
      async: ingestAsync,
    });
    const apiRelease = new FunctionRelease(this, 'ApiRelease', {
      function: api,
      deploymentConfig: style.lambda,
    });
    this.releases = { reconcile: reconcileRelease, ingest: ingestRelease, api: apiRelease };
    if (hasNoAdmins(config))
      Annotations.of(this).addWarningV2(
        'fjc:no-admins',
        'fjc:apiTeams names no admins: nobody may register a cluster or write through the API. ' +
          'Set -c fjc:apiTeams=\'{"admins":["arn:aws:sts::ACCOUNT:assumed-role/ROLE/*"],"teams":{…}}\' (docs/day-one.md).',
      );

    this.functions = { reconcile, deploy, verify, ingest, api };

    const schedule = new ReconcileSchedule(this, 'Schedule', {
      reconcileFunction: reconcileRelease.alias,
      intervalMinutes: config.reconcileIntervalMinutes,
    });
    const specIngest = new SpecIngest(this, 'SpecIngest', {
      bucket,
      prefix: SPECS_PREFIX,
      ingestFunction: ingestRelease.alias,
    });
    this.api = new FjcApi(this, 'OperatorApi', { apiFunction: apiRelease.alias });

    const deadLetterQueues = {
      ReconcileSchedule: schedule.deadLetterQueue.queue,
      SpecIngest: specIngest.deadLetterQueue.queue,
      ...(reconcile.deadLetterQueue ? { ReconcileFunction: reconcile.deadLetterQueue.queue } : {}),
      ...(ingest.deadLetterQueue ? { IngestFunction: ingest.deadLetterQueue.queue } : {}),
    };
    this.alarms = new FleetAlarms(this, 'Alarms', {
      reconcileFunction: reconcile.fn,
      reconcileIntervalMinutes: config.reconcileIntervalMinutes,
      stateMachine: this.controlLoop.stateMachine,
      api: this.api.api,
      deadLetterQueues,
      jobNotRunningMinutes: config.jobNotRunningMinutes,
      ...(config.alarmEmail === undefined ? {} : { alarmEmail: config.alarmEmail }),
    });

    this.teamAlarms = new TeamAlarms(this, 'TeamAlarms', {
      teams: props.teams ?? [],
      key: this.alarms.key,
      emails: props.teamAlarmEmails ?? {},
      jobNotRunningMinutes: config.jobNotRunningMinutes,
    });

    new FleetDashboard(this, 'Dashboard', {
      functions: Object.fromEntries(
        Object.entries(this.functions).map(([name, fn]) => [name, fn.fn]),
      ),
      stateMachine: this.controlLoop.stateMachine,
      api: this.api.api,
      alarms: Object.values(this.alarms.alarms),
    });
  }
}
