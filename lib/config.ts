import { teamDirectoryConfigSchema } from '../functions/api/team-directory.js';
import { egressRulesProblems } from '../functions/commons/egress.js';
import type { Node } from 'constructs';

/** Settings of one fjc deployment, read from CDK context (`-c fjc:…=…` or cdk.json). */
export interface FjcConfig {
  /** Minutes between two reconcile cycles (`fjc:reconcileIntervalMinutes`, default 1). */
  readonly reconcileIntervalMinutes: number;
  /** Address that receives the alarms, if any (`fjc:alarmEmail`). */
  readonly alarmEmail?: string;
  /** Only secrets whose names start with this may be read (`fjc:secretPrefix`, default `fjc/`). */
  readonly secretPrefix: string;
  /** Actions one control-loop execution runs at once (`fjc:maxConcurrency`, default 10). */
  readonly maxConcurrency: number;
  /** Minutes a job may stay not RUNNING before it alarms (`fjc:jobNotRunningMinutes`, default 15). */
  readonly jobNotRunningMinutes: number;
  /**
   * Seconds a worker's lease on a job lasts unless renewed (`fjc:leaseTtlSeconds`, default 60,
   * at least 10): a dead worker's operation is taken over after about this long.
   */
  readonly leaseTtlSeconds: number;
  /** Upper bound of one control-loop execution (`fjc:executionTimeoutSeconds`, default 3600). */
  readonly executionTimeoutSeconds: number;
  /** Days audit items live before TTL removes them (`fjc:auditRetentionDays`, default 400). */
  readonly auditRetentionDays: number;
  /**
   * Whether to bundle the handlers with esbuild (`fjc:bundle`, default true). Tests that only
   * inspect the template turn it off: a placeholder inline handler keeps them fast.
   */
  readonly bundle: boolean;
  /**
   * Who may do what through the API (`fjc:apiTeams`, JSON `{admins: [principal patterns],
   * teams: {team: [principal patterns]}}`); checked at synth. Empty: nobody but admins… of which
   * there are none, so the API refuses job access until it is set.
   */
  readonly apiTeams: string;
  /**
   * The only CIDR ranges and host names the Flink-facing functions may connect to
   * (`fjc:egressAllow`, a list or comma-separated; default: no allow-list). Metadata and
   * link-local addresses are refused whatever this says.
   */
  readonly egressAllow: string;
  /**
   * CIDR ranges and host names never connected to (`fjc:egressDeny`). Default loopback: no Flink
   * runs inside a Lambda sandbox, but the Lambda runtime API does. Setting it replaces the default.
   */
  readonly egressDeny: string;
  /**
   * Largest artifact in MiB the deploy function stages from S3 (`fjc:artifactMaxMb`, default
   * 1536). The deploy function's /tmp is sized to it plus 512 MiB (at least 2,048 MiB).
   */
  readonly artifactMaxMb: number;
}

export const DEFAULT_CONFIG: FjcConfig = {
  reconcileIntervalMinutes: 1,
  secretPrefix: 'fjc/',
  maxConcurrency: 10,
  jobNotRunningMinutes: 15,
  leaseTtlSeconds: 60,
  executionTimeoutSeconds: 3600,
  auditRetentionDays: 400,
  bundle: true,
  apiTeams: '{"admins":[],"teams":{}}',
  egressAllow: '',
  egressDeny: '127.0.0.0/8,::1',
  artifactMaxMb: 1536,
};

/** A lease time-to-live the functions accept (`FJC_LEASE_TTL_SECONDS`), checked at synth. */
function leaseTtlSeconds(value: number): number {
  if (value < 10 || value > 86_400)
    throw new Error(`Context fjc:leaseTtlSeconds must be between 10 and 86400, got ${value}`);
  return value;
}

/** Lambda's /tmp is at most 10,240 MiB and the staging needs 512 MiB of slack beside the jar. */
function artifactMaxMb(value: number): number {
  if (value > 9728)
    throw new Error(`Context fjc:artifactMaxMb must be at most 9728 (10 GiB /tmp), got ${value}`);
  return value;
}

/** The team directory has no admin: nobody could register a cluster, so nothing could run. */
export function hasNoAdmins(config: FjcConfig): boolean {
  return teamDirectoryConfigSchema.parse(JSON.parse(config.apiTeams)).admins.length === 0;
}

/** An egress list from context: a list or a comma-separated string of valid rules. */
function egressRules(key: string, raw: unknown, fallback: string): string {
  if (raw === undefined) return fallback;
  const text =
    typeof raw === 'string'
      ? raw
      : Array.isArray(raw) && raw.every((entry) => typeof entry === 'string')
        ? raw.join(',')
        : undefined;
  if (text === undefined)
    throw new Error(`Context ${key} must be a list or a comma-separated string of CIDRs and hosts`);
  const problems = egressRulesProblems(text);
  if (problems.length > 0) throw new Error(`Context ${key} is invalid: ${problems.join('; ')}`);
  return text;
}

function apiTeams(raw: string | undefined): string {
  if (raw === undefined) return DEFAULT_CONFIG.apiTeams;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(
      'Context fjc:apiTeams must be JSON: {"admins": [...], "teams": {"team": [...]}}',
    );
  }
  const result = teamDirectoryConfigSchema.safeParse(parsed);
  if (!result.success)
    throw new Error(
      `Context fjc:apiTeams is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return JSON.stringify(result.data);
}

/** The team names of the team directory (`fjc:apiTeams`), in the order written. */
export function teamNames(config: FjcConfig): string[] {
  const parsed = teamDirectoryConfigSchema.parse(JSON.parse(config.apiTeams));
  return Object.keys(parsed.teams);
}

/** Reads the fjc context keys; a wrong value fails the synth naming the key. */
export function readConfig(node: Node): FjcConfig {
  const positiveInt = (key: string, fallback: number): number => {
    const raw: unknown = node.tryGetContext(key);
    if (raw === undefined) return fallback;
    // Context given on the command line arrives as a string.
    const value = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw new Error(`Context ${key} must be a positive integer, got ${JSON.stringify(raw)}`);
    return value;
  };
  const text = (key: string): string | undefined => {
    const raw: unknown = node.tryGetContext(key);
    if (raw === undefined || raw === '') return undefined;
    if (typeof raw !== 'string') throw new Error(`Context ${key} must be a string`);
    return raw;
  };
  const bundleRaw: unknown = node.tryGetContext('fjc:bundle');
  const alarmEmail = text('fjc:alarmEmail');
  return {
    reconcileIntervalMinutes: positiveInt(
      'fjc:reconcileIntervalMinutes',
      DEFAULT_CONFIG.reconcileIntervalMinutes,
    ),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    secretPrefix: text('fjc:secretPrefix') ?? DEFAULT_CONFIG.secretPrefix,
    maxConcurrency: positiveInt('fjc:maxConcurrency', DEFAULT_CONFIG.maxConcurrency),
    jobNotRunningMinutes: positiveInt(
      'fjc:jobNotRunningMinutes',
      DEFAULT_CONFIG.jobNotRunningMinutes,
    ),
    leaseTtlSeconds: leaseTtlSeconds(
      positiveInt('fjc:leaseTtlSeconds', DEFAULT_CONFIG.leaseTtlSeconds),
    ),
    executionTimeoutSeconds: positiveInt(
      'fjc:executionTimeoutSeconds',
      DEFAULT_CONFIG.executionTimeoutSeconds,
    ),
    auditRetentionDays: positiveInt('fjc:auditRetentionDays', DEFAULT_CONFIG.auditRetentionDays),
    bundle: bundleRaw === undefined ? true : bundleRaw !== false && bundleRaw !== 'false',
    apiTeams: apiTeams(text('fjc:apiTeams')),
    egressAllow: egressRules(
      'fjc:egressAllow',
      node.tryGetContext('fjc:egressAllow'),
      DEFAULT_CONFIG.egressAllow,
    ),
    egressDeny: egressRules(
      'fjc:egressDeny',
      node.tryGetContext('fjc:egressDeny'),
      DEFAULT_CONFIG.egressDeny,
    ),
    artifactMaxMb: artifactMaxMb(positiveInt('fjc:artifactMaxMb', DEFAULT_CONFIG.artifactMaxMb)),
  };
}
