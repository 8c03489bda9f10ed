/**
 * The ingest test bench: a real S3 protocol server (s3rver) and a real DynamoDB (dynalite) with
 * the DynamoJobStore, the ingest handler wired to both, and helpers that upload or delete a spec
 * and build the EventBridge event S3 would have sent for it (s3rver sends none).
 */
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createObservability } from '../../../functions/commons/observability.js';
import type { IngestContext, IngestOutcome } from '../../../functions/ingest/context.js';
import { S3SpecObjects } from '../../../functions/adapters/s3-spec-objects.js';
import { createIngestHandler } from '../../../functions/handlers/ingest-handler.js';
import { DynamoJobStore } from '../../../functions/store/dynamo-job-store.js';
import type { JobStore, ReconcileTrigger } from '../../../functions/core/ports/index.js';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createTable, startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import { startS3rver, type LocalS3 } from '../../support/s3rver.js';

export const ACCOUNT = '111122223333';
export const NOW = new Date('2025-06-01T12:00:00.000Z');

/** A FlinkCluster document. */
export function clusterYaml(name: string, url = 'http://127.0.0.1:8081'): string {
  return `apiVersion: fjc.dev/v1
kind: FlinkCluster
metadata:
  name: ${name}
spec:
  url: ${url}
`;
}

/** A FlinkJob document; `extra` lines are appended under `spec:` (two-space indented). */
export function jobYaml(name: string, cluster: string, extra = '', team = 'platform'): string {
  return `apiVersion: fjc.dev/v1
kind: FlinkJob
metadata:
  name: ${name}
spec:
  team: ${team}
  clusterRef: ${cluster}
  artifact:
    uri: s3://fjc-artifacts/${name}/${name}-1.0.jar
${extra}`;
}

/** Joins documents into one multi-document YAML file. */
export function yamlFile(...documents: string[]): string {
  return documents.join('---\n');
}

let sequence = 0x1000;
/** A fresh, increasing S3 sequencer (hex, like S3's). */
export function nextSequencer(): string {
  sequence += 1;
  return `00${sequence.toString(16).toUpperCase()}`;
}

/** The event S3 sends to EventBridge for a change of `key`. */
export function s3Event(
  change: 'Object Created' | 'Object Deleted',
  bucket: string,
  key: string,
  object: { size?: number; etag?: string; versionId?: string; sequencer?: string } = {},
): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': change,
    source: 'aws.s3',
    account: ACCOUNT,
    time: NOW.toISOString(),
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: {
        key,
        ...(object.size === undefined ? {} : { size: object.size }),
        ...(object.etag === undefined ? {} : { etag: object.etag }),
        ...(object.versionId === undefined ? {} : { 'version-id': object.versionId }),
        sequencer: object.sequencer ?? nextSequencer(),
      },
      'request-id': 'REQ1',
      requester: ACCOUNT,
      'source-ip-address': '192.0.2.1',
      reason: change === 'Object Created' ? 'PutObject' : 'DeleteObject',
      ...(change === 'Object Deleted' ? { 'deletion-type': 'Permanently Deleted' } : {}),
    },
  };
}

/** Ingest wired to one s3rver bucket and one fresh dynalite table. */
export interface Bench {
  s3: LocalS3;
  store: DynamoJobStore;
  objects: S3SpecObjects;
  observability: ReturnType<typeof createObservability>;
  handler: (event: unknown) => Promise<IngestOutcome>;
  /** Runs the handler with another store (e.g. one that fails) and more context (quotas). */
  handlerWith(
    store: JobStore,
    extra?: Partial<IngestContext>,
  ): (event: unknown) => Promise<IngestOutcome>;
  /** Uploads `body` to `key` and returns the Object Created event for it. */
  upload(key: string, body: string | Uint8Array): Promise<Record<string, unknown>>;
  /** Deletes `key` and returns the Object Deleted event for it. */
  remove(key: string): Promise<Record<string, unknown>>;
  /** The result object of the spec at `specKey`, parsed. */
  result(specKey: string): Promise<Record<string, unknown>>;
  /** Targeted reconciles ingest asked for (the event path), oldest first. */
  reconciles: { jobNames: readonly string[]; correlationId?: string }[];
}

/** Builds a bench on a fresh table, so tests never see each other's jobs. */
export async function newBench(s3: LocalS3, dynamo: LocalDynamo): Promise<Bench> {
  const tableName = `fjc-ingest-${randomUUID()}`;
  await createTable(dynamo.client, tableName);
  const store = new DynamoJobStore({ client: dynamo.client, tableName, clock: () => NOW });
  const objects = new S3SpecObjects(s3.client);
  const observability = createObservability('ingest-test');
  const reconciles: Bench['reconciles'] = [];
  const reconcile: ReconcileTrigger = {
    requestReconcile: (jobNames, correlationId) => {
      reconciles.push({ jobNames, ...(correlationId === undefined ? {} : { correlationId }) });
      return Promise.resolve();
    },
  };
  const handlerWith = (jobStore: JobStore, extra: Partial<IngestContext> = {}) =>
    createIngestHandler({
      ...observability,
      context: (): Promise<Omit<IngestContext, 'logger'>> =>
        Promise.resolve({
          store: jobStore,
          objects,
          now: () => NOW,
          bucket: s3.bucket,
          reconcile,
          ...extra,
        }),
    });
  return {
    reconciles,
    s3,
    store,
    objects,
    observability,
    handler: handlerWith(store),
    handlerWith,
    upload: async (key, body) => {
      const put = await s3.client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }),
      );
      const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      return s3Event('Object Created', s3.bucket, key, {
        size,
        ...(put.ETag === undefined ? {} : { etag: put.ETag.replace(/"/g, '') }),
      });
    },
    remove: async (key) => {
      await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
      return s3Event('Object Deleted', s3.bucket, key);
    },
    result: async (specKey) => {
      const key = `results/${specKey.slice('specs/'.length)}.result.json`;
      const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
      const text = (await out.Body?.transformToString()) ?? '';
      return JSON.parse(text) as Record<string, unknown>;
    },
  };
}

/** Everything the store holds about the given jobs and all clusters, for before/after compares. */
export async function snapshot(store: JobStore, jobNames: readonly string[]): Promise<unknown> {
  const jobs = await Promise.all(
    jobNames.map(async (name) => ({
      job: await store.getJob(name),
      history: (await store.listHistory(name)).items,
      savepoints: (await store.listSavepoints(name)).items,
    })),
  );
  return { jobs, clusters: (await store.listClusters()).items };
}

/** A unique key in the admin scope (`specs/admin/`) for one test: clusters and any team's jobs. */
export function specKey(name: string): string {
  return `specs/admin/${randomUUID().slice(0, 8)}/${name}`;
}

/** A unique key in the scope of `team` (`specs/teams/<team>/`) for one test. */
export function teamKey(team: string, name: string): string {
  return `specs/teams/${team}/${randomUUID().slice(0, 8)}/${name}`;
}

/**
 * Registers an ingest test file's hooks: s3rver and dynalite once for the file, a fresh bench
 * (a fresh table) before each test, handed to `use` with the S3 stand-in. Hooks registered after
 * this call run after the bench is built.
 */
export function useBench(use: (bench: Bench, s3: LocalS3) => void): void {
  let s3: LocalS3;
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    [s3, dynamo] = await Promise.all([startS3rver(), startDynalite()]);
  });
  afterAll(async () => {
    await Promise.all([s3.stop(), dynamo.stop()]);
  });
  beforeEach(async () => {
    use(await newBench(s3, dynamo), s3);
  });
}
