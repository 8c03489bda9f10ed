/**
 * Who belongs to which team: the `TeamDirectory` port and its configuration-driven adapter. In AWS
 * the configuration comes from the `FJC_API_TEAMS` environment variable, locally from a JSON file;
 * both have the same shape:
 *
 * ```json
 * {
 *   "admins": ["arn:aws:sts::123456789012:assumed-role/fjc-admin/*"],
 *   "teams": {
 *     "payments": ["arn:aws:sts::123456789012:assumed-role/payments-*\/*", "alice"]
 *   }
 * }
 * ```
 *
 * Patterns match the whole principal (an IAM user or assumed-role ARN, or a local name); `*`
 * matches any run of characters, everything else is literal.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigurationError } from '../commons/errors.js';
import { formatPath } from '../core/spec/index.js';
import { teamQuotasSchema, type TeamQuotas } from '../core/apply/team-quota.js';

/** What a principal may act for. */
export interface Membership {
  /** Teams whose jobs the principal reads and changes. */
  teams: readonly string[];
  /** Admins read and change everything, including clusters. */
  admin: boolean;
}

/** Port: maps an authenticated principal to its teams. */
export interface TeamDirectory {
  membership(principal: string): Promise<Membership>;
}

const pattern = z.string().min(1).max(2048);

/** The configuration of {@link StaticTeamDirectory}. */
export const teamDirectoryConfigSchema = z.strictObject({
  admins: z.array(pattern).default([]),
  teams: z
    .record(
      z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
        .max(63),
      z.array(pattern),
    )
    .default({}),
  /** Optional limits per team (`{"payments": {"maxJobs": 20, "maxParallelism": 64}}`). */
  quotas: teamQuotasSchema.default({}),
});

/** The configuration as written. */
export type TeamDirectoryConfig = z.input<typeof teamDirectoryConfigSchema>;

function compile(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

/** A {@link TeamDirectory} from static configuration (environment variable or file). */
export class StaticTeamDirectory implements TeamDirectory {
  private readonly admins: readonly RegExp[];
  private readonly teams: readonly { team: string; patterns: readonly RegExp[] }[];
  /** The per-team quotas configured with the directory, enforced at apply by every door. */
  readonly quotas: TeamQuotas;

  constructor(config: TeamDirectoryConfig = {}) {
    const parsed = teamDirectoryConfigSchema.safeParse(config);
    if (!parsed.success)
      throw new ConfigurationError(
        `Invalid team directory: ${parsed.error.issues
          .map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`)
          .join('; ')}`,
        { remedy: 'Fix the team directory configuration (admins, teams).' },
      );
    this.admins = parsed.data.admins.map(compile);
    this.quotas = parsed.data.quotas;
    this.teams = Object.entries(parsed.data.teams).map(([team, patterns]) => ({
      team,
      patterns: patterns.map(compile),
    }));
  }

  /** Parses JSON configuration text; `source` names it in errors. */
  static fromJson(text: string, source: string): StaticTeamDirectory {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ConfigurationError(`${source} is not valid JSON`, {
        remedy: `Write ${source} as a JSON object with "admins" and "teams".`,
      });
    }
    return new StaticTeamDirectory(value as TeamDirectoryConfig);
  }

  /** Reads a JSON configuration file. */
  static async fromFile(path: string): Promise<StaticTeamDirectory> {
    return StaticTeamDirectory.fromJson(await readFile(path, 'utf8'), path);
  }

  membership(principal: string): Promise<Membership> {
    return Promise.resolve({
      teams: this.teams
        .filter(({ patterns }) => patterns.some((re) => re.test(principal)))
        .map(({ team }) => team),
      admin: this.admins.some((re) => re.test(principal)),
    });
  }
}
