import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/commons/errors.js';
import type { JobRecord, Page, PageRequest } from '../../../functions/core/model/index.js';
import { type DynamoJobStore } from '../../../functions/store/index.js';
import { InvalidPageRequestError } from '../../../functions/core/ports/index.js';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import { desired, newStore } from './fixtures.js';

const JOBS = 3_000;
const CLUSTERS = ['eu-1', 'eu-2', 'us-1', 'ap-1', 'sa-1'];
const TEAMS = ['payments', 'risk', 'search', 'ads', 'growth', 'infra', 'ml'];

let dynamo: LocalDynamo;
let store: DynamoJobStore;

const nameOf = (i: number) => `job-${String(i).padStart(5, '0')}`;

async function drain(
  list: (page: PageRequest) => Promise<Page<JobRecord>>,
  limit: number,
): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list({ limit, ...(cursor === undefined ? {} : { cursor }) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    names.push(...page.items.map((j) => j.name));
    cursor = page.cursor;
    pages += 1;
  } while (cursor !== undefined);
  return { names, pages };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  ({ store } = await newStore(dynamo));
  // Through the store's own write path, 50 at a time.
  for (let start = 0; start < JOBS; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, JOBS - start) }, (_, k) => {
        const i = start + k;
        return store.putDesired(
          desired(nameOf(i), {
            clusterRef: CLUSTERS[i % CLUSTERS.length] ?? 'eu-1',
            team: TEAMS[i % TEAMS.length] ?? 'payments',
          }),
          { actor: 'seed' },
        );
      }),
    );
  }
  // A guard against a hang, not a speed target: 3,000 conditional writes took over a minute on a
  // loaded 2-core machine.
}, 600_000);

afterAll(async () => {
  await dynamo.stop();
});

describe(`pagination over ${JOBS} jobs`, () => {
  it('lists every job exactly once for reconcile, across shards', async () => {
    const { names, pages } = await drain((p) => store.listJobs(p), 250);
    expect(names).toHaveLength(JOBS);
    expect(new Set(names).size).toBe(JOBS);
    expect(pages).toBeGreaterThanOrEqual(JOBS / 250);
    expect(pages).toBeLessThanOrEqual(JOBS / 250 + 2);
  });

  it('lists every job with odd page sizes too', async () => {
    const { names } = await drain((p) => store.listJobs(p), 997);
    expect(new Set(names).size).toBe(JOBS);
  });

  it('lists a cluster, exactly its jobs, in name order', async () => {
    const { names } = await drain((p) => store.listJobsByCluster('eu-2', p), 100);
    const expected = Array.from({ length: JOBS }, (_, i) => i)
      .filter((i) => i % CLUSTERS.length === 1)
      .map(nameOf);
    expect(names).toEqual(expected);
  });

  it('lists a team, exactly its jobs', async () => {
    const { names } = await drain((p) => store.listJobsByTeam('risk', p), 128);
    const expected = Array.from({ length: JOBS }, (_, i) => i)
      .filter((i) => i % TEAMS.length === 1)
      .map(nameOf);
    expect(names).toEqual(expected);
  });

  it('returns an empty page for an unknown cluster', async () => {
    expect(await store.listJobsByCluster('mars-1')).toEqual({ items: [] });
  });

  it('refuses bad cursors naming `cursor`', async () => {
    const bad = [
      'not base64!',
      Buffer.from('not json').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('{"v":2}').toString('base64url'),
      Buffer.from('{"v":1,"s":99}').toString('base64url'),
      Buffer.from('{"v":1,"s":1,"k":{"pk":"x"}}').toString('base64url'),
      '',
    ];
    for (const cursor of bad) {
      const error: unknown = await store.listJobs({ cursor }).catch((e: unknown) => e);
      expect(error, cursor).toBeInstanceOf(InvalidPageRequestError);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as InvalidPageRequestError).issues[0]?.path).toBe('cursor');
      expect((error as Error).message).toMatch(/cursor/);
    }
  });

  it('refuses a cursor of another listing or another partition', async () => {
    const eu1 = await store.listJobsByCluster('eu-1', { limit: 5 });
    const all = await store.listJobs({ limit: 5 });
    await expect(store.listJobsByCluster('eu-2', { cursor: eu1.cursor })).rejects.toMatchObject({
      issues: [{ path: 'cursor' }],
    });
    await expect(store.listJobsByTeam('risk', { cursor: eu1.cursor })).rejects.toBeInstanceOf(
      InvalidPageRequestError,
    );
    await expect(store.listJobs({ cursor: eu1.cursor })).rejects.toBeInstanceOf(
      InvalidPageRequestError,
    );
    await expect(store.listJobsByCluster('eu-1', { cursor: all.cursor })).rejects.toBeInstanceOf(
      InvalidPageRequestError,
    );
    await store.addSavepoint({
      jobName: nameOf(0),
      triggerKind: 'manual',
      generation: 1,
      flinkJobId: 'f',
    });
    await store.addSavepoint({
      jobName: nameOf(0),
      triggerKind: 'manual',
      generation: 1,
      flinkJobId: 'f',
    });
    const sp = await store.listSavepoints(nameOf(0), { limit: 1 });
    expect(sp.cursor).toBeDefined();
    await expect(store.listHistory(nameOf(0), { cursor: sp.cursor })).rejects.toBeInstanceOf(
      InvalidPageRequestError,
    );
    await expect(store.listSavepoints(nameOf(1), { cursor: sp.cursor })).rejects.toBeInstanceOf(
      InvalidPageRequestError,
    );
  });

  it('refuses a bad limit naming `limit`', async () => {
    for (const limit of [0, -1, 1.5, 1001]) {
      await expect(store.listJobs({ limit })).rejects.toMatchObject({
        issues: [{ path: 'limit' }],
      });
    }
  });
});
