import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../functions/commons/errors.js';
import { DynamoJobStore } from '../../../functions/store/index.js';
import { LeaseHeldError, VersionConflictError } from '../../../functions/core/ports/index.js';
import type { LocalDynamo } from '../../support/dynalite.js';
import { T0, at, clientDroppingAuditCopies, desired, useStore } from './fixtures.js';

let dynamo: LocalDynamo;
let store: DynamoJobStore;
let tableName: string;

useStore((fixture) => {
  ({ dynamo, store, tableName } = fixture);
});

beforeEach(async () => {
  await store.putDesired(desired('orders'), { actor: 'alice' });
});

describe('leases', () => {
  it('grants a free lease and bumps the version (fencing token)', async () => {
    const record = await store.acquireLease('orders', 'worker-a', 30_000, T0);
    expect(record.lease).toEqual({ owner: 'worker-a', expiresAt: at(30_000).toISOString() });
    expect(record.version).toBe(2);
    expect(await store.getJob('orders')).toEqual(record);
  });

  it('refuses another owner while the lease is valid, naming the holder', async () => {
    await store.acquireLease('orders', 'worker-a', 30_000, T0);
    const error: unknown = await store
      .acquireLease('orders', 'worker-b', 30_000, at(29_999))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseHeldError);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ owner: 'worker-a', expiresAt: at(30_000).toISOString() });
  });

  it('lets the owner renew without an audit entry', async () => {
    await store.acquireLease('orders', 'worker-a', 30_000, T0);
    const renewed = await store.acquireLease('orders', 'worker-a', 30_000, at(20_000));
    expect(renewed.lease?.expiresAt).toBe(at(50_000).toISOString());
    expect(renewed.recentHistory.map((e) => e.action)).toEqual(['job.created']);
  });

  it('hands an expired lease over with the operation in flight, and fences the old owner', async () => {
    const a = await store.acquireLease('orders', 'worker-a', 30_000, T0);
    const operation = {
      id: 'op-7',
      kind: 'upgrade' as const,
      step: 'savepoint-triggered',
      startedAt: at(1).toISOString(),
      data: { triggerId: 't-1' },
    };
    const stepped = await store.transition(
      'orders',
      a.version,
      { phase: 'UPGRADING', operation },
      { actor: 'worker-a', action: 'upgrade.savepoint' },
      at(1),
    );
    // worker-a dies; at expiry worker-b takes over and sees where worker-a stopped.
    const b = await store.acquireLease('orders', 'worker-b', 30_000, at(30_000));
    expect(b.lease?.owner).toBe('worker-b');
    expect(b.status.operation).toEqual(operation);
    expect(b.recentHistory.at(-1)).toMatchObject({
      actor: 'worker-b',
      action: 'lease.takeover',
      details: { previousOwner: 'worker-a', operationId: 'op-7' },
    });
    // worker-a wakes up late: its version is stale, so it cannot write over worker-b.
    await expect(
      store.transition(
        'orders',
        stepped.version,
        { phase: 'FAILED' },
        { actor: 'worker-a', action: 'x' },
      ),
    ).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store.releaseLease('orders', 'worker-a')).rejects.toBeInstanceOf(LeaseHeldError);
    const history = await store.listHistory('orders');
    expect(history.items[0]?.action).toBe('lease.takeover');
  });

  it('lets exactly one of 20 contenders take a free lease', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.acquireLease('orders', `w-${i}`, 30_000, T0)),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const owner = (await store.getJob('orders'))?.lease?.owner;
    expect(
      (winners[0] as PromiseFulfilledResult<{ lease?: { owner: string } }>).value.lease?.owner,
    ).toBe(owner);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(ConflictError);
    }
  });

  it('lets exactly one of 20 contenders take over an expired lease', async () => {
    await store.acquireLease('orders', 'dead', 1_000, T0);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.acquireLease('orders', `w-${i}`, 30_000, at(5_000)),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const record = await store.getJob('orders');
    expect(record?.recentHistory.filter((e) => e.action === 'lease.takeover')).toHaveLength(1);
  });

  it('repairs audit copies lost by a crashed owner when taking over', async () => {
    const client = clientDroppingAuditCopies(dynamo);
    try {
      const crashing = new DynamoJobStore({ client, tableName, logger: { warn: () => undefined } });
      const a = await crashing.acquireLease('orders', 'worker-a', 1_000, T0);
      const changed = await crashing.transition(
        'orders',
        a.version,
        { phase: 'DEPLOYING' },
        { actor: 'worker-a', action: 'deploy.started' },
        at(10),
      );
      // The change is committed and in recentHistory, but its long-term copy is missing.
      const before = (await store.listHistory('orders')).items.map((e) => e.version);
      expect(before).not.toContain(changed.version);

      const b = await store.acquireLease('orders', 'worker-b', 1_000, at(2_000));
      const after = (await store.listHistory('orders', { limit: 100 })).items.map((e) => e.version);
      expect(after).toEqual([b.version, changed.version, 1]);
    } finally {
      client.destroy();
    }
  });

  it('releases only for the owner, and is idempotent', async () => {
    await store.acquireLease('orders', 'worker-a', 30_000, T0);
    await expect(store.releaseLease('orders', 'worker-b', at(1))).rejects.toBeInstanceOf(
      LeaseHeldError,
    );
    const released = await store.releaseLease('orders', 'worker-a', at(1));
    expect(released.lease).toBeUndefined();
    expect((await store.getJob('orders'))?.lease).toBeUndefined();
    const again = await store.releaseLease('orders', 'worker-a', at(2));
    expect(again.version).toBe(released.version);
    // Free again: anyone may take it.
    expect((await store.acquireLease('orders', 'worker-b', 1_000, at(3))).lease?.owner).toBe(
      'worker-b',
    );
  });

  it('renews or releases the lease in the same write as a transition', async () => {
    const a = await store.acquireLease('orders', 'worker-a', 30_000, T0);
    const renewed = await store.transition(
      'orders',
      a.version,
      { phase: 'DEPLOYING' },
      { actor: 'worker-a', action: 'step' },
      at(20_000),
      { lease: { owner: 'worker-a', ttlMs: 30_000 } },
    );
    expect(renewed).toMatchObject({ version: a.version + 1, lease: { owner: 'worker-a' } });
    expect(renewed.lease?.expiresAt).toBe(at(50_000).toISOString());
    await expect(
      store.transition(
        'orders',
        renewed.version,
        {},
        { actor: 'worker-b', action: 'x' },
        at(21_000),
        { lease: { owner: 'worker-b', ttlMs: 1_000 } },
      ),
    ).rejects.toBeInstanceOf(LeaseHeldError);
    await expect(
      store.transition('orders', renewed.version, {}, { actor: 'w', action: 'x' }, at(1), {
        lease: { owner: 'worker-a', ttlMs: 0 },
      }),
    ).rejects.toMatchObject({ issues: [{ path: 'lease.ttlMs' }] });
    const done = await store.transition(
      'orders',
      renewed.version,
      { phase: 'RUNNING' },
      { actor: 'worker-a', action: 'done' },
      at(22_000),
      { lease: null },
    );
    expect(done.lease).toBeUndefined();
    expect(await store.getJob('orders')).toEqual(done);
  });

  it('validates its input and refuses unknown jobs', async () => {
    await expect(store.acquireLease('orders', 'w', 0)).rejects.toMatchObject({
      issues: [{ path: 'ttlMs' }],
    });
    await expect(store.acquireLease('orders', 'w', 2 * 86_400_000)).rejects.toMatchObject({
      issues: [{ path: 'ttlMs' }],
    });
    await expect(store.acquireLease('orders', '', 1000)).rejects.toMatchObject({
      issues: [{ path: 'owner' }],
    });
    await expect(store.acquireLease('nope', 'w', 1000)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.releaseLease('nope', 'w')).rejects.toBeInstanceOf(NotFoundError);
  });
});
