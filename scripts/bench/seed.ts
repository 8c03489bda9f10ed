/**
 * Fills the store with a fleet in its steady state. The clusters and the first `templateJobs`
 * jobs go through the real paths: each cluster's spec (the FlinkCluster and its jobs) through
 * `applySpecDocuments` as the API and the ingest apply it, then every job through the status
 * transitions a deployment writes (DEPLOYING with its Flink job id, RUNNING, STABLE) and
 * observations until its recent history holds `historyEntries` entries, as a job that has run for
 * a while has. That costs ~10 conditional writes per job (minutes for 10,000 on a loaded
 * machine), so the other jobs are clones of a template job: their own spec validated and hashed
 * as an apply does (`desiredJobOf`), the template's status and history, encoded by the store's
 * own `jobToItem` and written 25 at a time. Audit-trail items are not cloned (nothing measured
 * reads them). Afterwards a reconcile cycle finds every job RUNNING on its cluster and in its
 * desired state: the steady cycle (reconcile-bench.ts checks that it does).
 */
import { FjcError } from '../../functions/commons/errors.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Caller } from '../../functions/core/authorization.js';
import { applySpecDocuments } from '../../functions/core/apply/apply-documents.js';
import { desiredJobOf } from '../../functions/core/desired-job.js';
import type { JobRecord } from '../../functions/core/model/index.js';
import type { JobStore } from '../../functions/core/ports/index.js';
import { validateSpecDocuments, type SpecDocument } from '../../functions/core/spec/index.js';
import { jobToItem } from '../../functions/store/items.js';
import { fleetClusterName, fleetJobId, fleetJobName } from './flink-fleet.js';

/** Options of {@link seedFleet}. */
export interface SeedOptions {
  /** Base url of each cluster, by index (the fleet stand-in's). */
  urls: readonly string[];
  jobsPerCluster: number;
  /** Entries of each job's recent history after seeding (at least 4, at most 10). */
  historyEntries: number;
  now: Date;
  /** Jobs written through the real apply and transitions; the rest are their clones. */
  templateJobs: number;
  /** The client and table under `store`, for the clones' batch writes. */
  client: DynamoDBClient;
  table: string;
  /** Writes in flight at once. */
  concurrency?: number;
}

const ADMIN: Caller = {
  principal: { id: 'bench', admin: true, teams: [] },
  actor: 'bench',
  audit: { info: () => undefined },
  correlationId: 'bench',
};

/** A FlinkJob as a team would write it: the example job's fields, varied per job. */
export function fleetJobDocument(cluster: number, job: number): Record<string, unknown> {
  const name = fleetJobName(cluster, job);
  const team = `team-${String((cluster * 7 + job) % 40).padStart(2, '0')}`;
  return {
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name, labels: { app: `app-${job % 10}`, tier: job % 3 === 0 ? 'gold' : 'silver' } },
    spec: {
      team,
      clusterRef: fleetClusterName(cluster),
      artifact: {
        uri: `s3://fjc-artifacts/${team}/app-${job % 10}/1.${job % 7}.0/app.jar`,
        sha256: fleetJobId(name).repeat(2),
      },
      entryClass: `com.example.app${job % 10}.StreamingJob`,
      args: ['--input', `kafka://events-${job % 20}`, '--output', `s3://fjc-out/${name}/`],
      parallelism: 1 + (job % 4),
      flinkConfiguration: {
        'taskmanager.memory.managed.fraction': '0.2',
        'execution.checkpointing.interval': '60s',
      },
      upgradeMode: 'savepoint',
      savepointPolicy: { interval: '6h', maxCount: 5 },
    },
  };
}

function clusterDocument(index: number, url: string): Record<string, unknown> {
  return {
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkCluster',
    metadata: { name: fleetClusterName(index), labels: { env: 'bench' } },
    spec: { url, auth: { type: 'none' } },
  };
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  each: (item: T) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size)
    await Promise.all(items.slice(start, start + size).map(each));
}

async function settle(store: JobStore, name: string, history: number, now: Date): Promise<void> {
  const at = (offsetMs: number) => new Date(now.getTime() - offsetMs);
  let record = await store.getJob(name);
  if (!record) throw new FjcError(`seeded job ${name} is missing`);
  const snapshot = { spec: record.spec, specHash: record.specHash, generation: record.generation };
  const audit = (action: string) => ({ actor: 'fjc:deploy', action });
  record = await store.transition(
    name,
    record.version,
    { phase: 'DEPLOYING', jobId: fleetJobId(name), attempt: 1 },
    audit('deploy'),
    at(3_600_000),
  );
  record = await store.transition(
    name,
    record.version,
    {
      phase: 'RUNNING',
      lastApplied: snapshot,
      jobStartedAt: at(3_590_000).toISOString(),
      observed: { state: 'RUNNING', at: at(3_590_000).toISOString() },
    },
    audit('deployed'),
    at(3_590_000),
  );
  record = await store.transition(
    name,
    record.version,
    { phase: 'STABLE', lastStable: snapshot },
    audit('stable'),
    at(3_000_000),
  );
  // The first entry was the apply; the rest are what a running job accumulates.
  for (let entry = 4; entry < history; entry++)
    record = await store.transition(
      name,
      record.version,
      { observed: { state: 'RUNNING', at: at(60_000 * (history - entry)).toISOString() } },
      { actor: 'fjc:reconcile', action: 'observe' },
      at(60_000 * (history - entry)),
    );
}

function validated(values: unknown[]): SpecDocument[] {
  const parsed = validateSpecDocuments(values);
  if (!parsed.ok)
    throw new FjcError(`bench spec invalid: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
  return parsed.documents;
}

/** The record of `document`'s job as if it had lived the template's life. */
function cloneOf(template: JobRecord, document: SpecDocument): JobRecord {
  if (document.kind !== 'FlinkJob') throw new FjcError('only jobs are cloned');
  const desired = desiredJobOf(document);
  const snapshot = { spec: desired.spec, specHash: desired.specHash, generation: 1 };
  return {
    ...template,
    ...desired,
    generation: 1,
    status: {
      ...template.status,
      jobId: fleetJobId(desired.name),
      lastApplied: snapshot,
      lastStable: snapshot,
    },
  };
}

/** Seeds `urls.length` clusters with `jobsPerCluster` steady jobs each. */
export async function seedFleet(store: JobStore, options: SeedOptions): Promise<void> {
  const concurrency = options.concurrency ?? 32;
  const clusters = options.urls.map((url, index) => ({ url, index }));
  const all = clusters.flatMap(({ index }) =>
    Array.from({ length: options.jobsPerCluster }, (_, job) => ({ cluster: index, job })),
  );
  const templates = all.slice(0, Math.max(1, Math.min(options.templateJobs, all.length)));
  await applySpecDocuments(
    store,
    validated([
      ...clusters.map(({ url, index }) => clusterDocument(index, url)),
      ...templates.map(({ cluster, job }) => fleetJobDocument(cluster, job)),
    ]),
    ADMIN,
  );
  const templateNames = templates.map(({ cluster, job }) => fleetJobName(cluster, job));
  await inBatches(templateNames, concurrency, (name) =>
    settle(store, name, options.historyEntries, options.now),
  );
  const records: JobRecord[] = [];
  for (const name of templateNames) {
    const record = await store.getJob(name);
    if (!record) throw new FjcError(`seeded job ${name} is missing`);
    records.push(record);
  }

  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const rest = all.slice(templates.length);
  const batches: (typeof rest)[] = [];
  for (let start = 0; start < rest.length; start += 25) batches.push(rest.slice(start, start + 25));
  await inBatches(batches, Math.max(1, Math.floor(concurrency / 4)), async (batch) => {
    const documents = validated(batch.map(({ cluster, job }) => fleetJobDocument(cluster, job)));
    let items = documents.map((document, k) => {
      const template = records[k % records.length];
      if (!template) throw new FjcError('no template job to clone');
      return { PutRequest: { Item: jobToItem(cloneOf(template, document)) } };
    });
    // DynamoDB may leave part of a batch for the caller to send again.
    for (let attempt = 0; items.length > 0; attempt++) {
      if (attempt === 10)
        throw new FjcError('dynalite kept refusing a batch of clones', {
          remedy: 'Run the benchmark again on a less loaded machine.',
        });
      const out = await doc.send(
        new BatchWriteCommand({ RequestItems: { [options.table]: items } }),
      );
      items = (out.UnprocessedItems?.[options.table] ?? []) as typeof items;
    }
  });
}
