/**
 * The one item of a job: read it, and write a change of it. Every change — desired state,
 * status, lease — is a single PutItem of the whole item, conditioned on the version the change was
 * computed from (`version = :expected`): no transactions, so concurrent writers serialize on the
 * item and exactly one wins.
 */
import { NotFoundError } from '../commons/errors.js';
import type { JobRecord } from '../core/model/index.js';
import type { Condition, DynamoTable } from './dynamo/client.js';
import { itemToJob, jobToItem } from './items.js';
import { ATTR, jobKey } from './keys.js';

/** Retries of a write whose loss did not invalidate the caller's intent (see putDesired). */
export const MAX_INTENT_RETRIES = 5;

/** The version and generation a refused write found, for the caller's conflict error. */
export interface CurrentVersion {
  version?: number;
  generation?: number;
}

/** Reads and conditional writes of job items. */
export class JobRecords {
  constructor(private readonly table: DynamoTable) {}

  async get(name: string): Promise<JobRecord | undefined> {
    const item = await this.table.get(jobKey(name));
    return item && itemToJob(item);
  }

  /** @throws NotFoundError when there is no such job. */
  async require(name: string): Promise<JobRecord> {
    const current = await this.get(name);
    if (!current) {
      throw new NotFoundError(`Job ${name} does not exist.`, {
        remedy: 'Check the job name, or create the job first.',
      });
    }
    return current;
  }

  /** What a conflict error reports: the job as it is now, or nothing when it is gone. */
  async currentVersion(name: string): Promise<CurrentVersion> {
    const current = await this.get(name);
    return current ? { version: current.version, generation: current.generation } : {};
  }

  /**
   * The one write of a job change: the whole item, conditioned on the version it was computed
   * from (`undefined`: the item must not exist) and on `extra`. Returns false when the condition
   * failed.
   */
  async write(
    record: JobRecord,
    expectedVersion: number | undefined,
    extra?: Condition,
  ): Promise<boolean> {
    const base: Condition =
      expectedVersion === undefined
        ? { expression: 'attribute_not_exists(#pk)', names: { '#pk': ATTR.pk }, values: {} }
        : {
            expression: '#version = :expected',
            names: { '#version': 'version' },
            values: { ':expected': expectedVersion },
          };
    const values = { ...base.values, ...extra?.values };
    return this.table.putIf({
      Item: jobToItem(record),
      ConditionExpression: extra ? `${base.expression} AND ${extra.expression}` : base.expression,
      ExpressionAttributeNames: { ...base.names, ...extra?.names },
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    });
  }
}
