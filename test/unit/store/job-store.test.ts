import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
} from '../../../functions/commons/errors.js';
import { DynamoJobStore, timeToLiveAttribute } from '../../../functions/store/index.js';
import {
  CorruptItemError,
  SavepointStateError,
  StoreUnavailableError,
  VersionConflictError,
} from '../../../functions/core/ports/index.js';
import { RECENT_HISTORY_SIZE } from '../../../functions/core/model/index.js';
import { jobShard } from '../../../functions/store/keys.js';
import type { LocalDynamo } from '../../support/dynalite.js';
import { T0, at, clientDroppingAuditCopies, desired, newStore, useStore } from './fixtures.js';

let dynamo: LocalDynamo;
let store: DynamoJobStore;
let tableName: string;

useStore((fixture) => {
  ({ dynamo, store, tableName } = fixture);
});

describe('putDesired', () => {
  it('creates a job at generation 1, version 1, PENDING', async () => {
    const result = await store.putDesired(desired('orders'), { actor: 'alice' });
    expect(result).toMatchObject({ created: true, changed: true });
    expect(result.record).toMatchObject({
      name: 'orders',
      team: 'payments',
      clusterRef: 'eu-1',
      spec: { jar: 's3://jars/app.jar', parallelism: 2 },
      specHash: 'hash-1',
      generation: 1,
      version: 1,
      status: { phase: 'PENDING', attempt: 0 },
      createdAt: T0.toISOString(),
    });
    expect(await store.getJob('orders')).toEqual(result.record);
  });

  it('returns undefined for a job that does not exist', async () => {
    expect(await store.getJob('nope')).toBeUndefined();
  });

  it('does not bump the generation (nor write) when the specHash is unchanged', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    const again = await store.putDesired(desired('orders', { spec: { reordered: true } }), {
      actor: 'alice',
    });
    expect(again).toMatchObject({ created: false, changed: false });
    expect(again.record).toMatchObject({ generation: 1, version: 1 });
  });

  it('bumps the generation when the specHash or the cluster changes', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    const spec = await store.putDesired(desired('orders', { specHash: 'hash-2', spec: { v: 2 } }), {
      actor: 'alice',
    });
    expect(spec.record).toMatchObject({ generation: 2, version: 2, spec: { v: 2 } });
    const moved = await store.putDesired(
      desired('orders', { specHash: 'hash-2', spec: { v: 2 }, clusterRef: 'eu-2' }),
      { actor: 'alice' },
    );
    expect(moved.record).toMatchObject({ generation: 3, version: 3, clusterRef: 'eu-2' });
  });

  it('changes the team without bumping the generation', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    const result = await store.putDesired(desired('orders', { team: 'risk' }), { actor: 'bob' });
    expect(result).toMatchObject({
      changed: true,
      record: { team: 'risk', generation: 1, version: 2 },
    });
    expect((await store.listJobsByTeam('risk')).items.map((j) => j.name)).toEqual(['orders']);
    expect((await store.listJobsByTeam('payments')).items).toEqual([]);
  });

  it('enforces expectedGeneration (If-Match), with 0 meaning "must not exist"', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice', expectedGeneration: 0 });
    await expect(
      store.putDesired(desired('orders'), { actor: 'alice', expectedGeneration: 0 }),
    ).rejects.toMatchObject({ code: 'VERSION_CONFLICT', currentGeneration: 1, currentVersion: 1 });
    const ok = await store.putDesired(desired('orders', { specHash: 'hash-2' }), {
      actor: 'alice',
      expectedGeneration: 1,
    });
    expect(ok.record.generation).toBe(2);
    const stale = store.putDesired(desired('orders', { specHash: 'hash-3' }), {
      actor: 'bob',
      expectedGeneration: 1,
    });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(
      store.putDesired(desired('missing'), { actor: 'bob', expectedGeneration: 4 }),
    ).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('is not refused because the status changed concurrently (no If-Match)', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    await store.transition('orders', 1, { phase: 'DEPLOYING' }, { actor: 'w', action: 'deploy' });
    const result = await store.putDesired(desired('orders', { specHash: 'hash-2' }), {
      actor: 'alice',
    });
    expect(result.record).toMatchObject({
      generation: 2,
      version: 3,
      status: { phase: 'DEPLOYING' },
    });
  });

  it('lets exactly one of concurrent creators with expectedGeneration 0 win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.putDesired(desired('orders', { specHash: `h${i}` }), {
          actor: `u${i}`,
          expectedGeneration: 0,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(ConflictError);
    }
  });

  it('turns a lost create race without If-Match into an update', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.putDesired(desired('orders', { specHash: `h${i}` }), { actor: `u${i}` }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const stored = await store.getJob('orders');
    // Every put was applied in some order: 1 create + 4 spec changes.
    expect(stored?.generation).toBe(5);
    expect(stored?.recentHistory).toHaveLength(5);
  });

  it('validates its input and names the field', async () => {
    await expect(store.putDesired(desired(''), { actor: 'alice' })).rejects.toMatchObject({
      issues: [{ path: 'name' }],
    });
    await expect(
      store.putDesired(desired('x', { spec: [] as unknown as Record<string, unknown> }), {
        actor: 'a',
      }),
    ).rejects.toMatchObject({ issues: [{ path: 'spec' }] });
    await expect(
      store.putDesired(desired('x', { spec: { big: 'x'.repeat(200 * 1024) } }), { actor: 'a' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      store.putDesired(desired('x'), { actor: 'a', expectedGeneration: -1 }),
    ).rejects.toMatchObject({ issues: [{ path: 'expectedGeneration' }] });
    await expect(
      store.putDesired(desired('x'), { actor: 'a', details: { big: 'x'.repeat(5000) } }),
    ).rejects.toMatchObject({ issues: [{ path: 'details' }] });
  });
});

describe('transition', () => {
  beforeEach(async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
  });

  it('applies a patch, bumps the version and records the audit entry', async () => {
    const operation = {
      id: 'op-1',
      kind: 'deploy' as const,
      step: 'jobId-recorded',
      startedAt: at(1).toISOString(),
      data: { jarId: 'abc' },
    };
    const next = await store.transition(
      'orders',
      1,
      { phase: 'DEPLOYING', jobId: 'a'.repeat(32), attempt: 1, operation },
      { actor: 'worker-1', action: 'deploy.started', details: { attempt: 1 } },
      at(1),
    );
    expect(next).toMatchObject({
      version: 2,
      updatedAt: at(1).toISOString(),
      status: { phase: 'DEPLOYING', jobId: 'a'.repeat(32), attempt: 1, operation },
    });
    expect(next.recentHistory.at(-1)).toEqual({
      version: 2,
      actor: 'worker-1',
      action: 'deploy.started',
      at: at(1).toISOString(),
      details: { attempt: 1 },
    });
    expect(await store.getJob('orders')).toEqual(next);
  });

  it('clears fields set to null and accepts a function of the current record', async () => {
    const applied = { spec: { v: 1 }, specHash: 'hash-1', generation: 1 };
    await store.transition(
      'orders',
      1,
      {
        phase: 'RUNNING',
        lastApplied: applied,
        lastError: { code: 'E', message: 'boom', at: T0.toISOString() },
        observed: { state: 'RUNNING', at: T0.toISOString() },
        operation: { id: 'o', kind: 'deploy', step: 's', startedAt: T0.toISOString() },
      },
      { actor: 'w', action: 'running' },
    );
    const next = await store.transition(
      'orders',
      2,
      (current) => ({
        phase: 'STABLE',
        lastStable: current.status.lastApplied ?? null,
        lastError: null,
        operation: null,
        jobId: null,
      }),
      { actor: 'w', action: 'stable' },
    );
    expect(next.status).toEqual({
      phase: 'STABLE',
      attempt: 0,
      lastApplied: applied,
      lastStable: applied,
      observed: { state: 'RUNNING', at: T0.toISOString() },
    });
    const cleared = await store.transition(
      'orders',
      3,
      { lastApplied: null, lastStable: null, observed: null },
      { actor: 'w', action: 'reset' },
    );
    expect(cleared.status).toEqual({ phase: 'STABLE', attempt: 0 });
  });

  it('stores savepoint lineage, rejection and nonce fields of the status', async () => {
    const next = await store.transition(
      'orders',
      1,
      {
        jobStartedAt: at(1).toISOString(),
        restoredFrom: 's3://sp/1',
        newestSavepoint: { id: 'sp-1', path: 's3://sp/2', at: at(2).toISOString() },
        rejected: { specHash: 'hash-0', reason: 'not stable', at: at(3).toISOString() },
        savepointNonce: 4,
      },
      { actor: 'w', action: 'x' },
    );
    expect(await store.getJob('orders')).toEqual(next);
    const cleared = await store.transition(
      'orders',
      2,
      {
        jobStartedAt: null,
        restoredFrom: null,
        newestSavepoint: { path: 's3://sp/3', at: at(4).toISOString() },
        rejected: null,
        savepointNonce: null,
      },
      { actor: 'w', action: 'y' },
    );
    expect(cleared.status).toEqual({
      phase: 'PENDING',
      attempt: 0,
      newestSavepoint: { path: 's3://sp/3', at: at(4).toISOString() },
    });
    expect(await store.getJob('orders')).toEqual(cleared);
    await expect(
      store.transition('orders', 3, { savepointNonce: -1 }, { actor: 'w', action: 'z' }),
    ).rejects.toMatchObject({ issues: [{ path: 'savepointNonce' }] });
  });

  it('refuses a stale expected version without writing', async () => {
    await expect(
      store.transition('orders', 7, { phase: 'RUNNING' }, { actor: 'w', action: 'x' }),
    ).rejects.toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 1 });
    expect((await store.getJob('orders'))?.version).toBe(1);
  });

  it('lets exactly one of 20 concurrent writers with the same expected version win', async () => {
    const writers = Array.from({ length: 20 }, (_, i) =>
      store.transition(
        'orders',
        1,
        { phase: 'DEPLOYING', jobId: `writer-${i}` },
        { actor: `worker-${i}`, action: 'deploy.started' },
      ),
    );
    const results = await Promise.allSettled(writers);
    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r) => r.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const loser of losers) {
      expect(loser.reason).toBeInstanceOf(ConflictError);
      expect((loser.reason as VersionConflictError).currentVersion).toBe(2);
    }
    const stored = await store.getJob('orders');
    expect(stored?.version).toBe(2);
    expect(stored?.status.jobId).toBe(
      (winners[0] as PromiseFulfilledResult<{ status: { jobId: string } }>).value.status.jobId,
    );
    // The audit trail has exactly one entry for version 2: no loser left a trace.
    const history = await store.listHistory('orders');
    expect(history.items.filter((e) => e.version === 2)).toHaveLength(1);
  });

  it('keeps only the last entries in the record but every entry in the audit trail', async () => {
    let version = 1;
    for (let i = 0; i < RECENT_HISTORY_SIZE + 3; i++) {
      version = (
        await store.transition('orders', version, {}, { actor: 'w', action: `step-${i}` }, at(i))
      ).version;
    }
    const record = await store.getJob('orders');
    expect(record?.recentHistory).toHaveLength(RECENT_HISTORY_SIZE);
    expect(record?.recentHistory.at(-1)?.action).toBe(`step-${RECENT_HISTORY_SIZE + 2}`);
    const history = await store.listHistory('orders', { limit: 1000 });
    expect(history.items).toHaveLength(RECENT_HISTORY_SIZE + 4);
  });

  it('fails with NotFoundError for an unknown job and validates the patch', async () => {
    await expect(
      store.transition('nope', 1, {}, { actor: 'w', action: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      store.transition('orders', 1, { phase: 'DANCING' as never }, { actor: 'w', action: 'x' }),
    ).rejects.toMatchObject({ issues: [{ path: 'phase' }] });
    await expect(
      store.transition(
        'orders',
        1,
        { operation: { id: 'o', kind: 'explode' as never, step: 's', startedAt: 'x' } },
        { actor: 'w', action: 'x' },
      ),
    ).rejects.toMatchObject({ issues: [{ path: 'operation.kind' }] });
    await expect(
      store.transition(
        'orders',
        1,
        {
          operation: {
            id: 'o',
            kind: 'deploy',
            step: 's',
            startedAt: 'x',
            data: { blob: 'x'.repeat(5000) },
          },
        },
        { actor: 'w', action: 'x' },
      ),
    ).rejects.toMatchObject({ issues: [{ path: 'operation.data' }] });
    await expect(
      store.transition('orders', 1, { attempt: -1 }, { actor: 'w', action: 'x' }),
    ).rejects.toMatchObject({ issues: [{ path: 'attempt' }] });
    await expect(
      store.transition('orders', 0, {}, { actor: 'w', action: 'x' }),
    ).rejects.toMatchObject({ issues: [{ path: 'expectedVersion' }] });
    await expect(
      store.transition('orders', 1, {}, { actor: '', action: 'x' }),
    ).rejects.toMatchObject({ issues: [{ path: 'audit.actor' }] });
    await expect(
      store.transition(
        'orders',
        1,
        {},
        { actor: 'w', action: 'x', details: { b: 'x'.repeat(5000) } },
      ),
    ).rejects.toMatchObject({ issues: [{ path: 'audit.details' }] });
  });
});

describe('audit trail', () => {
  it('writes entries newest first with a TTL attribute of the retention', async () => {
    ({ store } = await newStore(dynamo, { clock: () => T0, auditRetentionDays: 30 }));
    await store.putDesired(desired('orders'), { actor: 'alice', details: { source: 'api' } });
    await store.transition(
      'orders',
      1,
      { phase: 'DEPLOYING' },
      { actor: 'w', action: 'deploy' },
      at(1000),
    );
    await store.transition(
      'orders',
      2,
      { phase: 'RUNNING' },
      { actor: 'w', action: 'running' },
      at(2000),
    );
    const page = await store.listHistory('orders');
    expect(page.items.map((e) => e.action)).toEqual(['running', 'deploy', 'job.created']);
    expect(page.items[2]).toMatchObject({
      jobName: 'orders',
      actor: 'alice',
      version: 1,
      details: { source: 'api', specHash: 'hash-1' },
      expiresAt: Math.floor(T0.getTime() / 1000) + 30 * 86_400,
    });
    expect(timeToLiveAttribute).toBe('expiresAt');
  });

  it('pages through history with a cursor', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    for (let v = 1; v <= 6; v++) {
      await store.transition('orders', v, {}, { actor: 'w', action: `a${v}` }, at(v));
    }
    const first = await store.listHistory('orders', { limit: 4 });
    expect(first.items).toHaveLength(4);
    const second = await store.listHistory('orders', { limit: 4, cursor: first.cursor });
    expect(second.items.map((e) => e.version)).toEqual([3, 2, 1]);
    expect(second.cursor).toBeUndefined();
  });

  it('does not fail a committed change when the audit copy fails', async () => {
    const client = clientDroppingAuditCopies(dynamo);
    const warn = vi.fn();
    const flaky = new DynamoJobStore({ client, tableName, logger: { warn } });
    try {
      await store.putDesired(desired('orders'), { actor: 'alice' });
      const next = await flaky.transition(
        'orders',
        1,
        { phase: 'RUNNING' },
        { actor: 'w', action: 'x' },
      );
      expect(next.version).toBe(2);
      expect(next.recentHistory.at(-1)).toMatchObject({ version: 2, action: 'x' });
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('audit copy failed'),
        expect.objectContaining({ jobName: 'orders', version: 2, error: 'Error' }),
      );
      expect((await store.listHistory('orders')).items.map((e) => e.version)).toEqual([1]);
    } finally {
      client.destroy();
    }
  });
});

describe('deleteJob', () => {
  it('deletes the job but keeps its savepoints and history', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    const sp = await store.addSavepoint({
      jobName: 'orders',
      triggerKind: 'suspend',
      generation: 1,
      flinkJobId: 'f'.repeat(32),
      path: 's3://sp/1',
      status: 'COMPLETED',
    });
    await store.deleteJob('orders', { actor: 'alice', expectedVersion: 1, now: at(5) });
    expect(await store.getJob('orders')).toBeUndefined();
    expect((await store.listSavepoints('orders')).items).toEqual([sp]);
    const history = await store.listHistory('orders');
    expect(history.items[0]).toMatchObject({ action: 'job.deleted', version: 2, actor: 'alice' });
    // Re-created later, the job sees the savepoint it can restore from.
    await store.putDesired(desired('orders'), { actor: 'alice' });
    expect((await store.listSavepoints('orders')).items).toHaveLength(1);
  });

  it('refuses a stale version and unknown jobs', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    await expect(
      store.deleteJob('orders', { actor: 'a', expectedVersion: 9 }),
    ).rejects.toMatchObject({ currentVersion: 1 });
    await expect(store.deleteJob('nope', { actor: 'a' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses when the job changes between read and delete', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    const results = await Promise.allSettled([
      store.deleteJob('orders', { actor: 'a' }),
      store.transition('orders', 1, { phase: 'RUNNING' }, { actor: 'w', action: 'x' }),
    ]);
    // Whichever lands first wins; the other is told it lost.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(ConflictError);
  });
});

describe('savepoints', () => {
  const base = {
    jobName: 'orders',
    generation: 3,
    flinkJobId: 'b'.repeat(32),
    artifactDigest: 'sha256:abc',
    flinkVersion: '1.20.1',
  };

  it('lists newest first with lineage', async () => {
    const first = await store.addSavepoint({
      ...base,
      triggerKind: 'upgrade',
      createdAt: at(1000),
      idSuffix: 'trigger-1',
    });
    const second = await store.addSavepoint({
      ...base,
      triggerKind: 'periodic',
      createdAt: at(2000),
      restoredFrom: 's3://sp/first',
      parentId: first.id,
    });
    const third = await store.addSavepoint({ ...base, triggerKind: 'manual', createdAt: at(3000) });
    expect(first.id).toBe('20250301T100001000Z-trigger-1');
    expect(first.status).toBe('IN_PROGRESS');
    const page = await store.listSavepoints('orders');
    expect(page.items.map((s) => s.id)).toEqual([third.id, second.id, first.id]);
    expect(page.items[1]).toMatchObject({ restoredFrom: 's3://sp/first', parentId: first.id });
    const paged = await store.listSavepoints('orders', { limit: 2 });
    const rest = await store.listSavepoints('orders', { limit: 2, cursor: paged.cursor });
    expect([...paged.items, ...rest.items].map((s) => s.id)).toEqual([
      third.id,
      second.id,
      first.id,
    ]);
  });

  it('moves through IN_PROGRESS → COMPLETED → DISPOSED and refuses going back', async () => {
    const sp = await store.addSavepoint({ ...base, triggerKind: 'upgrade', createdAt: at(1) });
    await expect(store.updateSavepoint('orders', sp.id, { status: 'COMPLETED' })).rejects.toThrow(
      /without a path/,
    );
    const done = await store.updateSavepoint(
      'orders',
      sp.id,
      { status: 'COMPLETED', path: 's3://sp/x' },
      at(2),
    );
    expect(done).toMatchObject({
      status: 'COMPLETED',
      path: 's3://sp/x',
      updatedAt: at(2).toISOString(),
    });
    const disposed = await store.markSavepointDisposed('orders', sp.id, at(3));
    expect(disposed.status).toBe('DISPOSED');
    await expect(
      store.updateSavepoint('orders', sp.id, { status: 'COMPLETED' }),
    ).rejects.toBeInstanceOf(SavepointStateError);
    await expect(
      store.updateSavepoint('orders', sp.id, { path: 's3://other' }),
    ).rejects.toBeInstanceOf(SavepointStateError);
    await expect(store.markSavepointDisposed('orders', 'nope')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('records failures (cause truncated) and refuses duplicates and bad input', async () => {
    const sp = await store.addSavepoint({
      ...base,
      triggerKind: 'suspend',
      createdAt: at(1),
      idSuffix: 't1',
    });
    const failed = await store.updateSavepoint('orders', sp.id, {
      status: 'FAILED',
      failureCause: 'x'.repeat(5000),
    });
    expect(failed.failureCause).toHaveLength(2048);
    await expect(
      store.addSavepoint({ ...base, triggerKind: 'suspend', createdAt: at(1), idSuffix: 't1' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      store.addSavepoint({ ...base, triggerKind: 'nightly' as never }),
    ).rejects.toMatchObject({ issues: [{ path: 'triggerKind' }] });
    await expect(
      store.addSavepoint({ ...base, triggerKind: 'manual', status: 'COMPLETED' }),
    ).rejects.toMatchObject({ issues: [{ path: 'path' }] });
    await expect(
      store.addSavepoint({ ...base, triggerKind: 'manual', idSuffix: 'a/b' }),
    ).rejects.toMatchObject({ issues: [{ path: 'idSuffix' }] });
  });
});

describe('clusters', () => {
  it('creates, replaces with a version check, gets and lists', async () => {
    const created = await store.putCluster({ name: 'eu-1', spec: { url: 'https://a' } });
    expect(created).toEqual({
      name: 'eu-1',
      spec: { url: 'https://a' },
      version: 1,
      updatedAt: T0.toISOString(),
    });
    await store.putCluster({ name: 'eu-2', spec: { url: 'https://b' } }, { expectedVersion: 0 });
    const replaced = await store.putCluster(
      { name: 'eu-1', spec: { url: 'https://c' } },
      { expectedVersion: 1 },
    );
    expect(replaced.version).toBe(2);
    await expect(
      store.putCluster({ name: 'eu-1', spec: {} }, { expectedVersion: 1 }),
    ).rejects.toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    await expect(
      store.putCluster({ name: 'eu-1', spec: {} }, { expectedVersion: 0 }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      store.putCluster({ name: 'eu-9', spec: {} }, { expectedVersion: 3 }),
    ).rejects.toThrow(/does not exist/);
    expect(await store.getCluster('eu-1')).toEqual(replaced);
    expect(await store.getCluster('nope')).toBeUndefined();
    const page = await store.listClusters({ limit: 1 });
    const rest = await store.listClusters({ cursor: page.cursor });
    expect([...page.items, ...rest.items].map((c) => c.name)).toEqual(['eu-1', 'eu-2']);
  });
});

describe('listJobs', () => {
  it('continues with the next shard when a page fills up exactly at a shard end', async () => {
    const names = Array.from({ length: 400 }, (_, i) => `j${i}`);
    const inShard = (s: number) => names.filter((n) => jobShard(n) === s).slice(0, 3);
    const first = inShard(0);
    const second = inShard(1);
    for (const name of [...first, ...second]) await store.putDesired(desired(name), { actor: 'a' });
    const page = await store.listJobs({ limit: 3 });
    expect(page.items.map((j) => j.name).sort()).toEqual([...first].sort());
    const next = await store.listJobs({ limit: 3, cursor: page.cursor });
    expect(next.items.map((j) => j.name).sort()).toEqual([...second].sort());
    const last = await store.listJobs({ limit: 3, cursor: next.cursor });
    expect(last).toEqual({ items: [] });
  });
});

describe('failures', () => {
  it('reports a stored item of the wrong shape', async () => {
    await dynamo.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: 'JOB#broken' }, sk: { S: 'JOB' }, name: { S: 'broken' } },
      }),
    );
    await expect(store.getJob('broken')).rejects.toBeInstanceOf(CorruptItemError);
  });

  it('wraps DynamoDB failures without losing the cause', async () => {
    const missing = new DynamoJobStore({ client: dynamo.client, tableName: 'no-such-table' });
    const error: unknown = await missing.getJob('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('ResourceNotFoundException');
    expect((error as Error).cause).toBeDefined();
  });

  it('validates the retention', () => {
    expect(
      () => new DynamoJobStore({ client: dynamo.client, tableName, auditRetentionDays: 0 }),
    ).toThrow(ValidationError);
  });
});
