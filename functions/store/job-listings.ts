/**
 * Job listings (`GET /v1/jobs`) read as a projection of the job item: a listing shows a dozen
 * small fields, while the item holds the spec three times and the recent history (about 6.6 KB
 * for a typical job, 37 KB of answer read as 626 KB). Same order and cursors as the whole-record
 * listings, so a client's cursor works with either.
 *
 * The all-jobs listing reads the lean listing index (gsi4, table.ts), whose entries hold only the
 * listing attributes: DynamoDB (and dynalite) would otherwise read and decode whole items before
 * projecting them. The team and cluster listings read their ALL-projected index, projected.
 */
import { z } from 'zod';
import {
  JOB_PHASES,
  type JobListing,
  type JobListingScope,
  type Page,
  type PageRequest,
} from '../core/model/index.js';
import { CorruptItemError, StoreUnavailableError } from '../core/ports/index.js';
import type { DynamoTable, Item } from './dynamo/client.js';
import { clusterIndexPk, jobKey, teamIndexPk } from './keys.js';
import { queryIndexPage, queryJobShardsPage, type Projection } from './pages.js';
import { requireName } from './validate.js';

/** The listing attributes of a whole job item (team and cluster listings, and the fallback). */
export const LISTING_PROJECTION: Projection = {
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

const leanItem = z.object({
  name: z.string(),
  team: z.string(),
  clusterRef: z.string(),
  specHash: z.string(),
  generation: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  listing: listingItem.shape.status,
});

/** Maps an entry of the listing index back. @throws CorruptItemError */
function leanToListing(item: Item): JobListing {
  const parsed = leanItem.safeParse(item);
  if (!parsed.success) return itemToListing(item);
  const { listing, ...rest } = parsed.data;
  return { ...rest, status: listing };
}

/**
 * Whether a failure says the listing index cannot be read: a table created before it existed
 * (a local data folder; dynalite cannot add an index) or, in AWS, while DynamoDB still backfills
 * it after the deploy that added it.
 */
function listingIndexUnreadable(error: unknown): boolean {
  const cause = error instanceof StoreUnavailableError ? error.cause : undefined;
  return (
    cause instanceof Error && cause.name === 'ValidationException' && /index/i.test(cause.message)
  );
}

/**
 * A page of the listing index. An entry without `listing` is of an item last written before that
 * attribute existed (the index was backfilled from it): its listing is read from the table, one
 * BatchGetItem for all such entries of the page; the job's next write adds the attribute.
 */
async function queryListingIndexPage(
  table: DynamoTable,
  page: PageRequest,
): Promise<Page<JobListing>> {
  let found: Page<Item>;
  try {
    found = await queryJobShardsPage(table, page, (item) => item, undefined, 'listing');
  } catch (error) {
    if (!listingIndexUnreadable(error)) throw error;
    // Same keys, same order, same cursors: only slower.
    return queryJobShardsPage(table, page, itemToListing, LISTING_PROJECTION);
  }
  const old = found.items.filter((item) => item.listing === undefined);
  const fromTable = new Map<unknown, Item>();
  if (old.length > 0) {
    const items = await table.batchGet(
      old.map((item) => jobKey(String(item.name))),
      LISTING_PROJECTION,
    );
    for (const item of items) fromTable.set(item.name, item);
  }
  const items: JobListing[] = [];
  for (const item of found.items) {
    if (item.listing !== undefined) items.push(leanToListing(item));
    else {
      // Absent from the table: deleted between the two reads, so not listed.
      const whole = fromTable.get(item.name);
      if (whole) items.push(itemToListing(whole));
    }
  }
  return found.cursor === undefined ? { items } : { items, cursor: found.cursor };
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
      return queryListingIndexPage(table, page);
    case 'team':
      requireName(scope.team, 'team');
      return byIndex('byTeam', teamIndexPk(scope.team));
    case 'cluster':
      requireName(scope.clusterRef, 'clusterRef');
      return byIndex('byCluster', clusterIndexPk(scope.clusterRef));
  }
}
