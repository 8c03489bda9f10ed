/**
 * Savepoint register / pin / unpin / deletion requests in the job's history: each catalog write
 * carries its history entry in the same conditional write on the catalog item, and the entry is
 * then copied to the job's trail (what GET /v1/jobs/{name}/history lists). Nothing half applied.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../functions/core/ports/index.js';
import type { SavepointChangeAudit } from '../../../functions/core/ports/index.js';
import { DynamoJobStore } from '../../../functions/store/index.js';
import type { LocalDynamo } from '../../support/dynalite.js';
import { T0, at, clientDroppingAuditCopies, desired, useStore } from './fixtures.js';

let store: DynamoJobStore;
let dynamo: LocalDynamo;
let tableName: string;
useStore((fixture) => {
  ({ store, dynamo, tableName } = fixture);
});

const by = (actor: string, action: string, details = {}): SavepointChangeAudit => ({
  actor,
  action,
  jobVersion: 1,
  details,
});

async function registered(path = 'file:/tmp/sp/one') {
  await store.putDesired(desired('orders'), { actor: 'alice' });
  return store.addSavepoint(
    {
      jobName: 'orders',
      generation: 1,
      triggerKind: 'registered',
      status: 'COMPLETED',
      path,
      createdAt: at(1000),
    },
    by('alice', 'savepoint-registered', { path }),
  );
}

async function trail() {
  const page = await store.listHistory('orders', { limit: 50 });
  return page.items.map((e) => ({ action: e.action, actor: e.actor, details: e.details }));
}

/** A client whose UpdateItems of savepoint items fail, as if DynamoDB were unavailable. */
function clientFailingCatalogUpdates(local: LocalDynamo): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next) => (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      if (headers['x-amz-target']?.endsWith('UpdateItem'))
        return Promise.reject(new Error('throttled'));
      return next(args);
    },
    { step: 'build' },
  );
  return client;
}

describe('savepoint changes in the job history', () => {
  it('records register, pin, unpin and deletion with who, when, id and path', async () => {
    const sp = await registered();
    await store.setSavepointPinned('orders', sp.id, true, at(2000), by('bob', 'savepoint-pinned'));
    await store.setSavepointPinned(
      'orders',
      sp.id,
      false,
      at(3000),
      by('carol', 'savepoint-unpinned'),
    );
    await store.requestSavepointDeletion(
      'orders',
      sp.id,
      at(4000),
      by('dave', 'savepoint-deletion-requested'),
    );
    const entries = (await store.listHistory('orders', { limit: 50 })).items;
    expect(entries.map((e) => [e.action, e.actor, e.at])).toEqual([
      ['savepoint-deletion-requested', 'dave', at(4000).toISOString()],
      ['savepoint-unpinned', 'carol', at(3000).toISOString()],
      ['savepoint-pinned', 'bob', at(2000).toISOString()],
      ['savepoint-registered', 'alice', at(1000).toISOString()],
      ['job.created', 'alice', T0.toISOString()],
    ]);
    for (const entry of entries.slice(0, 4)) {
      expect(entry.details).toMatchObject({ savepointId: sp.id, path: 'file:/tmp/sp/one' });
      // Shown under the job version the change was decided against.
      expect(entry.version).toBe(1);
    }
    // The catalog item holds its latest change: the write-ahead copy of the trail entry.
    expect((await store.getSavepoint('orders', sp.id))?.lastChange).toMatchObject({
      action: 'savepoint-deletion-requested',
      actor: 'dave',
    });
    // The job item itself is untouched: no version bump races an operation in flight.
    expect((await store.getJob('orders'))?.version).toBe(1);
  });

  it('records a deletion asked for twice once: the first request stands', async () => {
    const sp = await registered();
    const first = await store.requestSavepointDeletion(
      'orders',
      sp.id,
      at(2000),
      by('dave', 'savepoint-deletion-requested'),
    );
    const again = await store.requestSavepointDeletion(
      'orders',
      sp.id,
      at(3000),
      by('erin', 'savepoint-deletion-requested'),
    );
    expect(again.deleteRequestedAt).toBe(first.deleteRequestedAt);
    expect((await trail()).filter((e) => e.action === 'savepoint-deletion-requested')).toEqual([
      expect.objectContaining({ actor: 'dave' }),
    ]);
    expect((await store.getSavepoint('orders', sp.id))?.lastChange).toMatchObject({
      actor: 'dave',
    });
  });

  it('writes no history entry for a refused catalog change', async () => {
    const sp = await registered();
    await store.requestSavepointDeletion(
      'orders',
      sp.id,
      at(2000),
      by('dave', 'savepoint-deletion-requested'),
    );
    const before = await trail();
    await expect(
      store.setSavepointPinned('orders', sp.id, true, at(3000), by('bob', 'savepoint-pinned')),
    ).rejects.toThrow(/deletion was asked for/);
    await expect(
      store.setSavepointPinned('orders', 'nope', true, at(3000), by('bob', 'savepoint-pinned')),
    ).rejects.toThrow(/does not exist/);
    // Registering the same id twice is refused whole.
    await expect(
      store.addSavepoint(
        {
          jobName: 'orders',
          generation: 1,
          triggerKind: 'registered',
          status: 'COMPLETED',
          path: 'file:/tmp/sp/one',
          createdAt: at(1000),
          idSuffix: sp.id.split('-')[1] ?? '',
        },
        by('eve', 'savepoint-registered'),
      ),
    ).rejects.toThrow(/already exists/);
    expect(await trail()).toEqual(before);
    expect((await store.getSavepoint('orders', sp.id))?.pinned).toBeUndefined();
  });

  it('writes no history entry when the catalog write fails, and no catalog change without its entry', async () => {
    const sp = await registered();
    const failing = clientFailingCatalogUpdates(dynamo);
    try {
      const broken = new DynamoJobStore({ client: failing, tableName, clock: () => T0 });
      await expect(
        broken.setSavepointPinned('orders', sp.id, true, at(2000), by('bob', 'savepoint-pinned')),
      ).rejects.toThrow(StoreUnavailableError);
    } finally {
      failing.destroy();
    }
    expect((await trail()).map((e) => e.action)).toEqual(['savepoint-registered', 'job.created']);
    expect((await store.getSavepoint('orders', sp.id))?.pinned).toBeUndefined();

    // The trail copy failing after the catalog write: the change is made and its entry is on the
    // catalog item (one write), so neither exists without the other.
    const dropping = clientDroppingAuditCopies(dynamo);
    const warnings: unknown[][] = [];
    try {
      const lossy = new DynamoJobStore({
        client: dropping,
        tableName,
        clock: () => T0,
        logger: { warn: (...line: unknown[]) => warnings.push(line) },
      });
      await lossy.setSavepointPinned(
        'orders',
        sp.id,
        true,
        at(3000),
        by('bob', 'savepoint-pinned'),
      );
    } finally {
      dropping.destroy();
    }
    // Logged, naming where the entry is kept.
    expect(warnings).toContainEqual([
      'fjc store: audit copy failed; kept on the item written with it',
      expect.objectContaining({ action: 'savepoint-pinned', subject: `SAVEPOINT#${sp.id}` }),
    ]);
    const entry = await store.getSavepoint('orders', sp.id);
    expect(entry?.pinned).toBe(true);
    expect(entry?.lastChange).toMatchObject({ action: 'savepoint-pinned', actor: 'bob' });
    // The next change of the savepoint copies the one whose copy was lost.
    await store.setSavepointPinned(
      'orders',
      sp.id,
      false,
      at(4000),
      by('carol', 'savepoint-unpinned'),
    );
    expect((await trail()).map((e) => e.action)).toEqual([
      'savepoint-unpinned',
      'savepoint-pinned',
      'savepoint-registered',
      'job.created',
    ]);
  });

  it('keeps working without an audit input (writers that record history elsewhere)', async () => {
    const sp = await registered();
    await store.setSavepointPinned('orders', sp.id, true, at(2000));
    expect((await trail()).map((e) => e.action)).toEqual(['savepoint-registered', 'job.created']);
  });
});
