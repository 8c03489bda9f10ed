import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { JobRecord, PlanningRecord } from '../../../functions/core/model/index.js';
import { CorruptItemError } from '../../../functions/core/ports/index.js';
import type { DynamoJobStore } from '../../../functions/store/index.js';
import { JOB_SHARDS, jobShard } from '../../../functions/store/keys.js';
import type { LocalDynamo } from '../../support/dynalite.js';
import { T0, at, desired, listingOf, useStore } from './fixtures.js';

let dynamo: LocalDynamo;
let store: DynamoJobStore;
let tableName: string;

useStore((fixture) => {
  ({ dynamo, store, tableName } = fixture);
});

/** What the planning projection must hold of a whole record: everything but the lean-outs. */
function lean(record: JobRecord): PlanningRecord {
  const s = record.status;
  const present = <T extends object>(value: T) =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
  return present({
    name: record.name,
    team: record.team,
    clusterRef: record.clusterRef,
    specHash: record.specHash,
    generation: record.generation,
    version: record.version,
    updatedAt: record.updatedAt,
    lease: record.lease,
    specSummary: record.specSummary,
    status: present({
      phase: s.phase,
      attempt: s.attempt,
      jobId: s.jobId,
      lastApplied: s.lastApplied && {
        specHash: s.lastApplied.specHash,
        generation: s.lastApplied.generation,
      },
      lastStable: s.lastStable && {
        specHash: s.lastStable.specHash,
        generation: s.lastStable.generation,
      },
      operation: s.operation && {
        id: s.operation.id,
        kind: s.operation.kind,
        step: s.operation.step,
        startedAt: s.operation.startedAt,
      },
      observed: s.observed,
      jobStartedAt: s.jobStartedAt,
      newestSavepoint: s.newestSavepoint,
      rejected: s.rejected,
      savepointNonce: s.savepointNonce,
      backoff: s.backoff,
    }),
  });
}

/** A job with every status field set, an operation in flight and a lease. */
async function busyJob(name: string): Promise<JobRecord> {
  await store.putDesired(desired(name, { specHash: `hash-${name}` }), { actor: 'alice' });
  const snapshot = { spec: { jar: 'old.jar' }, specHash: 'hash-old', generation: 1 };
  await store.transition(
    name,
    1,
    {
      phase: 'UPGRADING',
      attempt: 3,
      jobId: 'f'.repeat(32),
      lastApplied: snapshot,
      lastStable: snapshot,
      operation: {
        id: 'op-1',
        kind: 'upgrade',
        step: 'await-savepoint',
        startedAt: T0.toISOString(),
        data: { triggerId: 't-1' },
      },
      lastError: { code: 'X', message: 'boom', at: T0.toISOString() },
      observed: { state: 'RUNNING', at: T0.toISOString() },
      jobStartedAt: T0.toISOString(),
      restoredFrom: 's3://sp/1',
      newestSavepoint: { id: 'sp-1', path: 's3://sp/1', at: T0.toISOString() },
      rejected: { specHash: 'hash-bad', reason: 'no such class', at: T0.toISOString() },
      savepointNonce: 2,
      backoff: { attempts: 1, nextAttemptAt: at(30_000).toISOString(), specHash: 'h', reason: 'r' },
      checkpointLocation: 's3://chk/x',
      restorePoint: { source: 'savepoint', path: 's3://sp/1', at: T0.toISOString(), reason: 'r' },
    },
    { actor: 'fjc', action: 'test' },
    T0,
  );
  return store.acquireLease(name, 'worker-1', 60_000, T0);
}

describe('listJobsForPlanning', () => {
  it('lists every job of every shard once, with exactly the planning fields of its record', async () => {
    // Names until every shard holds one, so a shard left out would be noticed.
    const names: string[] = [];
    while (new Set(names.map(jobShard)).size < JOB_SHARDS) names.push(`job-${names.length}`);
    for (const name of names) await store.putDesired(desired(name), { actor: 'alice' });
    const busy = await busyJob('busy');

    const listed = await store.listJobsForPlanning();
    expect(listed.map((r) => r.name).sort()).toEqual([...names, 'busy'].sort());
    const byName = new Map(listed.map((r) => [r.name, r]));
    expect(byName.get('busy')).toEqual(lean(busy));
    for (const name of names) {
      const record = await store.getJob(name);
      expect(record && byName.get(name)).toEqual(record && lean(record));
    }
  });

  it('reads no spec, no history and no operation data', async () => {
    await busyJob('busy');
    const [record] = await store.listJobsForPlanning();
    const text = JSON.stringify(record);
    for (const left of ['jar', 'old.jar', 'recentHistory', 'triggerId', 'boom', 's3://chk/x'])
      expect(text).not.toContain(left);
  });

  it('is empty for an empty table', async () => {
    expect(await store.listJobsForPlanning()).toEqual([]);
  });

  it('reports a malformed job item instead of planning from half of it', async () => {
    await dynamo.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: 'JOB#broken' },
          sk: { S: 'JOB' },
          gsi3pk: { S: 'JOBS#00' },
          gsi3sk: { S: 'JOB#broken' },
          name: { S: 'broken' },
        },
      }),
    );
    await expect(store.listJobsForPlanning()).rejects.toBeInstanceOf(CorruptItemError);
  });
});

describe('spec summaries', () => {
  const summary = (specHash: string) => ({
    format: 1,
    specHash,
    clusterRef: 'eu-1',
    state: 'running' as const,
    savepointNonce: 2,
    savepointInterval: { text: '6h', ms: 21_600_000 },
  });

  it('are stored with the desired spec, kept by transitions, and listed for planning', async () => {
    await store.putDesired(
      { ...desired('a', { specHash: 'h1' }), specSummary: summary('h1') },
      { actor: 'alice' },
    );
    await store.transition('a', 1, { phase: 'RUNNING' }, { actor: 'fjc', action: 't' }, T0);
    expect((await store.getJob('a'))?.specSummary).toEqual(summary('h1'));
    const [listed] = await store.listJobsForPlanning();
    expect(listed?.specSummary).toEqual(summary('h1'));

    // A desired spec stored without one (an older door) does not keep the previous spec's.
    await store.putDesired(desired('a', { specHash: 'h2' }), { actor: 'alice' });
    expect((await store.getJob('a'))?.specSummary).toBeUndefined();
    const [relisted] = await store.listJobsForPlanning();
    expect(relisted).not.toHaveProperty('specSummary');
  });

  it('"off" intervals survive the round trip', async () => {
    const off = { ...summary('h1'), savepointInterval: 'off' as const };
    await store.putDesired(
      { ...desired('a', { specHash: 'h1' }), specSummary: off },
      {
        actor: 'alice',
      },
    );
    expect((await store.getJob('a'))?.specSummary).toEqual(off);
  });

  it('one that does not decode is dropped, and the item still reads', async () => {
    for (const [name, bad] of [
      ['a', 'not json'],
      ['b', '[1, "h"]'],
    ] as const) {
      await store.putDesired(
        { ...desired(name, { specHash: 'h1' }), specSummary: summary('h1') },
        { actor: 'alice' },
      );
      await dynamo.client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: `JOB#${name}` }, sk: { S: 'JOB' } },
          UpdateExpression: 'SET specSummary = :s',
          ExpressionAttributeValues: { ':s': { S: bad } },
        }),
      );
      expect((await store.getJob(name))?.specSummary).toBeUndefined();
    }
    const listed = await store.listJobsForPlanning();
    expect(listed.map((r) => r.specSummary)).toEqual([undefined, undefined]);
  });
});

describe('getStoredSpecs', () => {
  it('reads the desired spec, and the last applied one only when asked', async () => {
    await busyJob('busy');
    await store.putDesired(desired('fresh', { spec: { jar: 'fresh.jar' } }), { actor: 'alice' });
    const desiredOnly = await store.getStoredSpecs(['busy', 'fresh']);
    expect(desiredOnly.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'busy', specHash: 'hash-busy', spec: { jar: 's3://jars/app.jar', parallelism: 2 } },
      { name: 'fresh', specHash: 'hash-1', spec: { jar: 'fresh.jar' } },
    ]);
    const both = await store.getStoredSpecs(['busy', 'fresh'], { lastApplied: true });
    expect(both.find((s) => s.name === 'busy')?.lastApplied).toEqual({
      specHash: 'hash-old',
      spec: { jar: 'old.jar' },
    });
    // A job never applied has nothing to add.
    expect(both.find((s) => s.name === 'fresh')).not.toHaveProperty('lastApplied');
  });

  it('leaves out jobs that do not exist, and reads more than one batch (100 keys)', async () => {
    const names = Array.from({ length: 130 }, (_, i) => `job-${i}`);
    for (const name of names)
      await store.putDesired(desired(name, { specHash: `h-${name}` }), { actor: 'alice' });
    const specs = await store.getStoredSpecs([...names, 'gone', 'job-1']);
    expect(specs.map((s) => s.name).sort()).toEqual([...names].sort());
    expect(specs.every((s) => s.specHash === `h-${s.name}`)).toBe(true);
  });

  it('reads nothing for no names', async () => {
    expect(await store.getStoredSpecs([])).toEqual([]);
  });
});

describe('listJobListings', () => {
  /** What a listing must show of a whole record. */
  const listing = listingOf;

  it('pages through every scope as the whole listings do, showing only the listing fields', async () => {
    const busy = await busyJob('busy');
    for (let i = 0; i < 12; i++)
      await store.putDesired(
        desired(`job-${i}`, { team: i % 2 ? 'payments' : 'search', clusterRef: `c-${i % 3}` }),
        { actor: 'alice' },
      );
    const scopes = [
      { by: 'all' as const },
      { by: 'team' as const, team: 'payments' },
      { by: 'cluster' as const, clusterRef: 'c-1' },
    ];
    for (const scope of scopes) {
      const whole =
        scope.by === 'all'
          ? (p: { limit: number; cursor?: string }) => store.listJobs(p)
          : scope.by === 'team'
            ? (p: { limit: number; cursor?: string }) => store.listJobsByTeam(scope.team, p)
            : (p: { limit: number; cursor?: string }) =>
                store.listJobsByCluster(scope.clusterRef, p);
      let cursor: string | undefined;
      let pages = 0;
      do {
        const request = { limit: 3, ...(cursor === undefined ? {} : { cursor }) };
        const [lean, full] = await Promise.all([
          store.listJobListings(scope, request),
          whole(request),
        ]);
        expect(lean.items).toEqual(full.items.map(listing));
        expect(lean.cursor).toEqual(full.cursor);
        cursor = lean.cursor;
        pages++;
      } while (cursor !== undefined);
      expect(pages).toBeGreaterThan(1);
    }
    const [shown] = (await store.listJobListings({ by: 'team', team: 'payments' })).items.filter(
      (j) => j.name === 'busy',
    );
    expect(shown).toEqual(listing(busy));
    expect(JSON.stringify(shown)).not.toContain('jar');
  });
});
