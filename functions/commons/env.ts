import { z } from 'zod';
import { egressRulesProblems } from './egress.js';
import { ConfigurationError } from './errors.js';

/** A comma-separated list of egress rules; each bad rule is one issue naming it. */
const egressRules = z.string().superRefine((value, ctx) => {
  for (const problem of egressRulesProblems(value))
    ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * The environment each Lambda reads, validated once at start-up so that a missing or wrong
 * variable fails the cold start with a message naming it, not a request hours later.
 */
export const lambdaEnvironmentSchema = z.object({
  /** The single DynamoDB table holding desired state, status, savepoints and audit. */
  FJC_TABLE_NAME: z.string().min(1),
  /** Only secrets whose names start with this prefix may be read (least privilege). */
  FJC_SECRET_PREFIX: z.string().min(1).default('fjc/'),
  /** The control-loop state machine (reconcile only). */
  FJC_STATE_MACHINE_ARN: z.string().optional(),
  /** The bucket for specs and artifacts (ingest and deploy). */
  FJC_BUCKET_NAME: z.string().optional(),
  /** Days an audit entry is kept before DynamoDB's TTL removes it. */
  FJC_AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().default(400),
  /** Minutes a job may stay not RUNNING before reconcile counts it for the alarm. */
  FJC_JOB_NOT_RUNNING_MINUTES: z.coerce.number().int().positive().default(15),
  /**
   * Seconds a worker's lease on a job lasts unless renewed; its holder renews it while it works,
   * so this bounds how long a dead worker's operation waits to be taken over. At least 10 (a
   * renewal needs a moment), at most a day.
   */
  FJC_LEASE_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(60),
  /**
   * The reconcile function (api and ingest): an accepted change invokes it asynchronously for a
   * targeted reconcile of the changed jobs. Unset: the scheduled cycle alone picks changes up.
   */
  FJC_RECONCILE_FUNCTION: z.string().min(1).optional(),
  /**
   * The function that answers cluster probes (api only): the deploy function's `probe` alias,
   * invoked synchronously by `POST /v1/clusters/probe`. Unset: the API says it cannot probe.
   */
  FJC_PROBE_FUNCTION: z.string().min(1).optional(),
  /** The API's team directory (JSON), api only. */
  FJC_API_TEAMS: z.string().optional(),
  /** CIDRs and host names Flink clusters may be reached at; empty: anything not denied. */
  FJC_EGRESS_ALLOW: egressRules.optional(),
  /** CIDRs and host names never connected to (metadata and link-local are refused always). */
  FJC_EGRESS_DENY: egressRules.optional(),
  /**
   * Largest artifact (MiB) the deploy function stages on /tmp; a larger S3 object is refused
   * before it is read. Keep it below the function's ephemeral storage (fjc:artifactMaxMb sizes
   * both). Default 1536.
   */
  FJC_ARTIFACT_MAX_MB: z.coerce.number().int().min(1).max(10_240).default(1536),
  /** Seconds one jar upload to Flink may take (default 240, inside the deploy function's 5 min). */
  FJC_FLINK_UPLOAD_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(900).default(240),
  POWERTOOLS_SERVICE_NAME: z.string().default('fjc'),
});
export type LambdaEnvironment = z.infer<typeof lambdaEnvironmentSchema>;

/** Reads and checks the environment; throws `ConfigurationError` naming every bad variable. */
export function readEnvironment(
  env: Record<string, string | undefined> = process.env,
  required: readonly (keyof LambdaEnvironment)[] = [],
): LambdaEnvironment {
  const parsed = lambdaEnvironmentSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (parsed.success)
    for (const name of required)
      if (parsed.data[name] === undefined) problems.push(`${name}: required by this function`);
  if (!parsed.success || problems.length > 0)
    throw new ConfigurationError(`Invalid environment: ${problems.join('; ')}`, {
      remedy: 'Set the variables named above in the function’s configuration.',
    });
  return parsed.data;
}
