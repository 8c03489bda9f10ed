/**
 * The savepoint catalog in the job's history, through real HTTP (local server, dynalite): who
 * registered, pinned, unpinned or deleted which savepoint, in GET /v1/jobs/{name}/history; and
 * Flink's `file:/…` spelling of a local path accepted and matched against `file:///…`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyListSchema, savepointSchema } from '../../../functions/api/schemas.js';
import type { CheckpointStorage } from '../../../functions/core/ports/index.js';
import { canonicalStorageLocation } from '../../../functions/core/storage-location.js';
import {
  PRINCIPAL,
  clusterDoc,
  expectError,
  expectShape,
  jobDoc,
  startHarness,
  type Harness,
} from './harness.js';

let h: Harness;
/** Storage that holds `_metadata` under a location in either spelling. */
const storage: CheckpointStorage = {
  listCompleted: () => Promise.resolve([]),
  isRestorable: (path) => Promise.resolve(canonicalStorageLocation(path).startsWith('file:/sp/')),
};

beforeAll(async () => {
  h = await startHarness({ checkpoints: storage });
  expect((await h.call('PUT', '/v1/clusters/eu-1', { body: clusterDoc() })).status).toBe(201);
  expect((await h.call('PUT', '/v1/jobs/orders', { body: jobDoc('orders') })).status).toBe(201);
});

afterAll(async () => {
  await h.stop();
});

async function history() {
  const reply = await h.call('GET', '/v1/jobs/orders/history?limit=50', { as: 'alice' });
  expect(reply.status, reply.text).toBe(200);
  return expectShape(historyListSchema, reply.json).items;
}

describe('savepoint changes in GET /v1/jobs/{name}/history', () => {
  it('shows who registered, pinned, unpinned and deleted which savepoint, and when', async () => {
    // Flink's own spelling of a local path, as `flink savepoint` printed it.
    const register = async (path: string) => {
      const reply = await h.call('POST', '/v1/jobs/orders/savepoints', {
        as: 'alice',
        body: { path, reason: 'taken by hand before the migration' },
      });
      expect(reply.status, reply.text).toBe(201);
      return expectShape(savepointSchema, reply.json);
    };
    const older = await register('file:/sp/orders/savepoint-1');
    const newer = await register('file:///sp/orders/savepoint-2');
    expect(older.path).toBe('file:/sp/orders/savepoint-1');
    // Already catalogued, whichever spelling asks.
    expect(
      expectError(
        await h.call('POST', '/v1/jobs/orders/savepoints', {
          body: { path: 'file:///sp/orders/savepoint-1' },
        }),
        409,
      ).message,
    ).toContain(older.id);
    expectError(
      await h.call('POST', '/v1/jobs/orders/savepoints', {
        body: { path: 'file:/sp/orders/savepoint-2' },
      }),
      409,
    );
    for (const [as, method, path] of [
      ['alice', 'POST', `/v1/jobs/orders/savepoints/${older.id}/pin`],
      ['root', 'POST', `/v1/jobs/orders/savepoints/${older.id}/unpin`],
      ['alice', 'DELETE', `/v1/jobs/orders/savepoints/${older.id}`],
    ] as const) {
      const reply = await h.call(method, path, { as });
      expect(reply.status, reply.text).toBeLessThan(300);
    }
    const entries = await history();
    const savepointEntries = entries.filter((e) => e.action.startsWith('savepoint.'));
    expect(savepointEntries.map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ['savepoint.deleted', 'accepted', PRINCIPAL.alice],
      ['savepoint.unpinned', 'accepted', PRINCIPAL.root],
      ['savepoint.pinned', 'accepted', PRINCIPAL.alice],
      ['savepoint.registered', 'accepted', PRINCIPAL.alice],
      ['savepoint.registered', 'accepted', PRINCIPAL.alice],
    ]);
    const [deleted, , pinned, second, first] = savepointEntries;
    expect(first?.details).toMatchObject({
      savepointId: older.id,
      path: 'file:/sp/orders/savepoint-1',
      reason: 'taken by hand before the migration',
      via: 'api',
    });
    expect(first?.message).toContain('file:/sp/orders/savepoint-1');
    expect(second?.details).toMatchObject({ savepointId: newer.id });
    expect(pinned?.message).toContain(older.id);
    expect(deleted?.message).toMatch(/retention/);
    expect(deleted?.details).toMatchObject({ savepointId: older.id, via: 'api' });
    expect(typeof deleted?.details?.correlationId).toBe('string');
    // The job's own history is still there, after them.
    expect(entries.at(-1)?.action).toBe('job.created');
  });

  it('writes no entry for a refused change', async () => {
    const before = await history();
    const reply = await h.call('POST', '/v1/jobs/orders/savepoints', {
      as: 'alice',
      body: { path: 'file:/sp/orders/savepoint-3' },
    });
    const sp = expectShape(savepointSchema, reply.json);
    const afterRegister = await history();
    expect(afterRegister).toHaveLength(before.length + 1);
    // The newest restorable savepoint is not deleted; an unknown one is not pinned.
    expectError(await h.call('DELETE', `/v1/jobs/orders/savepoints/${sp.id}`), 409);
    expectError(await h.call('POST', '/v1/jobs/orders/savepoints/20200101T000000000Z-x/pin'), 404);
    // Another team's member sees no such job, and changes nothing.
    expectError(
      await h.call('POST', `/v1/jobs/orders/savepoints/${sp.id}/pin`, { as: 'bob' }),
      404,
    );
    expect(await history()).toEqual(afterRegister);
  });
});
