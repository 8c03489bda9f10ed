import { describe, expect, it } from 'vitest';
import type { JobRecord, SavepointRecord } from '../../../../functions/core/model/index.js';
import { deletionRefusal } from '../../../../functions/core/savepoint-choice.js';
import { lineageOf } from '../../../../functions/core/savepoint-lineage.js';
import { NOW, job } from '../plan/fixtures.js';

/** Flink records local savepoints as `file:/…`; specs and people often write `file:///…`. */
const entry = (id: string, minutesAgo: number, path: string): SavepointRecord => ({
  jobName: 'counter',
  id,
  path,
  triggerKind: 'periodic',
  generation: 1,
  flinkJobId: 'a'.repeat(32),
  status: 'COMPLETED',
  createdAt: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
  updatedAt: NOW.toISOString(),
});

const statusOf = (status: Partial<JobRecord['status']>) =>
  ({ status: { phase: 'STABLE', attempt: 1, ...status } }) as Pick<JobRecord, 'status'>;

describe('catalog lookups by path, whichever spelling', () => {
  const newest = entry('new', 1, 'file:/sp/new');
  const mid = entry('mid', 2, 'file:/sp/mid');
  const old = entry('old', 3, 'file:///sp/old');
  const catalog = [newest, mid, old];

  it('refuses to delete the savepoint a pending restore names in the other spelling', () => {
    const threeSlashes = job({ restore: { from: { path: 'file:///sp/mid', nonce: 1 } } });
    expect(deletionRefusal(mid, catalog, statusOf({}), threeSlashes)).toMatch(/pending restore/);
    const oneSlash = job({ restore: { from: { path: 'file:/sp/old', nonce: 1 } } });
    expect(deletionRefusal(old, catalog, statusOf({}), oneSlash)).toMatch(/pending restore/);
    // A bare path is another file system's: it does not hold this entry.
    const bare = job({ restore: { from: { path: '/sp/mid', nonce: 1 } } });
    expect(deletionRefusal(mid, catalog, statusOf({}), bare)).toBeUndefined();
  });

  it('refuses to delete the savepoint an operation in flight restores from in the other spelling', () => {
    const record = statusOf({
      operation: {
        id: 'op',
        kind: 'restore',
        step: 'submit',
        startedAt: NOW.toISOString(),
        data: { restorePath: 'file:///sp/mid' },
      },
    });
    expect(deletionRefusal(mid, catalog, record, job())).toMatch(/restore in flight/);
  });

  it('finds the parent entry of a restore named in the other spelling', () => {
    expect(lineageOf(job(), 'file:///sp/mid', catalog, undefined).parentId).toBe('mid');
    expect(lineageOf(job(), 'file:/sp/old', catalog, undefined).parentId).toBe('old');
    // The restore is recorded as it was asked for.
    expect(lineageOf(job(), 'file:///sp/mid', catalog, undefined).restoredFrom).toBe(
      'file:///sp/mid',
    );
  });
});
