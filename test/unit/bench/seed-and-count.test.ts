import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileArtifactSource } from '../../../functions/adapters/file-artifact-source.js';
import { FileCheckpointStorage } from '../../../functions/adapters/file-checkpoint-storage.js';
import { FlinkClients } from '../../../functions/adapters/flink-clients.js';
import { LocalSecretsProvider } from '../../../functions/adapters/secrets/local-secrets-provider.js';
import { reconcile } from '../../../functions/core/reconcile.js';
import { DynamoJobStore } from '../../../functions/store/dynamo-job-store.js';
import { countDynamo, type DynamoCounter } from '../../../scripts/bench/dynamo-counter.js';
import {
  fleetJobId,
  fleetJobName,
  startFlinkFleet,
  type FlinkFleet,
} from '../../../scripts/bench/flink-fleet.js';
import { seedFleet } from '../../../scripts/bench/seed.js';
import { createTable, startDynalite, type LocalDynamo } from '../../support/dynalite.js';

const TABLE = 'fjc-bench-test';
let dynamo: LocalDynamo;
let fleet: FlinkFleet;
let store: DynamoJobStore;
let counter: DynamoCounter;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTable(dynamo.client, TABLE);
  counter = countDynamo(dynamo.client);
  store = new DynamoJobStore({ client: dynamo.client, tableName: TABLE });
  fleet = await startFlinkFleet({ clusters: 2, jobsPerCluster: 3 });
  // Two jobs through the real apply and transitions, four cloned from them.
  await seedFleet(store, {
    urls: fleet.urls,
    jobsPerCluster: 3,
    historyEntries: 6,
    templateJobs: 2,
    client: dynamo.client,
    table: TABLE,
    now: new Date(),
  });
});
afterAll(async () => {
  await fleet.stop();
  await dynamo.stop();
});

describe('the benchmark seeding', () => {
  it('stores every job steady on its cluster: a template and a clone alike', async () => {
    for (const name of [fleetJobName(0, 0), fleetJobName(1, 2)]) {
      const record = await store.getJob(name);
      expect(record?.status.phase).toBe('STABLE');
      expect(record?.status.jobId).toBe(fleetJobId(name));
      expect(record?.status.lastStable?.specHash).toBe(record?.specHash);
      expect(record?.recentHistory).toHaveLength(6);
      expect(record?.clusterRef).toBe(name.slice(0, 'fleet-000'.length));
    }
  });

  it('gives reconcile a steady fleet: one Flink call per cluster, nothing to do', async () => {
    const clients = new FlinkClients(store, new LocalSecretsProvider({ env: {} }));
    fleet.resetCounts();
    const report = await reconcile(
      {
        store,
        flink: (name) => clients.port(name),
        savepointDirectory: (name) => clients.savepointDirectory(name),
        artifacts: new FileArtifactSource(process.cwd()),
        checkpoints: new FileCheckpointStorage(),
        now: () => new Date(),
        newId: () => randomBytes(16).toString('hex'),
        stateMachine: { start: () => Promise.reject(new Error('nothing should start')) },
      },
      { correlationId: 'test' },
    );
    await clients.closeAll();
    expect(report.planned.map((action) => action.kind)).toEqual(new Array(6).fill('none'));
    expect(report.skipped).toEqual([]);
    expect(fleet.counts().byRoute).toEqual({ 'GET /jobs/overview': 2 });
  });
});

describe('the DynamoDB counter', () => {
  it('counts each request by operation with the bytes on the wire, until reset', async () => {
    counter.reset();
    const record = await store.getJob(fleetJobName(0, 1));
    await store.getJob('no-such-job');
    const counts = counter.counts();
    expect(counts.requests).toBe(2);
    expect(counts.byOperation).toEqual({ GetItem: 2 });
    // The item found is several KB of JSON; the answer for the missing one is `{}`.
    expect(counts.bytesRead).toBeGreaterThan(JSON.stringify(record?.spec).length);
    expect(counts.bytesWritten).toBeGreaterThan(0);
    counter.reset();
    expect(counter.counts()).toEqual({
      requests: 0,
      byOperation: {},
      bytesRead: 0,
      bytesWritten: 0,
    });
  });
});
