import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { readEnvironment } from '../commons/env.js';
import type { IngestContext } from '../ingest/context.js';
import { S3SpecObjects } from '../adapters/s3-spec-objects.js';
import { DynamoJobStore } from '../store/dynamo-job-store.js';
import { awsReconcileTrigger, type TriggerFailureSink } from './aws-reconcile-trigger.js';
import { StaticTeamDirectory } from '../api/team-directory.js';

/** The team directory's variable (as the API's); imported from there it would bundle the API. */
const TEAMS_VARIABLE = 'FJC_API_TEAMS';

let context: Omit<IngestContext, 'logger'> | undefined;

/**
 * The composition root of the ingest Lambda: the job store on DynamoDB and the spec objects on
 * S3, built once per cold start from the validated environment. `FJC_BUCKET_NAME` is required:
 * events about any other bucket are ignored rather than trusted. With `FJC_RECONCILE_FUNCTION`
 * set, applied changes ask for a targeted reconcile; `sink` hears of requests that failed.
 */
export function awsIngestContext(
  env: Record<string, string | undefined> = process.env,
  sink: TriggerFailureSink = {
    logger: {
      warn: (message, fields) => {
        console.warn(message, fields);
      },
    },
  },
): Promise<Omit<IngestContext, 'logger'>> {
  try {
    context ??= build(env, sink);
    return Promise.resolve(context);
  } catch (error) {
    // A rejected promise, not a synchronous throw: callers await it like any other port.
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function build(
  env: Record<string, string | undefined>,
  sink: TriggerFailureSink,
): Omit<IngestContext, 'logger'> {
  const config = readEnvironment(env, ['FJC_BUCKET_NAME']);
  const reconcile = awsReconcileTrigger(config, sink);
  // The same directory as the API's, for its quotas: one place configures both doors.
  const teams = env[TEAMS_VARIABLE]?.trim()
    ? StaticTeamDirectory.fromJson(env[TEAMS_VARIABLE], TEAMS_VARIABLE)
    : undefined;
  return {
    store: new DynamoJobStore({
      client: new DynamoDBClient({}),
      tableName: config.FJC_TABLE_NAME,
      auditRetentionDays: config.FJC_AUDIT_RETENTION_DAYS,
    }),
    objects: new S3SpecObjects(new S3Client({})),
    now: () => new Date(),
    ...(reconcile ? { reconcile } : {}),
    ...(teams === undefined ? {} : { quotas: teams.quotas }),
    ...(config.FJC_BUCKET_NAME === undefined ? {} : { bucket: config.FJC_BUCKET_NAME }),
  };
}
