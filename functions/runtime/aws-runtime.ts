import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { randomBytes } from 'node:crypto';
import { FlinkClients } from '../adapters/flink-clients.js';
import { S3ArtifactSource } from '../adapters/s3-artifact-source.js';
import {
  CheckpointStorageByScheme,
  S3CheckpointStorage,
} from '../adapters/s3-checkpoint-storage.js';
import { SfnStateMachine } from '../adapters/sfn-state-machine.js';
import { egressPolicy } from '../commons/egress.js';
import { ConfigurationError } from '../commons/errors.js';
import { readEnvironment } from '../commons/env.js';
import type { ControlContext } from '../core/ports/index.js';
import type { StateMachinePort } from '../core/ports/index.js';
import { AwsSecretsProvider } from '../adapters/secrets/aws-secrets-provider.js';
import { DynamoJobStore } from '../store/dynamo-job-store.js';
import { traced } from './tracing.js';

let runtime: (ControlContext & { stateMachine: StateMachinePort }) | undefined;

/**
 * The composition root of the Lambdas: AWS adapters behind the core's ports, built once per cold
 * start from the validated environment (a wrong variable fails the cold start, naming it).
 */
function buildRuntime(): ControlContext & { stateMachine: StateMachinePort } {
  const env = readEnvironment(process.env);
  const store = new DynamoJobStore({
    client: traced(new DynamoDBClient({})),
    tableName: env.FJC_TABLE_NAME,
    auditRetentionDays: env.FJC_AUDIT_RETENTION_DAYS,
  });
  const clients = new FlinkClients(
    store,
    new AwsSecretsProvider({ prefix: env.FJC_SECRET_PREFIX }),
    {
      egress: egressPolicy({
        ...(env.FJC_EGRESS_ALLOW === undefined ? {} : { allow: env.FJC_EGRESS_ALLOW }),
        ...(env.FJC_EGRESS_DENY === undefined ? {} : { deny: env.FJC_EGRESS_DENY }),
      }),
    },
  );
  const arn = env.FJC_STATE_MACHINE_ARN;
  const s3 = traced(new S3Client({}));
  return {
    store,
    flink: (name) => clients.port(name),
    savepointDirectory: (name) => clients.savepointDirectory(name),
    beginCycle: async () => {
      const cycle = await clients.cycle();
      return { flink: cycle.port, savepointDirectory: cycle.savepointDirectory };
    },
    artifacts: new S3ArtifactSource(s3),
    // A Lambda sees no cluster's file system: only S3 checkpoints can be found and checked.
    checkpoints: new CheckpointStorageByScheme(undefined, new S3CheckpointStorage(s3)),
    now: () => new Date(),
    newId: () => randomBytes(16).toString('hex'),
    leaseTtlMs: env.FJC_LEASE_TTL_SECONDS * 1000,
    stateMachine: arn
      ? new SfnStateMachine(traced(new SFNClient({})), arn)
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
export function awsControlContext(): Promise<ControlContext & { stateMachine: StateMachinePort }> {
  try {
    runtime ??= buildRuntime();
    return Promise.resolve(runtime);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
