import { describe, expect, it, vi } from 'vitest';
import { ConflictError, NotFoundError } from '../../../../functions/commons/errors.js';
import type { JobRecord, SavepointRecord } from '../../../../functions/core/model/index.js';
import { retentionCandidates } from '../../../../functions/core/plan/retention.js';
import { UnsupportedStorageError } from '../../../../functions/core/ports/index.js';
import {
  choiceOf,
  deletionRefusal,
  registeredSavepoint,
  requestDeletion,
  resolveChoice,
  restorableOnStorage,
} from '../../../../functions/core/savepoint-choice.js';
import { jobTypeOf, lineageOf } from '../../../../functions/core/savepoint-lineage.js';
import { NOW, job, snapshot } from '../plan/fixtures.js';

const entry = (id: string, minutesAgo: number, extra: Partial<SavepointRecord> = {}) =>
  ({
    jobName: 'counter',
    id,
    path: `file:///sp/${id}`,
    triggerKind: 'periodic',
    generation: 1,
    flinkJobId: 'a'.repeat(32),
    status: 'COMPLETED',
    createdAt: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
    updatedAt: NOW.toISOString(),
    ...extra,
  }) satisfies SavepointRecord;

const statusOf = (status: Partial<JobRecord['status']>) =>
  ({ status: { phase: 'STABLE', attempt: 1, ...status } }) as Pick<JobRecord, 'status'>;

describe('retention with pins and deletion requests', () => {
  it('never disposes of a pinned savepoint, and counts it towards maxCount', () => {
    const list = [entry('a', 1), entry('b', 2, { pinned: true }), entry('c', 3), entry('d', 4)];
    const doomed = retentionCandidates(list, { maxCount: 2, maxAgeMs: 1e12 }, NOW);
    expect(doomed.map((s) => s.id)).toEqual(['c', 'd']);
    const old = retentionCandidates(list, { maxCount: 10, maxAgeMs: 1 }, NOW);
    expect(old.map((s) => s.id)).toEqual(['c', 'd']);
  });

  it('disposes of requested ones, keeping the newest not requested', () => {
    const list = [
      entry('a', 1, { deleteRequestedAt: NOW.toISOString() }),
      entry('b', 2),
      entry('c', 3, { status: 'FAILED', deleteRequestedAt: NOW.toISOString() }),
      entry('d', 4, { status: 'IN_PROGRESS', deleteRequestedAt: NOW.toISOString() }),
    ];
    const doomed = retentionCandidates(list, { maxCount: 1, maxAgeMs: 1 }, NOW);
    expect(doomed.map((s) => s.id)).toEqual(['a', 'c']);
  });
});

describe('deletionRefusal', () => {
  const [newest, mid, old] = [entry('new', 1), entry('mid', 2), entry('old', 3)];
  const catalog = [newest, mid, old];

  it('allows an older, unpinned savepoint nothing uses', () => {
    expect(deletionRefusal(mid, catalog, statusOf({}), job())).toBeUndefined();
    expect(deletionRefusal(old, catalog, undefined, undefined)).toBeUndefined();
  });

  it('refuses pinned, disposed, in-flight and the newest restorable', () => {
    expect(deletionRefusal(entry('x', 5, { pinned: true }), catalog, undefined, undefined)).toMatch(
      /pinned/,
    );
    expect(
      deletionRefusal(entry('x', 5, { status: 'DISPOSED' }), catalog, undefined, undefined),
    ).toMatch(/already disposed/);
    expect(
      deletionRefusal(entry('x', 5, { status: 'IN_PROGRESS' }), catalog, undefined, undefined),
    ).toMatch(/still being taken/);
    expect(deletionRefusal(newest, catalog, undefined, undefined)).toMatch(/newest restorable/);
    // A newer one whose deletion was asked for no longer counts as restorable.
    const requested = [entry('new', 1, { deleteRequestedAt: NOW.toISOString() }), mid];
    expect(deletionRefusal(mid, requested, undefined, undefined)).toMatch(/newest restorable/);
  });

  it('refuses the savepoint an operation in flight restores from', () => {
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

  it('refuses the savepoint a pending restore names, not one already restored', () => {
    const id = '20261126T115800000Z-mid';
    const chosen = entry(id, 2);
    const choose = (nonce: number) => job({ restore: { from: { savepointId: id, nonce } } });
    const applied = statusOf({ lastApplied: snapshot(choose(1)) });
    expect(deletionRefusal(chosen, catalog, applied, choose(2))).toMatch(/pending restore/);
    expect(deletionRefusal(chosen, catalog, applied, choose(1))).toBeUndefined();
    const byPath = job({ restore: { from: { path: 'file:///sp/old', nonce: 1 } } });
    expect(deletionRefusal(old, catalog, statusOf({}), byPath)).toMatch(/pending/);
  });
});

describe('requestDeletion', () => {
  const store = (entries: SavepointRecord[]) => ({
    getSavepoint: vi.fn((_job: string, id: string) =>
      Promise.resolve(entries.find((e) => e.id === id)),
    ),
    listSavepoints: vi.fn(() => Promise.resolve({ items: entries })),
    requestSavepointDeletion: vi.fn((_job: string, id: string) =>
      Promise.resolve({ ...entry(id, 0), deleteRequestedAt: 'now' }),
    ),
  });

  it('asks the store only when every guard passes; 404 and 409 otherwise', async () => {
    const entries = [entry('new', 1), entry('old', 2)];
    const s = store(entries);
    await expect(requestDeletion(s, 'counter', 'old', undefined, undefined)).resolves.toMatchObject(
      { deleteRequestedAt: 'now' },
    );
    await expect(requestDeletion(s, 'counter', 'new', undefined, undefined)).rejects.toThrow(
      ConflictError,
    );
    await expect(requestDeletion(s, 'counter', 'nope', undefined, undefined)).rejects.toThrow(
      NotFoundError,
    );
    expect(s.requestSavepointDeletion).toHaveBeenCalledTimes(1);
  });
});

describe('resolveChoice and storage', () => {
  const store = (entries: SavepointRecord[]) => ({
    getSavepoint: (_job: string, id: string) => Promise.resolve(entries.find((e) => e.id === id)),
  });

  it('resolves a catalog id to its path, and takes a path as given', async () => {
    const s = store([entry('a', 1)]);
    await expect(resolveChoice(s, 'counter', { savepointId: 'a' })).resolves.toEqual({
      path: 'file:///sp/a',
      savepointId: 'a',
    });
    await expect(resolveChoice(s, 'counter', { path: 's3://b/sp' })).resolves.toEqual({
      path: 's3://b/sp',
    });
  });

  it('refuses an unknown, failed, requested or pathless entry', async () => {
    const s = store([
      entry('f', 1, { status: 'FAILED' }),
      entry('r', 1, { deleteRequestedAt: NOW.toISOString() }),
      { ...entry('p', 1), path: undefined },
    ]);
    await expect(resolveChoice(s, 'counter', { savepointId: 'x' })).rejects.toThrow(NotFoundError);
    await expect(resolveChoice(s, 'counter', { savepointId: 'f' })).rejects.toThrow(/is FAILED/);
    await expect(resolveChoice(s, 'counter', { savepointId: 'r' })).rejects.toThrow(/deletion/);
    await expect(resolveChoice(s, 'counter', { savepointId: 'p' })).rejects.toThrow(/no path/);
  });

  it('checks storage where it can, and says when it cannot', async () => {
    const storage = (answer: () => Promise<boolean>) => ({
      listCompleted: () => Promise.resolve([]),
      isRestorable: answer,
    });
    expect(
      await restorableOnStorage(
        storage(() => Promise.resolve(true)),
        'p',
      ),
    ).toBe(true);
    expect(
      await restorableOnStorage(
        storage(() => Promise.resolve(false)),
        'p',
      ),
    ).toBe(false);
    const unsupported = storage(() => Promise.reject(new UnsupportedStorageError('hdfs')));
    expect(await restorableOnStorage(unsupported, 'hdfs://x')).toBeUndefined();
    const broken = storage(() => Promise.reject(new Error('boom')));
    await expect(restorableOnStorage(broken, 'p')).rejects.toThrow('boom');
  });

  it('reads the choice a spec declares', () => {
    expect(choiceOf(job())).toBeUndefined();
    const id = '20261126T115800000Z-a';
    expect(choiceOf(job({ restore: { from: { savepointId: id, nonce: 1 } } }))).toEqual({
      savepointId: id,
    });
    expect(choiceOf(job({ restore: { from: { path: '/sp/x', nonce: 1 } } }))).toEqual({
      path: '/sp/x',
    });
  });
});

describe('lineage', () => {
  it('names the job type, digest, parent entry and Flink version', () => {
    const pinned = job({ artifact: { uri: 'jobs/counter.jar', sha256: 'f'.repeat(64) } });
    expect(lineageOf(pinned, 'file:///sp/a', [entry('a', 1)], '2.3.0')).toEqual({
      jobType: 'jar',
      artifactDigest: 'f'.repeat(64),
      restoredFrom: 'file:///sp/a',
      parentId: 'a',
      flinkVersion: '2.3.0',
    });
    expect(lineageOf(job(), undefined, [], undefined)).toEqual({ jobType: 'jar' });
    // A checkpoint (or a path from elsewhere) is recorded without a catalogued parent.
    expect(lineageOf(job(), 'file:///chk/1', [entry('a', 1)], undefined)).toEqual({
      jobType: 'jar',
      restoredFrom: 'file:///chk/1',
    });
    const sql = job({
      artifact: undefined,
      entryClass: undefined,
      sql: { statements: 'INSERT INTO a SELECT 1;' },
    });
    expect(jobTypeOf(sql)).toBe('sql');
    const py = job({
      artifact: undefined,
      entryClass: undefined,
      python: { artifact: { uri: 'job.zip' }, entryModule: 'pkg.main' },
    });
    expect(jobTypeOf(py)).toBe('python');
  });

  it('registers a savepoint made elsewhere as COMPLETED under the current generation', () => {
    expect(registeredSavepoint({ name: 'counter', generation: 7 }, job(), 's3://b/sp')).toEqual({
      jobName: 'counter',
      path: 's3://b/sp',
      status: 'COMPLETED',
      triggerKind: 'registered',
      generation: 7,
      jobType: 'jar',
    });
  });
});
