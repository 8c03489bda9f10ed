import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoJobStore, type DynamoJobStoreOptions } from '../../../functions/store/index.js';
import type { DesiredJob, JobListing, JobRecord } from '../../../functions/core/model/index.js';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createTable, startDynalite, type LocalDynamo } from '../../support/dynalite.js';

/** A fresh table per test file keeps tests independent without restarting dynalite. */
export async function newStore(
  dynamo: LocalDynamo,
  options: Partial<DynamoJobStoreOptions> = {},
): Promise<{ store: DynamoJobStore; tableName: string }> {
  const tableName = `fjc-${randomUUID()}`;
  await createTable(dynamo.client, tableName);
  return { store: new DynamoJobStore({ client: dynamo.client, tableName, ...options }), tableName };
}

/** What {@link useStore} hands each test: dynalite, and a store on a table of its own. */
export interface StoreFixture {
  dynamo: LocalDynamo;
  store: DynamoJobStore;
  tableName: string;
}

/**
 * Registers a store test file's hooks: dynalite once for the file, a fresh table and store
 * (clock at {@link T0}) before each test, handed to `use`. Hooks registered after this call run
 * after the store is built.
 */
export function useStore(use: (fixture: StoreFixture) => void): void {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(async () => {
    use({ dynamo, ...(await newStore(dynamo, { clock: () => T0 })) });
  });
}

export function desired(name: string, overrides: Partial<DesiredJob> = {}): DesiredJob {
  return {
    name,
    team: 'payments',
    clusterRef: 'eu-1',
    spec: { jar: 's3://jars/app.jar', parallelism: 2 },
    specHash: 'hash-1',
    ...overrides,
  };
}

export const T0 = new Date('2025-03-01T10:00:00.000Z');
export const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

/**
 * A client whose audit-item PutItems fail (as if the process died right after the job write),
 * while every other request goes through. Destroy it after use.
 */
export function clientDroppingAuditCopies(dynamo: LocalDynamo): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next) => (args) => {
      const raw = (args.request as { body?: unknown }).body;
      const body = typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array);
      if (body.includes('"type":{"S":"audit"}')) return Promise.reject(new Error('throttled'));
      return next(args);
    },
    { step: 'build' },
  );
  return client;
}

/** What a listing must show of a whole record. */
export function listingOf(r: JobRecord): JobListing {
  return {
    name: r.name,
    team: r.team,
    clusterRef: r.clusterRef,
    specHash: r.specHash,
    generation: r.generation,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    status: {
      phase: r.status.phase,
      ...(r.status.jobId === undefined ? {} : { jobId: r.status.jobId }),
      ...(r.status.newestSavepoint ? { newestSavepoint: r.status.newestSavepoint } : {}),
      ...(r.status.lastError ? { lastError: r.status.lastError } : {}),
    },
  };
}
