/**
 * The API's {@link IdempotencyStore} on the fjc table: one item per (caller, key) (see
 * {@link idempotencyKey}), expiring through the table's TTL attribute `expiresAt` (epoch seconds).
 * Reads treat an expired item as absent, because DynamoDB deletes expired items only eventually.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  type Reservation,
  type StoredResponse,
} from '../core/ports/index.js';
import { DynamoTable } from './dynamo/client.js';
import { idempotencyKey } from './keys.js';

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** Configuration of {@link DynamoIdempotencyStore}. */
export interface DynamoIdempotencyStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

/** Idempotency keys in the fjc DynamoDB table. */
export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly table: DynamoTable;

  constructor(options: DynamoIdempotencyStoreOptions) {
    this.table = new DynamoTable(options.client, options.tableName);
  }

  async reserve(scope: string, idem: string, fingerprint: string, now: Date): Promise<Reservation> {
    const at = now.getTime();
    // Free when absent, expired, or a reservation of the same request whose holder died.
    const reserved = await this.table.putIf({
      Item: {
        ...idempotencyKey(scope, idem),
        type: 'idempotency',
        fingerprint,
        lockedUntil: at + IDEMPOTENCY_LOCK_MS,
        expiresAt: seconds(at + IDEMPOTENCY_TTL_MS),
      },
      ConditionExpression:
        'attribute_not_exists(pk) OR expiresAt < :nowSeconds OR ' +
        '(attribute_not_exists(#response) AND lockedUntil < :now AND fingerprint = :fingerprint)',
      ExpressionAttributeNames: { '#response': 'response' },
      ExpressionAttributeValues: {
        ':now': at,
        ':nowSeconds': seconds(at),
        ':fingerprint': fingerprint,
      },
    });
    if (reserved) return { state: 'reserved' };
    const item = await this.table.get(idempotencyKey(scope, idem));
    // Gone between the two calls (released): the caller may retry at once.
    if (!item) return { state: 'in-progress' };
    if (item.fingerprint !== fingerprint) return { state: 'mismatch' };
    const response = item.response;
    if (typeof response !== 'string') return { state: 'in-progress' };
    return { state: 'replay', response: JSON.parse(response) as StoredResponse };
  }

  async complete(
    scope: string,
    idem: string,
    fingerprint: string,
    response: StoredResponse,
    now: Date,
  ): Promise<void> {
    await this.table.put({
      Item: {
        ...idempotencyKey(scope, idem),
        type: 'idempotency',
        fingerprint,
        response: JSON.stringify(response),
        lockedUntil: 0,
        expiresAt: seconds(now.getTime() + IDEMPOTENCY_TTL_MS),
      },
    });
  }

  async release(scope: string, idem: string, fingerprint: string): Promise<void> {
    // Never drop a stored response or somebody else's reservation: that delete is refused.
    await this.table.deleteIf({
      Key: idempotencyKey(scope, idem),
      ConditionExpression: 'attribute_not_exists(#response) AND fingerprint = :fingerprint',
      ExpressionAttributeNames: { '#response': 'response' },
      ExpressionAttributeValues: { ':fingerprint': fingerprint },
    });
  }
}
