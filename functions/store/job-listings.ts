/**
 * Job listings (`GET /v1/jobs`) read as a projection of the job item: a listing shows a dozen
 * small fields, while the item holds the spec three times and the recent history (about 6.6 KB
 * for a typical job, 37 KB of answer read as 626 KB). Same indexes, order and cursors as the
 * whole-record listings, so a client's cursor works with either.
 */
import { z } from 'zod';
import {
  JOB_PHASES,
  type JobListing,
  type JobListingScope,
  type Page,
  type PageRequest,
} from '../core/model/index.js';
import { CorruptItemError } from '../core/ports/index.js';
import type { DynamoTable, Item } from './dynamo/client.js';
import { clusterIndexPk, teamIndexPk } from './keys.js';
import { queryIndexPage, queryJobShardsPage, type Projection } from './pages.js';
import { requireName } from './validate.js';

const LISTING_PROJECTION: Projection = {
  expression:
    '#name, #team, #clusterRef, #specHash, #generation, #createdAt, #updatedAt, ' +
    '#status.#phase, #status.#jobId, #status.#newestSavepoint, #status.#lastError',
  names: {
    '#name': 'name',
    '#team': 'team',
    '#clusterRef': 'clusterRef',
    '#specHash': 'specHash',
    '#generation': 'generation',
    '#createdAt': 'createdAt',
    '#updatedAt': 'updatedAt',
    '#status': 'status',
    '#phase': 'phase',
    '#jobId': 'jobId',
    '#newestSavepoint': 'newestSavepoint',
    '#lastError': 'lastError',
  },
};

const listingItem = z.object({
  name: z.string(),
  team: z.string(),
  clusterRef: z.string(),
  specHash: z.string(),
  generation: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: z.object({
    phase: z.enum(JOB_PHASES),
    jobId: z.string().optional(),
    newestSavepoint: z
      .object({ id: z.string().optional(), path: z.string(), at: z.string() })
      .optional(),
    lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).optional(),
  }),
});

/** Maps a listing projection back; absent optionals stay absent. @throws CorruptItemError */
export function itemToListing(item: Item): JobListing {
  const parsed = listingItem.safeParse(item);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new CorruptItemError(`Stored job item ${String(item.name)} is malformed (${where}).`, {
      remedy: 'Restore the item from a backup or delete it; it was not written by this version.',
    });
  }
  return parsed.data;
}

/** A page of job listings of one scope (the port's `listJobListings`). */
export function listJobListings(
  table: DynamoTable,
  scope: JobListingScope,
  page: PageRequest,
): Promise<Page<JobListing>> {
  const byIndex = (index: 'byTeam' | 'byCluster', pk: string) =>
    queryIndexPage(table, index, pk, page, itemToListing, LISTING_PROJECTION);
  switch (scope.by) {
    case 'all':
      return queryJobShardsPage(table, page, itemToListing, LISTING_PROJECTION);
    case 'team':
      requireName(scope.team, 'team');
      return byIndex('byTeam', teamIndexPk(scope.team));
    case 'cluster':
      requireName(scope.clusterRef, 'clusterRef');
      return byIndex('byCluster', clusterIndexPk(scope.clusterRef));
  }
}
