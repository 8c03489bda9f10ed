/**
 * {@link IdempotencyStore} on the fjc table: one item per (caller, key), pk
 * `IDEMPOTENCY#<caller>#<key>`, sk `IDEMPOTENCY`, expiring through the table's TTL attribute
 * `expiresAt` (epoch seconds). Reads treat an expired item as absent, because DynamoDB deletes
 * expired items only eventually. The items carry no index attributes, so no listing sees them.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '../store/dynamo-job-store.js';
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  type Reservation,
  type StoredResponse,
} from './idempotency.js';

const SK = 'IDEMPOTENCY';

function key(scope: string, idempotencyKey: string): Record<string, AttributeValue> {
  return { pk: { S: `IDEMPOTENCY#${scope}#${idempotencyKey}` }, sk: { S: SK } };
}

const seconds = (ms: number): string => String(Math.floor(ms / 1000));

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/** Configuration of {@link DynamoIdempotencyStore}. */
export interface DynamoIdempotencyStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

/** Idempotency keys in the fjc DynamoDB table. */
export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;

  constructor(options: DynamoIdempotencyStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  async reserve(scope: string, idem: string, fingerprint: string, now: Date): Promise<Reservation> {
    const at = now.getTime();
    try {
      // Free when absent, expired, or a reservation of the same request whose holder died.
      await this.send(() =>
        this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: {
              ...key(scope, idem),
              type: { S: 'idempotency' },
              fingerprint: { S: fingerprint },
              lockedUntil: { N: String(at + IDEMPOTENCY_LOCK_MS) },
              expiresAt: { N: seconds(at + IDEMPOTENCY_TTL_MS) },
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR expiresAt < :nowSeconds OR ' +
              '(attribute_not_exists(#response) AND lockedUntil < :now AND fingerprint = :fingerprint)',
            ExpressionAttributeNames: { '#response': 'response' },
            ExpressionAttributeValues: {
              ':now': { N: String(at) },
              ':nowSeconds': { N: seconds(at) },
              ':fingerprint': { S: fingerprint },
            },
          }),
        ),
      );
      return { state: 'reserved' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const out = await this.send(() =>
      this.client.send(
        new GetItemCommand({ TableName: this.table, Key: key(scope, idem), ConsistentRead: true }),
      ),
    );
    const item = out.Item;
    // Gone between the two calls (released): the caller may retry at once.
    if (!item) return { state: 'in-progress' };
    if (item.fingerprint?.S !== fingerprint) return { state: 'mismatch' };
    const response = item.response?.S;
    if (response === undefined) return { state: 'in-progress' };
    return { state: 'replay', response: JSON.parse(response) as StoredResponse };
  }

  async complete(
    scope: string,
    idem: string,
    fingerprint: string,
    response: StoredResponse,
    now: Date,
  ): Promise<void> {
    await this.send(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...key(scope, idem),
            type: { S: 'idempotency' },
            fingerprint: { S: fingerprint },
            response: { S: JSON.stringify(response) },
            lockedUntil: { N: '0' },
            expiresAt: { N: seconds(now.getTime() + IDEMPOTENCY_TTL_MS) },
          },
        }),
      ),
    );
  }

  async release(scope: string, idem: string, fingerprint: string): Promise<void> {
    try {
      await this.send(() =>
        this.client.send(
          new DeleteItemCommand({
            TableName: this.table,
            Key: key(scope, idem),
            // Never drop a stored response or somebody else's reservation.
            ConditionExpression: 'attribute_not_exists(#response) AND fingerprint = :fingerprint',
            ExpressionAttributeNames: { '#response': 'response' },
            ExpressionAttributeValues: { ':fingerprint': { S: fingerprint } },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Runs a call; lost conditions pass through, anything else is "store unavailable". */
  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw new StoreUnavailableError(
        `DynamoDB table ${this.table} failed: ${error instanceof Error ? error.name : 'unknown error'}.`,
        { cause: error, remedy: 'Retry later.' },
      );
    }
  }
}
