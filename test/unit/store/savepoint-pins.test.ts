import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../functions/commons/errors.js';
import { SavepointStateError } from '../../../functions/core/ports/index.js';
import type { DynamoJobStore } from '../../../functions/store/index.js';
import { at, useStore } from './fixtures.js';

let store: DynamoJobStore;
useStore((fixture) => {
  ({ store } = fixture);
});

const base = { jobName: 'orders', generation: 1, flinkJobId: 'b'.repeat(32) };

async function completed(ms: number, suffix: string) {
  return store.addSavepoint({
    ...base,
    triggerKind: 'periodic',
    status: 'COMPLETED',
    path: `file:///sp/${suffix}`,
    idSuffix: suffix,
    createdAt: at(ms),
  });
}

describe('savepoint pins and deletion requests', () => {
  it('pins and unpins, each one conditional write on the entry', async () => {
    const sp = await completed(1000, 'a');
    expect(await store.setSavepointPinned('orders', sp.id, true)).toMatchObject({ pinned: true });
    expect((await store.getSavepoint('orders', sp.id))?.pinned).toBe(true);
    const unpinned = await store.setSavepointPinned('orders', sp.id, false);
    // An unpinned entry reads like one never pinned.
    expect(unpinned.pinned).toBeUndefined();
  });

  it('refuses to delete a pinned savepoint, and to pin one being deleted', async () => {
    const pinned = await completed(1000, 'p');
    await store.setSavepointPinned('orders', pinned.id, true);
    await expect(store.requestSavepointDeletion('orders', pinned.id)).rejects.toThrow(
      /cannot be deleted: it is pinned/,
    );
    const doomed = await completed(2000, 'd');
    const requested = await store.requestSavepointDeletion('orders', doomed.id, at(5000));
    expect(requested.deleteRequestedAt).toBe(at(5000).toISOString());
    // Asking twice keeps the first request's time.
    const again = await store.requestSavepointDeletion('orders', doomed.id, at(9000));
    expect(again.deleteRequestedAt).toBe(at(5000).toISOString());
    await expect(store.setSavepointPinned('orders', doomed.id, true)).rejects.toThrow(
      /deletion was asked for/,
    );
  });

  it('refuses a savepoint in flight or disposed, and names an unknown one', async () => {
    const flying = await store.addSavepoint({ ...base, triggerKind: 'manual', createdAt: at(1) });
    await expect(store.requestSavepointDeletion('orders', flying.id)).rejects.toThrow(
      /it is IN_PROGRESS/,
    );
    const gone = await completed(2, 'g');
    await store.markSavepointDisposed('orders', gone.id);
    await expect(store.setSavepointPinned('orders', gone.id, true)).rejects.toThrow(
      SavepointStateError,
    );
    await expect(store.requestSavepointDeletion('orders', gone.id)).rejects.toThrow(
      /it is DISPOSED/,
    );
    await expect(store.setSavepointPinned('orders', 'nope', true)).rejects.toThrow(NotFoundError);
    await expect(store.requestSavepointDeletion('orders', 'nope')).rejects.toThrow(NotFoundError);
    expect(await store.getSavepoint('orders', 'nope')).toBeUndefined();
  });

  it('lets exactly one of a racing pin and deletion win', async () => {
    for (let round = 0; round < 5; round++) {
      const sp = await completed(10_000 + round, `race-${round}`);
      const results = await Promise.allSettled([
        store.setSavepointPinned('orders', sp.id, true),
        store.requestSavepointDeletion('orders', sp.id),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const entry = await store.getSavepoint('orders', sp.id);
      expect(entry?.pinned === true).toBe(entry?.deleteRequestedAt === undefined);
    }
  });

  it('registers an entry without a Flink job id, with its lineage', async () => {
    const sp = await store.addSavepoint({
      jobName: 'orders',
      generation: 4,
      triggerKind: 'registered',
      status: 'COMPLETED',
      path: 's3://elsewhere/savepoint-1',
      jobType: 'sql',
      flinkVersion: '2.3.0',
    });
    expect(await store.getSavepoint('orders', sp.id)).toEqual(sp);
    expect(sp.flinkJobId).toBeUndefined();
  });
});
