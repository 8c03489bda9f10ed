/**
 * Paged listings on the fjc table: one index partition (jobs of a cluster or team, clusters) or
 * one kind of item inside a job's partition (audit entries, savepoints). The cursor a page hands
 * out is checked against the listing it came from before it is used (see cursor.ts).
 */
import type { Page, PageRequest } from '../core/model/index.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';
import type { DynamoTable, Item } from './dynamo/client.js';
import { ATTR, INDEX, INDEX_KEYS, JOB_SHARDS, jobPk, jobShardPk } from './keys.js';

/** A ProjectionExpression with its attribute name placeholders. */
export interface Projection {
  expression: string;
  names: Record<string, string>;
}

/** The attributes of LastEvaluatedKey on an index whose items are keyed `pk`/`sk` in the table. */
export const indexKeyAttributes = (pk: string, sk: string) => [ATTR.pk, ATTR.sk, pk, sk] as const;

/** One page of one partition of an index, in the index's sort order. */
export async function queryIndexPage<T>(
  table: DynamoTable,
  index: keyof typeof INDEX,
  partition: string,
  page: PageRequest,
  map: (item: Item) => T,
  projection?: Projection,
): Promise<Page<T>> {
  const limit = pageLimit(page.limit);
  const keys = INDEX_KEYS[index];
  const position = decodeCursor(page.cursor, {
    keyAttributes: indexKeyAttributes(keys.partition, keys.sort),
    partitionAttribute: keys.partition,
    partitionValue: () => partition,
  });
  const out = await table.query({
    IndexName: INDEX[index],
    KeyConditionExpression: '#pk = :pk',
    ...(projection ? { ProjectionExpression: projection.expression } : {}),
    ExpressionAttributeNames: { '#pk': keys.partition, ...projection?.names },
    ExpressionAttributeValues: { ':pk': partition },
    Limit: limit,
    ExclusiveStartKey: position?.key,
  });
  return pageOf(out.items.map(map), out.lastKey);
}

/**
 * All jobs, shard after shard of the by-kind index (or of the listing index, which has the same
 * keys and so the same cursors); a page may span several shards.
 */
export async function queryJobShardsPage<T>(
  table: DynamoTable,
  page: PageRequest,
  map: (item: Item) => T,
  projection?: Projection,
  index: 'byKind' | 'listing' = 'byKind',
): Promise<Page<T>> {
  const limit = pageLimit(page.limit);
  const keys = INDEX_KEYS[index];
  const position = decodeCursor(page.cursor, {
    keyAttributes: indexKeyAttributes(keys.partition, keys.sort),
    partitionAttribute: keys.partition,
    partitionValue: (shard) => jobShardPk(shard ?? -1),
    shards: JOB_SHARDS,
  }) ?? { shard: 0 };
  let shard = position.shard ?? 0;
  let key = position.key;
  const items: T[] = [];
  while (shard < JOB_SHARDS) {
    const out = await table.query({
      IndexName: INDEX[index],
      KeyConditionExpression: '#pk = :pk',
      ...(projection ? { ProjectionExpression: projection.expression } : {}),
      ExpressionAttributeNames: { '#pk': keys.partition, ...projection?.names },
      ExpressionAttributeValues: { ':pk': jobShardPk(shard) },
      Limit: limit - items.length,
      ExclusiveStartKey: key,
    });
    items.push(...out.items.map(map));
    if (out.lastKey) {
      key = out.lastKey;
      if (items.length >= limit) return { items, cursor: encodeCursor({ shard, key }) };
      continue;
    }
    shard += 1;
    key = undefined;
    if (items.length >= limit) {
      return shard < JOB_SHARDS ? { items, cursor: encodeCursor({ shard }) } : { items };
    }
  }
  return { items };
}

/** Newest-first listing of one kind of item inside a job's partition. */
export async function queryJobPartitionPage<T>(
  table: DynamoTable,
  jobName: string,
  skPrefix: string,
  page: PageRequest,
  map: (item: Item) => T,
): Promise<Page<T>> {
  const limit = pageLimit(page.limit);
  const partition = jobPk(jobName);
  const position = decodeCursor(page.cursor, {
    keyAttributes: [ATTR.pk, ATTR.sk],
    partitionAttribute: ATTR.pk,
    partitionValue: () => partition,
    sortPrefix: { attribute: ATTR.sk, prefix: skPrefix },
  });
  const out = await table.query({
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': ATTR.pk, '#sk': ATTR.sk },
    ExpressionAttributeValues: { ':pk': partition, ':prefix': skPrefix },
    ScanIndexForward: false,
    ConsistentRead: true,
    Limit: limit,
    ExclusiveStartKey: position?.key,
  });
  return pageOf(out.items.map(map), out.lastKey);
}

function pageOf<T>(items: T[], lastKey: Record<string, string> | undefined): Page<T> {
  return lastKey ? { items, cursor: encodeCursor({ key: lastKey }) } : { items };
}
