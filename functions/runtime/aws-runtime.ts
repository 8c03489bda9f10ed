import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { randomBytes } from 'node:crypto';
import { FlinkClients } from '../adapters/flink-clients.js';
import { SfnStateMachine } from '../adapters/sfn-state-machine.js';
import { egressPolicy } from '../commons/egress.js';
import { ConfigurationError } from '../commons/errors.js';
import { readEnvironment } from '../commons/env.js';
import type { ControlContext, SecretsProvider } from '../core/ports/index.js';
import type { StateMachinePort } from '../core/ports/index.js';
import type { ProbeContext } from '../core/cluster-probe.js';
import { AwsSecretsProvider } from '../adapters/secrets/aws-secrets-provider.js';
import { DynamoJobStore } from '../store/dynamo-job-store.js';
import { awsStoragePorts, type StoragePorts } from './aws-storage.js';
import { noStoragePorts } from './no-storage.js';

type AwsControlContext = ControlContext & {
  stateMachine: StateMachinePort;
  /** The secrets the cluster clients read, also asked directly by a probe. */
  secrets: SecretsProvider;
};

let runtime: AwsControlContext | undefined;

/**
 * The composition root of the Lambdas: AWS adapters behind the core's ports, built once per cold
 * start from the validated environment (a wrong variable fails the cold start, naming it).
 */
function buildRuntime(
  storage: (env: ReturnType<typeof readEnvironment>) => StoragePorts,
): AwsControlContext {
  const env = readEnvironment(process.env);
  const store = new DynamoJobStore({
    client: new DynamoDBClient({}),
    tableName: env.FJC_TABLE_NAME,
    auditRetentionDays: env.FJC_AUDIT_RETENTION_DAYS,
  });
  const secrets = new AwsSecretsProvider({ prefix: env.FJC_SECRET_PREFIX });
  const clients = new FlinkClients(store, secrets, {
    egress: egressPolicy({
      ...(env.FJC_EGRESS_ALLOW === undefined ? {} : { allow: env.FJC_EGRESS_ALLOW }),
      ...(env.FJC_EGRESS_DENY === undefined ? {} : { deny: env.FJC_EGRESS_DENY }),
    }),
    uploadTimeoutMs: env.FJC_FLINK_UPLOAD_TIMEOUT_SECONDS * 1000,
  });
  const arn = env.FJC_STATE_MACHINE_ARN;
  return {
    store,
    secrets,
    flink: (name) => clients.port(name),
    sqlGateway: (name) => clients.sqlGateway(name),
    savepointDirectory: (name) => clients.savepointDirectory(name),
    beginCycle: async () => {
      const cycle = await clients.cycle();
      return { flink: cycle.port, savepointDirectory: cycle.savepointDirectory };
    },
    ...storage(env),
    now: () => new Date(),
    newId: () => randomBytes(16).toString('hex'),
    leaseTtlMs: env.FJC_LEASE_TTL_SECONDS * 1000,
    stateMachine: arn
      ? new SfnStateMachine(new SFNClient({}), arn)
      : {
          start: () =>
            Promise.reject(
              new ConfigurationError('FJC_STATE_MACHINE_ARN is not set for this function'),
            ),
        },
  };
}

/**
 * The Lambdas' control context, built once per cold start; a bad environment is a rejected
 * promise naming the variable, like every other failure of the call.
 */
export function awsControlContext(): Promise<AwsControlContext> {
  try {
    runtime ??= buildRuntime((env) =>
      awsStoragePorts({ artifactMaxBytes: env.FJC_ARTIFACT_MAX_MB * 1024 * 1024 }),
    );
    return Promise.resolve(runtime);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * The reconcile function's control context: the same, without S3 (it runs no operation step and
 * its role may not read the bucket), so its bundle and cold start carry no S3 client.
 */
export function awsReconcileContext(): Promise<AwsControlContext> {
  try {
    runtime ??= buildRuntime(() => noStoragePorts('reconcile'));
    return Promise.resolve(runtime);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * What the deploy function's probe reads: the same store, cluster clients and secrets as its
 * steps, and the checkpoint storage (S3) its role may list under `fjc:checkpointLocations`, so
 * the storage check runs with the adapter and permissions that resume jobs.
 */
export async function awsProbeContext(): Promise<ProbeContext> {
  const context = await awsControlContext();
  return {
    store: context.store,
    flink: (name) => context.flink(name),
    secrets: context.secrets,
    checkpoints: context.checkpoints,
  };
}
