/**
 * The savepoint catalog as a resource through real HTTP (local server, dynalite): the restore
 * action, registration, pins and guarded deletion, with the team rule of every other change.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionResultSchema,
  jobViewSchema,
  savepointListSchema,
  savepointSchema,
} from '../../../functions/api/schemas.js';
import type { SavepointRecord } from '../../../functions/core/model/index.js';
import type { CheckpointStorage } from '../../../functions/core/ports/index.js';
import { expectError, expectShape, jobDoc, useApiHarness } from './harness.js';

const restorable = new Set<string>();
const storage: CheckpointStorage = {
  listCompleted: () => Promise.resolve([]),
  isRestorable: (path) => Promise.resolve(restorable.has(path)),
};

async function completed(ms: number, suffix: string): Promise<SavepointRecord> {
  return h.store.addSavepoint({
    jobName: 'orders',
    generation: 1,
    flinkJobId: 'b'.repeat(32),
    triggerKind: 'periodic',
    status: 'COMPLETED',
    path: `s3://sp/orders/${suffix}`,
    idSuffix: suffix,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)),
  });
}

const h = useApiHarness({ checkpoints: storage });
beforeAll(async () => {
  expect((await h.call('PUT', '/v1/jobs/orders', { body: jobDoc('orders') })).status).toBe(201);
});

describe('POST /v1/jobs/{name}/actions/restore', () => {
  it('sets spec.restore.from with a new nonce each time, for the owning team only', async () => {
    const old = await completed(1, 'old');
    expectError(
      await h.call('POST', '/v1/jobs/orders/actions/restore', {
        as: 'alice',
        body: { savepointId: '20200101T000000000Z-nope' },
      }),
      404,
    );
    const first = await h.call('POST', '/v1/jobs/orders/actions/restore', {
      as: 'alice',
      body: { savepointId: old.id, reason: 'bad deploy' },
    });
    expect(first.status, first.text).toBe(202);
    expect(expectShape(actionResultSchema, first.json)).toMatchObject({
      action: 'restore',
      changed: true,
    });
    const byPath = await h.call('POST', '/v1/jobs/orders/actions/restore', {
      body: { path: 's3://elsewhere/sp-1' },
    });
    expect(byPath.status, byPath.text).toBe(202);
    const job = expectShape(jobViewSchema, (await h.call('GET', '/v1/jobs/orders')).json);
    expect(job.spec.spec.restore.from).toEqual({ path: 's3://elsewhere/sp-1', nonce: 2 });
    // Another team's member sees no such job.
    expectError(
      await h.call('POST', '/v1/jobs/orders/actions/restore', {
        as: 'bob',
        body: { savepointId: old.id },
      }),
      404,
    );
  });

  it('refuses a body naming both or neither, and restore fields on other actions', async () => {
    const neither = expectError(
      await h.call('POST', '/v1/jobs/orders/actions/restore', { body: {} }),
      400,
    );
    expect(neither.issues?.[0]?.path).toBe('savepointId');
    expectError(
      await h.call('POST', '/v1/jobs/orders/actions/restore', {
        body: { path: 's3://a/b', savepointId: '20200101T000000000Z-x' },
      }),
      400,
    );
    expectError(
      await h.call('POST', '/v1/jobs/orders/actions/restore', { body: { path: 'relative/sp' } }),
      400,
    );
    const misplaced = expectError(
      await h.call('POST', '/v1/jobs/orders/actions/savepoint', { body: { path: 's3://a/b' } }),
      400,
    );
    expect(misplaced.issues?.[0]?.path).toBe('path');
  });
});

describe('the savepoint catalog routes', () => {
  it('pins and unpins; a pinned, the newest or a pending-restore savepoint is not deleted', async () => {
    const older = await completed(10, 'older');
    const middle = await completed(20, 'middle');
    const newest = await completed(30, 'newest');
    const pinned = await h.call('POST', `/v1/jobs/orders/savepoints/${older.id}/pin`, {
      as: 'alice',
    });
    expect(pinned.status, pinned.text).toBe(200);
    expect(expectShape(savepointSchema, pinned.json).pinned).toBe(true);
    const refused = expectError(
      await h.call('DELETE', `/v1/jobs/orders/savepoints/${older.id}`),
      409,
    );
    expect(refused.message).toMatch(/pinned/);
    expect(
      (await h.call('POST', `/v1/jobs/orders/savepoints/${older.id}/unpin`, { as: 'alice' }))
        .status,
    ).toBe(200);
    expect(
      expectError(await h.call('DELETE', `/v1/jobs/orders/savepoints/${newest.id}`), 409).message,
    ).toMatch(/newest restorable/);
    // A restore the job has not carried out yet names it.
    await h.call('POST', '/v1/jobs/orders/actions/restore', { body: { savepointId: middle.id } });
    expect(
      expectError(await h.call('DELETE', `/v1/jobs/orders/savepoints/${middle.id}`), 409).message,
    ).toMatch(/pending restore/);
    const deleted = await h.call('DELETE', `/v1/jobs/orders/savepoints/${older.id}`, {
      as: 'alice',
    });
    expect(deleted.status, deleted.text).toBe(202);
    expect(expectShape(savepointSchema, deleted.json).deleteRequestedAt).toBeDefined();
    // On its way out: no pin, no restore.
    expectError(await h.call('POST', `/v1/jobs/orders/savepoints/${older.id}/pin`), 409);
    expectError(
      await h.call('POST', '/v1/jobs/orders/actions/restore', { body: { savepointId: older.id } }),
      409,
    );
    expectError(await h.call('DELETE', '/v1/jobs/orders/savepoints/20200101T000000000Z-x'), 404);
    expectError(await h.call('POST', '/v1/jobs/orders/savepoints/20200101T000000000Z-x/pin'), 404);
  });

  it('lets only the owning team change the catalog', async () => {
    const sp = await completed(40, 'guarded');
    for (const [method, path] of [
      ['POST', `/v1/jobs/orders/savepoints/${sp.id}/pin`],
      ['POST', `/v1/jobs/orders/savepoints/${sp.id}/unpin`],
      ['DELETE', `/v1/jobs/orders/savepoints/${sp.id}`],
    ] as const) {
      expectError(await h.call(method, path, { as: 'bob' }), 404);
      expectError(await h.call(method, path, { as: 'nobody' }), 404);
    }
    expectError(
      await h.call('POST', '/v1/jobs/orders/savepoints', { as: 'bob', body: { path: 's3://x/y' } }),
      404,
    );
  });

  it('registers a savepoint made elsewhere once, when its _metadata exists', async () => {
    restorable.add('s3://elsewhere/sp-9');
    const made = await h.call('POST', '/v1/jobs/orders/savepoints', {
      as: 'alice',
      body: { path: 's3://elsewhere/sp-9', reason: 'migrated from the old platform' },
    });
    expect(made.status, made.text).toBe(201);
    expect(expectShape(savepointSchema, made.json)).toMatchObject({
      triggerKind: 'registered',
      status: 'COMPLETED',
      jobType: 'jar',
      path: 's3://elsewhere/sp-9',
    });
    expectError(
      await h.call('POST', '/v1/jobs/orders/savepoints', { body: { path: 's3://elsewhere/sp-9' } }),
      409,
    );
    expectError(
      await h.call('POST', '/v1/jobs/orders/savepoints', { body: { path: 's3://elsewhere/gone' } }),
      409,
    );
    const invalid = expectError(
      await h.call('POST', '/v1/jobs/orders/savepoints', { body: { path: 'not-a-uri' } }),
      400,
    );
    expect(invalid.issues?.[0]?.path).toBe('path');
    const list = expectShape(
      savepointListSchema,
      (await h.call('GET', '/v1/jobs/orders/savepoints', { as: 'alice' })).json,
    );
    expect(list.items.find((s) => s.triggerKind === 'registered')?.flinkJobId).toBeUndefined();
  });
});
