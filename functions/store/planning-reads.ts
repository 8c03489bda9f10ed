/**
 * The lean reads of a reconcile cycle. A job item holds its spec three times (desired, last
 * applied, last stable) and its recent history, about 6.6 KB for a typical job; the planner needs
 * a few hundred bytes of it. So a cycle reads:
 *
 * 1. {@link PlanningReads.list}: the planning projection of every job (keys, version, hashes,
 *    status scalars, lease; no spec, no history), all index shards at once with bounded
 *    concurrency instead of one after another;
 * 2. {@link PlanningReads.specs}: the stored specs only of jobs whose spec hashes the caller has
 *    not parsed before (BatchGetItem, projected): after the first cycle of a warm process, only
 *    jobs whose spec changed.
 *
 * Both are projections of the one job item, so the "one conditional write on one item per
 * transition" rule is untouched: there is no second item to keep in step.
 */
import { z } from 'zod';
import type { PlanningRecord, StoredSpecs } from '../core/model/index.js';
import { CorruptItemError } from '../core/ports/index.js';
import type { DynamoTable, Item } from './dynamo/client.js';
import { OPERATION_FIELDS, STATUS_FIELDS, jsonString } from './items.js';
import { specSummaryItem } from './spec-summary-item.js';
import { INDEX, INDEX_KEYS, JOB_SHARDS, jobKey, jobShardPk } from './keys.js';
import { requireName } from './validate.js';

/**
 * Shards queried at once. 16 in flight would finish a little sooner on DynamoDB, but each answer
 * is up to 1 MB to unmarshal at once; 4 keeps a 256–1024 MB Lambda's heap and event loop calm.
 */
export const SHARD_CONCURRENCY = 4;
/** BatchGetItem requests in flight at once (100 keys each). */
const SPEC_BATCH_CONCURRENCY = 4;

const NAMES = {
  '#name': 'name',
  '#team': 'team',
  '#clusterRef': 'clusterRef',
  '#specHash': 'specHash',
  '#generation': 'generation',
  '#version': 'version',
  '#updatedAt': 'updatedAt',
  '#leaseOwner': 'leaseOwner',
  '#leaseExpiresAt': 'leaseExpiresAt',
  '#status': 'status',
  '#phase': 'phase',
  '#attempt': 'attempt',
  '#jobId': 'jobId',
  '#lastApplied': 'lastApplied',
  '#lastStable': 'lastStable',
  '#operation': 'operation',
  '#id': 'id',
  '#kind': 'kind',
  '#step': 'step',
  '#startedAt': 'startedAt',
  '#observed': 'observed',
  '#jobStartedAt': 'jobStartedAt',
  '#newestSavepoint': 'newestSavepoint',
  '#rejected': 'rejected',
  '#savepointNonce': 'savepointNonce',
  '#backoff': 'backoff',
  '#specJson': 'specJson',
  '#specSummary': 'specSummary',
};

/** A projection of `paths`; its placeholder names are exactly the `#name`s the paths use. */
function projectionOf(paths: string[]): { expression: string; names: Record<string, string> } {
  const expression = paths.join(', ');
  const used = new Set(expression.match(/#\w+/g) ?? []);
  return {
    expression,
    names: Object.fromEntries([...used].map((n) => [n, NAMES[n as keyof typeof NAMES]])),
  };
}

/** The planning projection: exactly the attributes {@link PlanningRecord} maps. */
export const PLANNING_PROJECTION = projectionOf([
  '#name',
  '#team',
  '#clusterRef',
  '#specHash',
  '#generation',
  '#version',
  '#updatedAt',
  '#leaseOwner',
  '#leaseExpiresAt',
  '#status.#phase',
  '#status.#attempt',
  '#status.#jobId',
  '#status.#lastApplied.#specHash',
  '#status.#lastApplied.#generation',
  '#status.#lastStable.#specHash',
  '#status.#lastStable.#generation',
  '#status.#operation.#id',
  '#status.#operation.#kind',
  '#status.#operation.#step',
  '#status.#operation.#startedAt',
  '#status.#observed',
  '#status.#jobStartedAt',
  '#status.#newestSavepoint',
  '#status.#rejected',
  '#status.#savepointNonce',
  '#status.#backoff',
  '#specSummary',
]);

const DESIRED_SPEC_PATHS = ['#name', '#specHash', '#specJson'];
const DESIRED_SPEC_PROJECTION = projectionOf(DESIRED_SPEC_PATHS);
const BOTH_SPECS_PROJECTION = projectionOf([
  ...DESIRED_SPEC_PATHS,
  '#status.#lastApplied.#specHash',
  '#status.#lastApplied.#specJson',
]);

const ref = z.object({ specHash: z.string(), generation: z.number() });

const planningItem = z.object({
  name: z.string(),
  team: z.string(),
  clusterRef: z.string(),
  specHash: z.string(),
  generation: z.number(),
  version: z.number(),
  updatedAt: z.string(),
  leaseOwner: z.string().optional(),
  leaseExpiresAt: z.number().optional(),
  specSummary: specSummaryItem,
  status: z.object({
    ...STATUS_FIELDS,
    lastApplied: ref.optional(),
    lastStable: ref.optional(),
    operation: z.object(OPERATION_FIELDS).optional(),
  }),
});

const specsItem = z.object({
  name: z.string(),
  specHash: z.string(),
  specJson: jsonString,
  status: z
    .object({
      lastApplied: z.object({ specHash: z.string(), specJson: jsonString }).optional(),
    })
    .optional(),
});

function corrupt(item: Item, error: z.ZodError): CorruptItemError {
  const where = error.issues.map((issue) => issue.path.join('.')).join(', ');
  return new CorruptItemError(`Stored job item ${String(item.name)} is malformed (${where}).`, {
    remedy: 'Restore the item from a backup or delete it; it was not written by this version.',
  });
}

/** Maps a planning projection back to the lean record; absent optionals stay absent. */
export function itemToPlanning(item: Item): PlanningRecord {
  const parsed = planningItem.safeParse(item);
  if (!parsed.success) throw corrupt(item, parsed.error);
  const { leaseOwner, leaseExpiresAt, status, specSummary, ...rest } = parsed.data;
  const s: PlanningRecord['status'] = { phase: status.phase, attempt: status.attempt };
  // Only the keys present are copied: a record read whole (itemToJob) has no `undefined` members
  // either, and the planner's equivalence test compares the two.
  for (const key of [
    'jobId',
    'lastApplied',
    'lastStable',
    'operation',
    'observed',
    'jobStartedAt',
    'newestSavepoint',
    'rejected',
    'savepointNonce',
    'backoff',
  ] as const) {
    if (status[key] !== undefined) (s as unknown as Record<string, unknown>)[key] = status[key];
  }
  return {
    ...rest,
    ...(specSummary === undefined ? {} : { specSummary }),
    status: s,
    ...(leaseOwner === undefined || leaseExpiresAt === undefined
      ? {}
      : { lease: { owner: leaseOwner, expiresAt: new Date(leaseExpiresAt).toISOString() } }),
  };
}

/** Runs `task` over `inputs` with at most `limit` in flight; results in input order. */
async function bounded<I, O>(
  inputs: readonly I[],
  limit: number,
  task: (input: I) => Promise<O>,
): Promise<O[]> {
  const results = new Array<O>(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await task(inputs[index] as I);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

/** The lean reads of a reconcile cycle. */
export class PlanningReads {
  constructor(private readonly table: DynamoTable) {}

  /** Every job's planning projection; the shards are read in parallel, in name order each. */
  async list(): Promise<PlanningRecord[]> {
    const shards = Array.from({ length: JOB_SHARDS }, (_, shard) => shard);
    const perShard = await bounded(shards, SHARD_CONCURRENCY, (shard) => this.shard(shard));
    return perShard.flat();
  }

  private async shard(shard: number): Promise<PlanningRecord[]> {
    const keys = INDEX_KEYS.byKind;
    const records: PlanningRecord[] = [];
    let key: Record<string, string> | undefined;
    do {
      const out = await this.table.query({
        IndexName: INDEX.byKind,
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: PLANNING_PROJECTION.expression,
        ExpressionAttributeNames: { '#pk': keys.partition, ...PLANNING_PROJECTION.names },
        ExpressionAttributeValues: { ':pk': jobShardPk(shard) },
        ExclusiveStartKey: key,
      });
      for (const item of out.items) records.push(itemToPlanning(item));
      key = out.lastKey;
    } while (key !== undefined);
    return records;
  }

  /**
   * The stored specs of `names` (see the port's `getStoredSpecs`); the last applied one only
   * when asked, as it is the same spec as the desired one for every job at rest.
   */
  async specs(names: readonly string[], lastApplied: boolean): Promise<StoredSpecs[]> {
    const projection = lastApplied ? BOTH_SPECS_PROJECTION : DESIRED_SPEC_PROJECTION;
    for (const name of names) requireName(name, 'name');
    const unique = [...new Set(names)];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
    const answers = await bounded(chunks, SPEC_BATCH_CONCURRENCY, (chunk) =>
      this.table.batchGet(chunk.map(jobKey), projection),
    );
    return answers.flat().map((item) => {
      const parsed = specsItem.safeParse(item);
      if (!parsed.success) throw corrupt(item, parsed.error);
      const { name, specHash, specJson, status } = parsed.data;
      const applied = status?.lastApplied;
      return {
        name,
        specHash,
        spec: specJson,
        ...(applied ? { lastApplied: { specHash: applied.specHash, spec: applied.specJson } } : {}),
      };
    });
  }
}
