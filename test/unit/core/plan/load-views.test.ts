import { describe, expect, it } from 'vitest';
import type { PlanningRecord, StoredSpecs } from '../../../../functions/core/model/index.js';
import { fullViews, loadViews } from '../../../../functions/core/plan/load-views.js';
import type { JobView, PlanView } from '../../../../functions/core/plan/plan-actions.js';
import { SpecCache } from '../../../../functions/core/plan/spec-cache.js';
import { specSummaryOf } from '../../../../functions/core/plan/spec-summary.js';
import { flinkJobSchema } from '../../../../functions/core/spec/index.js';
import { NOW, job, snapshot } from './fixtures.js';

const v1 = snapshot(job({ parallelism: 1 }), 1);
const v2 = snapshot(job({ parallelism: 2 }), 2);

function record(name: string, desired = v1, applied?: typeof v1): PlanningRecord {
  return {
    name,
    team: 'platform',
    clusterRef: 'local',
    specHash: desired.specHash,
    generation: desired.generation,
    version: 3,
    updatedAt: NOW.toISOString(),
    status: {
      phase: 'RUNNING',
      attempt: 1,
      ...(applied ? { lastApplied: { specHash: applied.specHash, generation: 1 } } : {}),
    },
  };
}

/** A store of lean records and their stored specs that counts what is read. */
function fakeStore(records: PlanningRecord[], specs: Map<string, StoredSpecs>) {
  const reads: { names: readonly string[]; lastApplied: boolean }[] = [];
  return {
    reads,
    listJobsForPlanning: () => Promise.resolve(records),
    getStoredSpecs: (names: readonly string[], options: { lastApplied?: boolean } = {}) => {
      reads.push({ names, lastApplied: options.lastApplied ?? false });
      return Promise.resolve(
        names.flatMap((n) => {
          const s = specs.get(n);
          if (!s) return [];
          const { lastApplied, ...desired } = s;
          return [options.lastApplied && lastApplied ? { ...desired, lastApplied } : desired];
        }),
      );
    },
  };
}

const stored = (name: string, desired = v1, applied?: typeof v1): StoredSpecs => ({
  name,
  specHash: desired.specHash,
  spec: desired.spec,
  ...(applied ? { lastApplied: { specHash: applied.specHash, spec: applied.spec } } : {}),
});

describe('loadViews', () => {
  it('reads the specs of the first cycle, and none in the next while they are unchanged', async () => {
    const store = fakeStore(
      [record('a', v1, v1), record('b', v2, v1), record('c', v2)],
      new Map([
        ['a', stored('a', v1, v1)],
        ['b', stored('b', v2, v1)],
        ['c', stored('c', v2)],
      ]),
    );
    const cache = new SpecCache(10);
    const first = await loadViews(store, cache);
    expect(first.skipped).toEqual([]);
    const views = first.views as JobView[];
    expect(first.views.map((v) => v.record.name)).toEqual(['a', 'b', 'c']);
    expect(views[0]?.desired.spec.parallelism).toBe(1);
    expect(views[0]?.lastApplied?.spec.parallelism).toBe(1);
    expect(views[1]?.desired.spec.parallelism).toBe(2);
    expect(views[1]?.lastApplied?.spec.parallelism).toBe(1);
    expect(first.views[2]?.lastApplied).toBeUndefined();
    // The last applied spec is asked for only where it differs from the desired one.
    expect(store.reads).toEqual([
      { names: ['b'], lastApplied: true },
      { names: ['a', 'c'], lastApplied: false },
    ]);
    expect(cache.parses).toBe(2);

    store.reads.length = 0;
    const second = await loadViews(store, cache);
    expect(store.reads).toEqual([]);
    expect(cache.parses).toBe(2);
    expect(second).toEqual(first);
  });

  it('skips a job whose spec changed between the listing and the read, planning it next cycle', async () => {
    // Listed at v1, but the read finds v2 already: neither is planned from a mix.
    const store = fakeStore([record('a', v1)], new Map([['a', stored('a', v2)]]));
    const loaded = await loadViews(store, new SpecCache(10));
    expect(loaded.views).toEqual([]);
    expect(loaded.skipped).toEqual([{ jobName: 'a', reason: 'changed concurrently' }]);
  });

  it('skips a job deleted after the listing', async () => {
    const store = fakeStore([record('gone', v1)], new Map());
    const loaded = await loadViews(store, new SpecCache(10));
    expect(loaded.skipped).toEqual([{ jobName: 'gone', reason: 'changed concurrently' }]);
  });

  it('says why a stored spec no longer parses; a broken last applied spec counts as none', async () => {
    const broken = { specHash: 'broken', spec: { kind: 'FlinkJob' }, generation: 1 };
    const store = fakeStore(
      [record('bad', broken), record('old', v1, broken)],
      new Map([
        ['bad', stored('bad', broken)],
        ['old', stored('old', v1, broken)],
      ]),
    );
    const loaded = await loadViews(store, new SpecCache(10));
    expect(loaded.skipped).toEqual([
      { jobName: 'bad', reason: expect.stringContaining('stored spec no longer valid') as string },
    ]);
    expect(loaded.views.map((v) => [v.record.name, v.lastApplied])).toEqual([['old', undefined]]);
  });

  it('plans every job when the fleet has more specs than the cache holds', async () => {
    const specs = Array.from({ length: 6 }, (_, i) => snapshot(job({ parallelism: i + 1 }), 1));
    const records = specs.map((s, i) => record(`j${i}`, s, specs[(i + 1) % specs.length]));
    const store = fakeStore(
      records,
      new Map(
        records.map((r, i) => [r.name, stored(r.name, specs[i], specs[(i + 1) % specs.length])]),
      ),
    );
    const cache = new SpecCache(2);
    for (let cycle = 0; cycle < 3; cycle++) {
      const loaded = await loadViews(store, cache);
      expect(loaded.skipped).toEqual([]);
      const views = loaded.views as JobView[];
      expect(views.map((v) => v.desired.spec.parallelism)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(views.map((v) => v.lastApplied?.spec.parallelism)).toEqual([2, 3, 4, 5, 6, 1]);
    }
    expect(cache.size).toBe(2);
  });
});

const summaryOf = (s: typeof v1) => specSummaryOf(flinkJobSchema.parse(s.spec), s.specHash);
const withSummary = (r: PlanningRecord, s: typeof v1): PlanningRecord => ({
  ...r,
  specSummary: summaryOf(s),
});

describe('loadViews with spec summaries', () => {
  it('plans unchanged jobs from their summary on a cold cache, reading only changed jobs', async () => {
    const store = fakeStore(
      [
        withSummary(record('steady', v1, v1), v1),
        withSummary(record('new', v1), v1),
        withSummary(record('changed', v2, v1), v2),
        // A summary of another spec than the stored one is not trusted.
        withSummary(record('stale', v2, v2), v1),
        record('old', v1, v1),
      ],
      new Map([
        ['changed', stored('changed', v2, v1)],
        ['stale', stored('stale', v2, v2)],
        ['old', stored('old', v1, v1)],
      ]),
    );
    const loaded = await loadViews(store, new SpecCache(10));
    expect(loaded.skipped).toEqual([]);
    const kinds = (views: PlanView[]) =>
      views.map((v) => [v.record.name, v.summary === true ? 'summary' : 'full']);
    expect(kinds(loaded.views)).toEqual([
      ['steady', 'summary'],
      ['new', 'summary'],
      ['changed', 'full'],
      ['stale', 'full'],
      ['old', 'full'],
    ]);
    const [steady, fresh] = loaded.views;
    expect(steady?.desired.spec).toEqual({
      clusterRef: 'local',
      state: 'running',
      savepointNonce: 0,
      savepointPolicy: { interval: 'off' },
    });
    expect(steady?.lastApplied).toBe(steady?.desired);
    expect(fresh?.lastApplied).toBeUndefined();
    expect(store.reads).toEqual([
      { names: ['changed'], lastApplied: true },
      { names: ['stale', 'old'], lastApplied: false },
    ]);
  });

  it('uses a cached spec rather than the summary', async () => {
    const store = fakeStore(
      [withSummary(record('a', v1, v1), v1)],
      new Map([['a', stored('a', v1, v1)]]),
    );
    const cache = new SpecCache(10);
    cache.parse(v1.specHash, v1.spec);
    const loaded = await loadViews(store, cache);
    expect(loaded.views[0]?.summary).not.toBe(true);
    expect(store.reads).toEqual([]);
  });
});

describe('fullViews', () => {
  it('reads the specs not cached and parses them; a spec changed since listing is skipped', async () => {
    const cached = withSummary(record('cached', v2, v2), v2);
    const listed = withSummary(record('listed', v1, v1), v1);
    const moved = withSummary(record('moved', v1), v1);
    const gone = withSummary(record('gone', v1), v1);
    const store = fakeStore(
      [],
      new Map([
        ['listed', stored('listed', v1, v1)],
        // Changed after the listing: its hash is not the listed one.
        ['moved', stored('moved', v2)],
      ]),
    );
    const cache = new SpecCache(10);
    cache.parse(v2.specHash, v2.spec);
    const views = await fullViews(store, [cached, listed, moved, gone], cache);
    expect(store.reads).toEqual([{ names: ['listed', 'moved', 'gone'], lastApplied: false }]);
    const view = (name: string) => views.get(name) as JobView;
    expect(view('cached').desired.spec.parallelism).toBe(2);
    expect(view('cached').lastApplied).toBe(view('cached').desired);
    expect(view('listed').desired.spec.parallelism).toBe(1);
    expect(view('listed').summary).toBeUndefined();
    expect(views.get('moved')).toBe('changed concurrently');
    expect(views.get('gone')).toBe('changed concurrently');
  });
});
