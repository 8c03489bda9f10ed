/**
 * `GET /v1/jobs` for every kind of caller. Admins list straight from the store's indexes. Team
 * members see only their teams' jobs: by team (the index of that team), by cluster (the cluster's
 * index, filtered to their teams: a page may then hold fewer items than asked for, never a
 * foreign job), or without a filter, by walking their teams one after the other with a cursor
 * that names the team it resumes in.
 */
import { z } from 'zod';
import { InvalidPageRequestError } from '../core/ports/index.js';
import type { JobListing, Page } from '../core/model/index.js';
import type { JobStore } from '../core/ports/index.js';
import type { Principal } from '../core/authorization.js';
import { pageOf } from './params.js';

/** Validated query of the listing. */
export interface JobListQuery {
  team?: string | undefined;
  cluster?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

const DEFAULT_LIMIT = 100;

const walkCursorSchema = z.strictObject({
  v: z.literal(1),
  team: z.string(),
  inner: z.string().optional(),
});

function encodeWalk(team: string, inner: string | undefined): string {
  return Buffer.from(
    JSON.stringify({ v: 1, team, ...(inner === undefined ? {} : { inner }) }),
    'utf8',
  ).toString('base64url');
}

function decodeWalk(
  cursor: string,
  teams: readonly string[],
): { team: string; inner: string | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = walkCursorSchema.safeParse(value);
  if (!parsed.success || !teams.includes(parsed.data.team))
    throw new InvalidPageRequestError('Invalid cursor: it does not belong to this listing.', [
      { path: 'query.cursor', message: 'does not belong to this listing' },
    ]);
  return { team: parsed.data.team, inner: parsed.data.inner };
}

/** Walks the caller's teams (sorted) from the cursor's position until the page is full. */
async function walkTeams(
  store: JobStore,
  teams: readonly string[],
  query: JobListQuery,
): Promise<Page<JobListing>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const sorted = [...new Set(teams)].sort();
  const start = query.cursor === undefined ? undefined : decodeWalk(query.cursor, sorted);
  let index = start === undefined ? 0 : sorted.indexOf(start.team);
  let inner = start?.inner;
  const items: JobListing[] = [];
  while (index < sorted.length) {
    const team = sorted[index] ?? '';
    const page = await store.listJobListings(
      { by: 'team', team },
      pageOf({ cursor: inner, limit: limit - items.length }),
    );
    items.push(...page.items);
    if (page.cursor !== undefined) {
      inner = page.cursor;
      if (items.length >= limit) return { items, cursor: encodeWalk(team, inner) };
      continue;
    }
    index += 1;
    inner = undefined;
    if (items.length >= limit)
      return index < sorted.length
        ? { items, cursor: encodeWalk(sorted[index] ?? '', undefined) }
        : { items };
  }
  return { items };
}

/**
 * The page of jobs the caller may see (authorization of a `team` filter is the caller's job), as
 * listings show them: read as a projection, never whole records.
 */
export async function listVisibleJobs(
  store: JobStore,
  principal: Principal,
  query: JobListQuery,
): Promise<Page<JobListing>> {
  const page = pageOf(query);
  if (query.team !== undefined) {
    const result = await store.listJobListings({ by: 'team', team: query.team }, page);
    const cluster = query.cluster;
    return cluster === undefined
      ? result
      : { ...result, items: result.items.filter((job) => job.clusterRef === cluster) };
  }
  if (query.cluster !== undefined) {
    const result = await store.listJobListings({ by: 'cluster', clusterRef: query.cluster }, page);
    return principal.admin
      ? result
      : { ...result, items: result.items.filter((job) => principal.teams.includes(job.team)) };
  }
  if (principal.admin) return store.listJobListings({ by: 'all' }, page);
  return walkTeams(store, principal.teams, query);
}
