/**
 * The one place the store talks to the DynamoDB SDK. Every call goes through {@link DynamoTable},
 * which names the table and turns SDK failures into store errors, so the parts of the store
 * (jobs, leases, audit, savepoints, clusters, idempotency keys) only say what to read or write.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../../core/ports/index.js';
import type { ItemKey } from '../keys.js';

/** Keys per BatchGetItem request: DynamoDB's limit. */
const BATCH_GET_LIMIT = 100;
/** Requests per batch before unprocessed keys count as a failure of the table. */
const BATCH_GET_ATTEMPTS = 6;

/** An item as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/** A condition expression with its placeholders, for writes that combine several conditions. */
export interface Condition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** One page of a Query. */
export interface QueryOutput {
  items: Item[];
  lastKey?: Record<string, string>;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The SDK's name of a failure (e.g. `ProvisionedThroughputExceededException`), also when the
 * store has wrapped it: logs name the cause without its message, which may carry ARNs.
 */
export function failureName(error: unknown): string {
  const raw = error instanceof StoreUnavailableError ? error.cause : error;
  return raw instanceof Error ? raw.name : 'unknown';
}

/**
 * The fjc table through the document client. A conditional write whose condition failed answers
 * with a value (`false`, `undefined`) that callers turn into their own conflict; any other failure
 * becomes a {@link StoreUnavailableError}, which callers let through.
 */
export class DynamoTable {
  /** The table name. */
  readonly name: string;
  private readonly doc: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, tableName: string) {
    // Undefined fields of a record are absent attributes, not NULLs: the item format relies on it.
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.name = tableName;
  }

  /** A strongly consistent GetItem; `undefined` when there is no such item. */
  async get(key: ItemKey): Promise<Item | undefined> {
    const out = await this.send(() =>
      this.doc.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true })),
    );
    return out.Item;
  }

  /** An unconditional PutItem (the write cannot be lost, only fail). */
  async put(input: Omit<PutCommandInput, 'TableName'>): Promise<void> {
    await this.send(() => this.doc.send(new PutCommand({ ...input, TableName: this.name })));
  }

  /** A conditional PutItem; false when its condition failed. */
  async putIf(input: Omit<PutCommandInput, 'TableName'>): Promise<boolean> {
    return this.unlessConditionFails(async () => {
      await this.put(input);
      return true;
    }, false);
  }

  /** A conditional UpdateItem; the whole item as written, `undefined` when its condition failed. */
  async updateIf(
    input: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues'>,
  ): Promise<Item | undefined> {
    return this.unlessConditionFails(async () => {
      const out = await this.send(() =>
        this.doc.send(
          new UpdateCommand({ ...input, TableName: this.name, ReturnValues: 'ALL_NEW' }),
        ),
      );
      return out.Attributes ?? {};
    }, undefined);
  }

  /** A conditional DeleteItem; false when its condition failed. */
  async deleteIf(input: Omit<DeleteCommandInput, 'TableName'>): Promise<boolean> {
    return this.unlessConditionFails(async () => {
      await this.send(() => this.doc.send(new DeleteCommand({ ...input, TableName: this.name })));
      return true;
    }, false);
  }

  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<QueryOutput> {
    const out = await this.send(() =>
      this.doc.send(new QueryCommand({ ...input, TableName: this.name })),
    );
    return {
      items: out.Items ?? [],
      ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey as Record<string, string> } : {}),
    };
  }

  /**
   * Eventually consistent BatchGetItem of any number of keys (100 per request, as DynamoDB
   * allows), projected; keys DynamoDB leaves unprocessed (throttling) are asked for again after a
   * short pause. Items that do not exist are simply absent from the answer.
   */
  async batchGet(
    keys: readonly ItemKey[],
    projection: { expression: string; names: Record<string, string> },
  ): Promise<Item[]> {
    const items: Item[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, unknown>[] = keys
        .slice(start, start + BATCH_GET_LIMIT)
        .map((k) => ({ ...k }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_GET_ATTEMPTS)
          throw new StoreUnavailableError(
            `DynamoDB table ${this.name} left ${pending.length} keys unprocessed ${attempt} times.`,
            { remedy: "Retry later; raise the table's read capacity if it keeps happening." },
          );
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const out = await this.send(() =>
          this.doc.send(
            new BatchGetCommand({
              RequestItems: {
                [this.name]: {
                  Keys: pending,
                  ProjectionExpression: projection.expression,
                  ExpressionAttributeNames: projection.names,
                },
              },
            }),
          ),
        );
        items.push(...(out.Responses?.[this.name] ?? []));
        pending = out.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    }
    return items;
  }

  /** A lost condition is an answer (somebody else wrote first), not a failure. */
  private async unlessConditionFails<T, L>(write: () => Promise<T>, lost: L): Promise<T | L> {
    try {
      return await write();
    } catch (error) {
      if (isConditionFailure(error)) return lost;
      throw error;
    }
  }

  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw new StoreUnavailableError(
        `DynamoDB table ${this.name} failed: ${error instanceof Error ? error.name : 'unknown error'}.`,
        { cause: error, remedy: 'Retry later; check the table exists and the role may use it.' },
      );
    }
  }
}
