/**
 * The restore bookkeeping on a job's status (checkpointLocation, restorePoint and the
 * NEEDS_RESTORE_POINT phase) came after the first release: new items carry it, items written
 * before read back as they were.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoJobStore } from '../../../functions/store/index.js';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import { T0, at, desired, newStore } from './fixtures.js';

let dynamo: LocalDynamo;
let store: DynamoJobStore;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  ({ store, tableName } = await newStore(dynamo, { clock: () => T0 }));
});
afterAll(async () => {
  await dynamo.stop();
});

const restorePoint = {
  source: 'checkpoint' as const,
  path: 'file:/chk/aaaa/chk-62',
  at: at(100).toISOString(),
  reason: 'newest completed checkpoint on storage',
};

describe('restore bookkeeping on the status', () => {
  it('is written, read back and cleared', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    const written = await store.transition(
      'orders',
      1,
      { phase: 'NEEDS_RESTORE_POINT', checkpointLocation: 'file:/chk/aaaa', restorePoint },
      { actor: 'worker', action: 'test' },
      at(1000),
    );
    expect(written.status).toMatchObject({
      phase: 'NEEDS_RESTORE_POINT',
      checkpointLocation: 'file:/chk/aaaa',
      restorePoint,
    });
    expect((await store.getJob('orders'))?.status).toMatchObject({
      checkpointLocation: 'file:/chk/aaaa',
      restorePoint,
    });
    const cleared = await store.transition(
      'orders',
      written.version,
      { phase: 'STABLE', checkpointLocation: null, restorePoint: null },
      { actor: 'worker', action: 'test' },
      at(2000),
    );
    expect(cleared.status.checkpointLocation).toBeUndefined();
    expect(cleared.status.restorePoint).toBeUndefined();
  });

  it('is absent from items written before it existed, which still read', async () => {
    await store.putDesired(desired('legacy'), { actor: 'alice' });
    const key = { pk: { S: 'JOB#legacy' }, sk: { S: 'JOB' } };
    const item = (await dynamo.client.send(new GetItemCommand({ TableName: tableName, Key: key })))
      .Item;
    if (!item?.status?.M) throw new Error('no job item');
    // The status map exactly as the previous version wrote it: no restore fields at all.
    expect(Object.keys(item.status.M).sort()).toEqual(['attempt', 'phase']);
    item.status.M.jobId = { S: 'b'.repeat(32) };
    item.status.M.restoredFrom = { S: 'file:/sp/1' };
    await dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    const record = await store.getJob('legacy');
    expect(record?.status).toEqual({
      phase: 'PENDING',
      attempt: 0,
      jobId: 'b'.repeat(32),
      restoredFrom: 'file:/sp/1',
    });
  });
});
