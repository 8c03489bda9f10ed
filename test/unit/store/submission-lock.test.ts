import { describe, expect, it } from 'vitest';
import { DynamoJobStore } from '../../../functions/store/index.js';
import { T0, at, useStore } from './fixtures.js';

let store: DynamoJobStore;

useStore((fixture) => {
  ({ store } = fixture);
});

describe('per-cluster submission locks', () => {
  it('grants a free lock and refuses another owner until it expires', async () => {
    expect(await store.acquireSubmissionLock('local', 'op-a', 30_000, T0)).toEqual({
      acquired: true,
    });
    expect(await store.acquireSubmissionLock('local', 'op-b', 30_000, at(29_999))).toEqual({
      acquired: false,
      owner: 'op-a',
      expiresAt: at(30_000).toISOString(),
    });
    // Expired: a dead holder does not block the cluster for longer than its TTL.
    expect(await store.acquireSubmissionLock('local', 'op-b', 30_000, at(30_000))).toEqual({
      acquired: true,
    });
  });

  it('lets the owner take it again, and keeps clusters apart', async () => {
    await store.acquireSubmissionLock('local', 'op-a', 30_000, T0);
    expect(await store.acquireSubmissionLock('local', 'op-a', 30_000, at(1_000))).toEqual({
      acquired: true,
    });
    expect(await store.acquireSubmissionLock('other', 'op-b', 30_000, at(1_000))).toEqual({
      acquired: true,
    });
  });

  it('is released by its owner only; releasing a lock not held is a no-op', async () => {
    await store.acquireSubmissionLock('local', 'op-a', 30_000, T0);
    await store.releaseSubmissionLock('local', 'op-b');
    expect(await store.acquireSubmissionLock('local', 'op-b', 30_000, at(1))).toMatchObject({
      acquired: false,
    });
    await store.releaseSubmissionLock('local', 'op-a');
    await store.releaseSubmissionLock('local', 'op-a');
    expect(await store.acquireSubmissionLock('local', 'op-b', 30_000, at(2))).toEqual({
      acquired: true,
    });
  });

  it('is not listed as a cluster', async () => {
    await store.acquireSubmissionLock('local', 'op-a', 30_000, T0);
    expect((await store.listClusters()).items).toEqual([]);
    expect(await store.getCluster('local')).toBeUndefined();
  });
});
