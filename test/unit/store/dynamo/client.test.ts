import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoTable, failureName } from '../../../../functions/store/dynamo/client.js';
import { StoreUnavailableError } from '../../../../functions/core/ports/index.js';
import { DynamoIdempotencyStore } from '../../../../functions/store/idempotency.js';
import { createTable, startDynalite, type LocalDynamo } from '../../../support/dynalite.js';

let dynamo: LocalDynamo;
let table: DynamoTable;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(async () => {
  const tableName = `fjc-${randomUUID()}`;
  await createTable(dynamo.client, tableName);
  table = new DynamoTable(dynamo.client, tableName);
});

const key = { pk: 'TEST#1', sk: 'TEST' };
const absent = {
  ConditionExpression: 'attribute_not_exists(#pk)',
  ExpressionAttributeNames: { '#pk': 'pk' },
};

describe('DynamoTable', () => {
  it('answers a lost condition with a value instead of an error', async () => {
    expect(await table.putIf({ Item: { ...key, n: 1 }, ...absent })).toBe(true);
    expect(await table.putIf({ Item: { ...key, n: 2 }, ...absent })).toBe(false);
    expect(
      await table.updateIf({
        Key: key,
        UpdateExpression: 'SET n = :n',
        ConditionExpression: 'n = :expected',
        ExpressionAttributeValues: { ':n': 3, ':expected': 2 },
      }),
    ).toBeUndefined();
    expect(
      await table.updateIf({
        Key: key,
        UpdateExpression: 'SET n = :n',
        ConditionExpression: 'n = :expected',
        ExpressionAttributeValues: { ':n': 3, ':expected': 1 },
      }),
    ).toEqual({ ...key, n: 3 });
    expect(await table.deleteIf({ Key: key, ...absent })).toBe(false);
    expect(await table.get(key)).toEqual({ ...key, n: 3 });
    expect(await table.deleteIf({ Key: key, ConditionExpression: 'attribute_exists(pk)' })).toBe(
      true,
    );
    expect(await table.get(key)).toBeUndefined();
  });

  it('turns every other failure into StoreUnavailableError, keeping the SDK error as cause', async () => {
    const missing = new DynamoTable(dynamo.client, 'no-such-table');
    const failures = await Promise.all([
      missing.get(key).catch((e: unknown) => e),
      missing.put({ Item: key }).catch((e: unknown) => e),
      missing.putIf({ Item: key, ...absent }).catch((e: unknown) => e),
      missing.deleteIf({ Key: key, ...absent }).catch((e: unknown) => e),
      missing
        .query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'x' } })
        .catch((e: unknown) => e),
    ]);
    for (const error of failures) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toContain('ResourceNotFoundException');
      expect(failureName(error)).toBe('ResourceNotFoundException');
    }
  });

  it('is what the idempotency store fails through too', async () => {
    const keys = new DynamoIdempotencyStore({ client: dynamo.client, tableName: 'no-such-table' });
    await expect(keys.reserve('alice', 'k', 'fp', new Date())).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});
