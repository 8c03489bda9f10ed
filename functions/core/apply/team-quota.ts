/**
 * Per-team quotas: how many jobs a team may have and how much parallelism its running jobs may
 * ask for together. Configured beside the team directory (`quotas` in `fjc:apiTeams`), enforced
 * by {@link checkTeamQuotas} at every door that stores desired state (API PUT and actions, S3
 * ingest, the plan preview), before the write.
 *
 * Concurrency, said plainly: usage is counted from the team's jobs as the store lists them just
 * before the write (the team index, which DynamoDB updates within about a second of a write). Two
 * applies of different new jobs of one team racing inside that window can both pass a quota at
 * its edge, so a team can end up over its quota by the jobs of one such race. The next apply of
 * that team is refused until it is under again; nothing already stored is stopped. A strict bound
 * needs a per-team usage item written in the same transaction as the job (docs/day-one.md).
 */
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../commons/errors.js';
import type { JobRecord } from '../model/index.js';
import type { JobStore } from '../ports/index.js';
import type { FlinkJob } from '../spec/index.js';

/** One team's limits; a limit left out is not enforced. */
export const teamQuotaSchema = z.strictObject({
  /** Jobs the team may have stored, suspended ones included. */
  maxJobs: z.int().min(0).max(100_000).optional(),
  /** Sum of `spec.parallelism` over the team's jobs whose desired state is running. */
  maxParallelism: z.int().min(0).max(10_000_000).optional(),
});

/** Quotas by team name. */
export const teamQuotasSchema = z.record(
  z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .max(63),
  teamQuotaSchema,
);

/** One team's limits. */
export type TeamQuota = z.infer<typeof teamQuotaSchema>;
/** Quotas by team name; a team without an entry has no limits. */
export type TeamQuotas = Readonly<Record<string, TeamQuota>>;

/** Applying would take a team over one of its quotas. */
export class QuotaExceededError extends ValidationError {
  override readonly code: string = 'QUOTA_EXCEEDED';
}

/** What a job counts against its team's quotas. */
interface Usage {
  team: string;
  parallelism: number;
}

function usageOfDocument(job: FlinkJob): Usage {
  return {
    team: job.spec.team,
    parallelism: job.spec.state === 'suspended' ? 0 : job.spec.parallelism,
  };
}

/** A stored job's usage from its stored document (written validated, so defaults are filled). */
function usageOfRecord(record: JobRecord): Usage {
  const spec = (record.spec as { spec?: { parallelism?: unknown; state?: unknown } }).spec;
  const parallelism = typeof spec?.parallelism === 'number' ? spec.parallelism : 1;
  return { team: record.team, parallelism: spec?.state === 'suspended' ? 0 : parallelism };
}

async function storedJobsOf(
  store: Pick<JobStore, 'listJobsByTeam'>,
  team: string,
): Promise<JobRecord[]> {
  const jobs: JobRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobsByTeam(team, {
      limit: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    jobs.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return jobs;
}

/**
 * Refuses `changes` (the FlinkJob documents about to be stored, with the path each is reported
 * under) when, with all of them applied, a team would have more jobs or more running parallelism
 * than its quota. Only teams that gain something are checked: shrinking or moving a job out is
 * always allowed, even for a team already over its quota. The error names the team, the limit
 * and the usage before and after.
 *
 * @throws QuotaExceededError (a ValidationError: 400 at the API, `rejected` in ingest).
 */
export async function checkTeamQuotas(
  store: Pick<JobStore, 'listJobsByTeam'>,
  quotas: TeamQuotas | undefined,
  changes: readonly { job: FlinkJob; path: string }[],
): Promise<void> {
  if (quotas === undefined) return;
  const teams = [...new Set(changes.map(({ job }) => job.spec.team))].filter(
    (team) => quotas[team] !== undefined,
  );
  const issues: FieldIssue[] = [];
  for (const team of teams) {
    const quota = quotas[team] ?? {};
    const stored = await storedJobsOf(store, team);
    const before = new Map(stored.map((record) => [record.name, usageOfRecord(record)]));
    const after = new Map(before);
    for (const { job } of changes) after.set(job.metadata.name, usageOfDocument(job));
    const count = (usage: Map<string, Usage>) =>
      [...usage.values()].filter((u) => u.team === team).length;
    const sum = (usage: Map<string, Usage>) =>
      [...usage.values()].filter((u) => u.team === team).reduce((n, u) => n + u.parallelism, 0);
    const ours = changes.filter(({ job }) => job.spec.team === team);
    const jobsBefore = count(before);
    const jobsAfter = count(after);
    if (quota.maxJobs !== undefined && jobsAfter > quota.maxJobs && jobsAfter > jobsBefore) {
      // The count grows only by jobs new to the team (created, or handed over from another).
      const added = ours.filter(({ job }) => before.get(job.metadata.name)?.team !== team);
      for (const { path } of added)
        issues.push({
          path: `${path}metadata.name`,
          message: `team "${team}" may have at most ${quota.maxJobs} jobs (maxJobs); it has ${jobsBefore}, this would make ${jobsAfter}`,
        });
    }
    const parallelismBefore = sum(before);
    const parallelismAfter = sum(after);
    if (
      quota.maxParallelism !== undefined &&
      parallelismAfter > quota.maxParallelism &&
      parallelismAfter > parallelismBefore
    )
      for (const { path } of ours)
        issues.push({
          path: `${path}spec.parallelism`,
          message: `team "${team}" may run at most ${quota.maxParallelism} parallel tasks in total (maxParallelism); its running jobs use ${parallelismBefore}, this would make ${parallelismAfter}`,
        });
  }
  if (issues.length > 0)
    throw new QuotaExceededError('The change would exceed its team’s quota', issues, {
      remedy:
        'Delete or suspend jobs of the team, lower spec.parallelism, or ask an admin to raise the quota (quotas in fjc:apiTeams).',
    });
}
