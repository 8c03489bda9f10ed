/**
 * Key formats of the single fjc table. Changing any of them is a data migration: items written
 * with the old format become invisible to the new code.
 */

/** Attribute names of the keys. */
export const ATTR = {
  pk: 'pk',
  sk: 'sk',
  gsi1pk: 'gsi1pk',
  gsi1sk: 'gsi1sk',
  gsi2pk: 'gsi2pk',
  gsi2sk: 'gsi2sk',
  gsi3pk: 'gsi3pk',
  gsi3sk: 'gsi3sk',
  /** DynamoDB TTL attribute (epoch seconds). Only audit and idempotency items may carry it. */
  ttl: 'expiresAt',
} as const;

/** Index names. */
export const INDEX = {
  byCluster: 'gsi1',
  byTeam: 'gsi2',
  byKind: 'gsi3',
  /**
   * The all-jobs API listing: the keys of gsi3, projecting only the listing attributes
   * (`LISTING_ATTRIBUTES`), so a page reads a few hundred bytes per job instead of the whole item.
   */
  listing: 'gsi4',
} as const;

/** The key attributes of each index: the partition key, then the sort key. */
export const INDEX_KEYS = {
  byCluster: { partition: ATTR.gsi1pk, sort: ATTR.gsi1sk },
  byTeam: { partition: ATTR.gsi2pk, sort: ATTR.gsi2sk },
  byKind: { partition: ATTR.gsi3pk, sort: ATTR.gsi3sk },
  listing: { partition: ATTR.gsi3pk, sort: ATTR.gsi3sk },
} as const;

/**
 * The job item's attributes a listing shows, projected into the listing index. `listing` is a
 * copy of the status fields a listing shows, top-level because an index can only project
 * top-level attributes (the `status` map holds the applied specs).
 */
export const LISTING_ATTRIBUTES = [
  'name',
  'team',
  'clusterRef',
  'specHash',
  'generation',
  'createdAt',
  'updatedAt',
  'listing',
] as const;

/**
 * Number of partitions the "all jobs" listing is spread over. One GSI partition key for every job
 * would put the whole fleet's write traffic on one index partition (about 1,000 writes/s); the
 * shards also let a reconcile fan out one worker per shard later. Fixed for the life of a table.
 */
export const JOB_SHARDS = 16;

const JOB_SK = 'JOB';
const CLUSTER_SK = 'CLUSTER';
const AUDIT_PREFIX = 'AUDIT#';
const SAVEPOINT_PREFIX = 'SAVEPOINT#';
const IDEMPOTENCY_PREFIX = 'IDEMPOTENCY#';
const IDEMPOTENCY_SK = 'IDEMPOTENCY';

/** The primary key of an item. */
export interface ItemKey {
  pk: string;
  sk: string;
}

export const jobPk = (name: string): string => `JOB#${name}`;
export const jobKey = (name: string): ItemKey => ({ pk: jobPk(name), sk: JOB_SK });
export const clusterIndexPk = (clusterRef: string): string => `CLUSTER#${clusterRef}`;
export const teamIndexPk = (team: string): string => `TEAM#${team}`;
export const jobIndexSk = (name: string): string => `JOB#${name}`;

/** FNV-1a (32 bit): stable across runtimes, unlike anything seeded. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export const jobShard = (name: string): number => fnv1a(name) % JOB_SHARDS;
export const jobShardPk = (shard: number): string => `JOBS#${String(shard).padStart(2, '0')}`;

export const clusterKey = (name: string): ItemKey => ({ pk: `CLUSTER#${name}`, sk: CLUSTER_SK });
export const CLUSTERS_KIND_PK = 'CLUSTERS';
/** The submission lock of a cluster (submission-locks.ts): beside its cluster item, unindexed. */
export const submissionLockKey = (clusterRef: string): ItemKey => ({
  pk: `CLUSTER#${clusterRef}`,
  sk: 'SUBMISSION_LOCK',
});
export const clusterKindSk = (name: string): string => `CLUSTER#${name}`;

export const auditSkPrefix = AUDIT_PREFIX;
/**
 * Time first so a query sorted descending is newest first; the version makes the key
 * deterministic for a given change, so writing the same entry again overwrites it (idempotent).
 * An entry of another item than the job's (a savepoint's change) names that item in `subject`:
 * it is listed under the job version it was decided against, which a job change may share.
 */
export const auditKey = (
  jobName: string,
  at: string,
  version: number,
  subject?: string,
): ItemKey => ({
  pk: jobPk(jobName),
  sk: `${AUDIT_PREFIX}${at}#${String(version).padStart(10, '0')}${subject === undefined ? '' : `#${subject}`}`,
});

export const savepointSkPrefix = SAVEPOINT_PREFIX;
export const savepointKey = (jobName: string, id: string): ItemKey => ({
  pk: jobPk(jobName),
  sk: `${SAVEPOINT_PREFIX}${id}`,
});

/**
 * An idempotency key of the API, per caller so keys never collide. The item carries no index
 * attributes, so no listing sees it.
 */
export const idempotencyKey = (caller: string, key: string): ItemKey => ({
  pk: `${IDEMPOTENCY_PREFIX}${caller}#${key}`,
  sk: IDEMPOTENCY_SK,
});

/** `2025-01-02T03:04:05.678Z` → `20250102T030405678Z`: sortable and safe in URLs. */
export const compactTimestamp = (at: Date): string => at.toISOString().replace(/[-:.]/g, '');
