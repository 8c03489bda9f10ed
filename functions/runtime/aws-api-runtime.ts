/**
 * The composition root of the api Lambda: the API core on DynamoDB (job store and idempotency
 * keys in the one fjc table) and the team directory from `FJC_API_TEAMS`. Built once per cold
 * start; a wrong variable fails every request with a 500 (logged, naming the variable).
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readEnvironment } from '../commons/env.js';
import { createApi, type ApiHandler } from '../api/app.js';
import { DynamoIdempotencyStore } from '../store/idempotency.js';
import type { ApiLogger } from '../api/router.js';
import { StaticTeamDirectory } from '../api/team-directory.js';
import { DynamoJobStore } from '../store/dynamo-job-store.js';
import { awsReconcileTrigger } from './aws-reconcile-trigger.js';
import { awsClusterProber } from './aws-cluster-prober.js';

/** The environment variable holding the team directory (JSON, see team-directory.ts). */
export const TEAMS_VARIABLE = 'FJC_API_TEAMS';

/**
 * The team directory from the environment. Unset means "nobody is in a team and nobody is
 * admin": the API still answers (cluster reads, the OpenAPI document) and denies every job
 * access with a 403 that says what to do — failing closed, but visibly.
 */
export function teamDirectoryFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  logger: Pick<ApiLogger, 'warn'>,
): StaticTeamDirectory {
  const text = env[TEAMS_VARIABLE];
  if (text === undefined || text.trim() === '') {
    logger.warn('team directory is empty', { variable: TEAMS_VARIABLE });
    return new StaticTeamDirectory({});
  }
  return StaticTeamDirectory.fromJson(text, TEAMS_VARIABLE);
}

let api: ApiHandler | undefined;

/**
 * The API core wired to AWS, built on first use. `metrics` counts targeted reconciles that could
 * not be requested (the event path; `FJC_RECONCILE_FUNCTION`).
 */
export function awsApi(logger: ApiLogger, metrics?: Pick<Metrics, 'addMetric'>): ApiHandler {
  if (api) return api;
  const env = readEnvironment(process.env);
  const reconcile = awsReconcileTrigger(env, { logger, ...(metrics ? { metrics } : {}) });
  const probe = awsClusterProber(env);
  const client = new DynamoDBClient({});
  const teams = teamDirectoryFromEnvironment(process.env, logger);
  api = createApi({
    store: new DynamoJobStore({
      client,
      tableName: env.FJC_TABLE_NAME,
      auditRetentionDays: env.FJC_AUDIT_RETENTION_DAYS,
    }),
    teams,
    quotas: teams.quotas,
    idempotency: new DynamoIdempotencyStore({ client, tableName: env.FJC_TABLE_NAME }),
    logger,
    ...(reconcile ? { reconcile } : {}),
    ...(probe ? { probe } : {}),
  });
  return api;
}
