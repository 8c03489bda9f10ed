import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import type { JobListing, JobRecord } from '../../../functions/core/model/index.js';
import { CorruptItemError, InvalidPageRequestError } from '../../../functions/core/ports/index.js';
import { DynamoJobStore } from '../../../functions/store/index.js';
import { jobToItem } from '../../../functions/store/items.js';
import { INDEX, jobShard, jobShardPk } from '../../../functions/store/keys.js';
import { tableDefinition } from '../../../functions/store/table.js';
import type { LocalDynamo } from '../../support/dynalite.js';
import { T0, desired, listingOf, useStore } from './fixtures.js';

let dynamo: LocalDynamo;
let store: DynamoJobStore;
let tableName: string;

useStore((fixture) => {
  ({ dynamo, store, tableName } = fixture);
});

const listing = listingOf;

async function runningJob(name: string): Promise<JobRecord> {
  await store.putDesired(desired(name, { specHash: `hash-${name}` }), { actor: 'alice' });
  return store.transition(
    name,
    1,
    {
      phase: 'RUNNING',
      jobId: 'a'.repeat(32),
      lastApplied: { spec: { jar: 'big.jar' }, specHash: `hash-${name}`, generation: 1 },
      newestSavepoint: { id: 'sp-1', path: 's3://sp/1', at: T0.toISOString() },
      lastError: { code: 'X', message: 'boom', at: T0.toISOString() },
    },
    { actor: 'fjc', action: 'test' },
    T0,
    {},
  );
}

/** Every page of the all-jobs listing, `limit` at a time. */
async function allPages(limit: number): Promise<JobListing[][]> {
  const pages: JobListing[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobListings(
      { by: 'all' },
      { limit, ...(cursor === undefined ? {} : { cursor }) },
    );
    pages.push(page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return pages;
}

describe('the lean listing index', () => {
  it('is defined with an INCLUDE projection of only the listing attributes', () => {
    const index = tableDefinition.GlobalSecondaryIndexes?.find(
      (i) => i.IndexName === INDEX.listing,
    );
    expect(index?.Projection?.ProjectionType).toBe('INCLUDE');
    expect(index?.Projection?.NonKeyAttributes).not.toContain('specJson');
    expect(index?.Projection?.NonKeyAttributes).not.toContain('status');
    expect(index?.Projection?.NonKeyAttributes).not.toContain('recentHistory');
  });

  it('holds the listing fields of a job and nothing of its spec, status or history', async () => {
    const job = await runningJob('lean-1');
    const out = await dynamo.client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX.listing,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: jobShardPk(jobShard(job.name)) } },
      }),
    );
    const [raw] = (out.Items ?? []).map((item) => unmarshall(item));
    expect(raw).toBeDefined();
    expect(Object.keys(raw ?? {})).not.toContain('specJson');
    expect(Object.keys(raw ?? {})).not.toContain('status');
    expect(Object.keys(raw ?? {})).not.toContain('recentHistory');
    expect(JSON.stringify(raw)).not.toContain('big.jar');
    const [page] = await allPages(10);
    expect(page).toEqual([listing(job)]);
  });

  it('lists jobs written before the listing attribute existed, in order and across pages', async () => {
    // Items of an older version: the same item without `listing`. The index holds them (its keys
    // are the old gsi3 attributes) but lacks their listing fields, so those are read from the
    // table; the next write of each job adds the attribute.
    const records: JobRecord[] = [];
    for (let i = 0; i < 7; i++) records.push(await runningJob(`job-${i}`));
    for (const record of records.filter((_, i) => i % 2 === 0)) {
      const old = jobToItem(record);
      delete old.listing;
      await dynamo.client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall(old, { removeUndefinedValues: true }),
        }),
      );
    }
    const pages = await allPages(2);
    expect(pages.length).toBeGreaterThan(3);
    const listed = pages.flat();
    expect(listed.map((j) => j.name).sort()).toEqual(records.map((r) => r.name).sort());
    const byName = new Map(records.map((r) => [r.name, listing(r)]));
    for (const shown of listed) expect(shown).toEqual(byName.get(shown.name));
    // Shard by shard, by name inside a shard: the order of the index, old items or not.
    const order = (j: JobListing) => `${jobShardPk(jobShard(j.name))}#${j.name}`;
    expect(listed.map(order)).toEqual(listed.map(order).sort());

    const healed = await store.transition(
      'job-0',
      records[0]?.version ?? 0,
      { phase: 'FAILED' },
      { actor: 'fjc', action: 'test' },
      T0,
      {},
    );
    expect((await allPages(100)).flat().find((j) => j.name === 'job-0')).toEqual(listing(healed));
  });

  it('drops a deleted job and shows a changed one as it is now', async () => {
    await runningJob('stays');
    await runningJob('goes');
    await store.deleteJob('goes', { actor: 'alice' });
    const changed = await store.transition(
      'stays',
      2,
      { phase: 'SUSPENDED', jobId: null, lastError: null },
      { actor: 'fjc', action: 'test' },
      T0,
      {},
    );
    expect((await allPages(100)).flat()).toEqual([listing(changed)]);
  });
});

describe('an entry of an older item whose job is deleted before its listing is read', () => {
  it('is left out of the page', async () => {
    const kept = await runningJob('kept');
    const records = [kept, await runningJob('gone')];
    for (const record of records) {
      const old = jobToItem(record);
      delete old.listing;
      await dynamo.client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall(old, { removeUndefinedValues: true }),
        }),
      );
    }
    // The job is deleted right after the index was read, before the table is.
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        const target = (args.request as { headers?: Record<string, string> }).headers?.[
          'x-amz-target'
        ];
        if (target?.endsWith('.BatchGetItem')) await store.deleteJob('gone', { actor: 'alice' });
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    try {
      const racing = new DynamoJobStore({ client, tableName });
      expect((await racing.listJobListings({ by: 'all' })).items).toEqual([listing(kept)]);
    } finally {
      client.destroy();
    }
  });
});

describe('a malformed entry of the listing index', () => {
  it('is refused as a corrupt item, naming the job', async () => {
    const job = await runningJob('odd');
    await dynamo.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: marshall(
          { ...jobToItem(job), listing: { phase: 'DANCING' } },
          {
            removeUndefinedValues: true,
          },
        ),
      }),
    );
    await expect(store.listJobListings({ by: 'all' })).rejects.toThrow(CorruptItemError);
    await expect(store.listJobListings({ by: 'all' })).rejects.toThrow(/odd/);
  });
});

describe('a table created before the listing index', () => {
  it('still lists every job, from gsi3, with the same cursors', async () => {
    const older = `${tableName}-old`;
    await dynamo.client.send(
      new CreateTableCommand({
        ...tableDefinition,
        TableName: older,
        GlobalSecondaryIndexes: tableDefinition.GlobalSecondaryIndexes?.filter(
          (i) => i.IndexName !== INDEX.listing,
        ),
      }),
    );
    const oldStore = new DynamoJobStore({
      client: dynamo.client,
      tableName: older,
      clock: () => T0,
    });
    await expect
      .poll(async () => {
        try {
          return (await oldStore.listJobListings({ by: 'all' })).items.length;
        } catch {
          return -1;
        }
      })
      .toBe(0);
    for (let i = 0; i < 3; i++) await oldStore.putDesired(desired(`old-${i}`), { actor: 'alice' });
    const first = await oldStore.listJobListings({ by: 'all' }, { limit: 2 });
    const rest = await oldStore.listJobListings(
      { by: 'all' },
      { limit: 2, ...(first.cursor === undefined ? {} : { cursor: first.cursor }) },
    );
    expect([...first.items, ...rest.items].map((j) => j.name).sort()).toEqual([
      'old-0',
      'old-1',
      'old-2',
    ]);
    expect(rest.cursor).toBeUndefined();
  });

  it('refuses a cursor of another listing, as before', async () => {
    await runningJob('one');
    await runningJob('two');
    const { cursor } = await store.listJobListings({ by: 'team', team: 'payments' }, { limit: 1 });
    expect(cursor).toBeDefined();
    await expect(
      store.listJobListings({ by: 'all' }, { limit: 1, cursor: cursor ?? '' }),
    ).rejects.toThrow(InvalidPageRequestError);
  });

  it('lets other failures of the listing index through', async () => {
    const missing = new DynamoJobStore({
      client: dynamo.client,
      tableName: `${tableName}-missing`,
    });
    await expect(missing.listJobListings({ by: 'all' })).rejects.toThrow(/failed/);
  });
});
