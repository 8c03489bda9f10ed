import { describe, expect, it } from 'vitest';
import type { ApiBenchResult } from '../../../scripts/bench/api-bench.js';
import type { CycleFigures, ReconcileBenchResult } from '../../../scripts/bench/reconcile-bench.js';
import { checkApiBounds, checkBounds, formatBounds, MB } from '../../../scripts/bench/report.js';

function cycle(overrides: { cpuMs?: number; bytesRead?: number; flink?: number; max?: number }) {
  return {
    wallMs: 1,
    cpuMs: overrides.cpuMs ?? 500,
    heapUsedMb: 10,
    planned: { none: 10_000 },
    dynamo: {
      requests: 17,
      byOperation: {},
      bytesRead: overrides.bytesRead ?? MB,
      bytesWritten: 0,
    },
    flink: {
      total: overrides.flink ?? 100,
      bytes: 0,
      byRoute: {},
      maxPerCluster: overrides.max ?? 1,
    },
  } satisfies CycleFigures;
}
const result = (reconcile: CycleFigures): ReconcileBenchResult => ({
  jobs: 10_000,
  clusters: 100,
  seedMs: 0,
  reconcile,
  baseline: cycle({}),
  started: 0,
});

describe('the bounds of issue 12', () => {
  it('hold for a lean cycle', () => {
    expect(checkBounds(result(cycle({}))).map((c) => c.holds)).toEqual([true, true, true]);
  });

  it('fail one by one: a second call to a cluster, 1 s of CPU exceeded, 20 MB read exceeded', () => {
    expect(checkBounds(result(cycle({ flink: 101, max: 2 })))[0]?.holds).toBe(false);
    expect(checkBounds(result(cycle({ cpuMs: 1001 })))[1]?.holds).toBe(false);
    expect(checkBounds(result(cycle({ cpuMs: 1000 })))[1]?.holds).toBe(true);
    expect(checkBounds(result(cycle({ bytesRead: 20 * MB + 1 })))[2]?.holds).toBe(false);
  });

  it('say when the largest size run is not the one the bounds are for', () => {
    const small = { ...result(cycle({})), jobs: 1000, clusters: 10 };
    expect(formatBounds([small])).toContain('the bounds are for 10,000');
    expect(formatBounds([small, result(cycle({}))])).toContain('at 10,000 jobs / 100 clusters');
  });

  it('of the API: list rate and p99, GET p99 at 200/s, no failed requests', () => {
    const api = (listRps: number, getP99: number, failures = 0): ApiBenchResult => ({
      jobs: 1000,
      seedMs: 0,
      runs: [
        {
          name: 'GET /v1/jobs (list)',
          requestsPerS: listRps,
          p50Ms: 5,
          p99Ms: 50,
          failures,
          requests: 1,
        },
        {
          name: 'GET /v1/jobs/{name}',
          rate: 200,
          requestsPerS: 200,
          p50Ms: 2,
          p99Ms: getP99,
          failures: 0,
          requests: 1,
        },
      ],
    });
    expect(checkApiBounds(api(250, 20)).map((c) => c.holds)).toEqual([true, true]);
    expect(checkApiBounds(api(150, 30)).map((c) => c.holds)).toEqual([false, false]);
    expect(checkApiBounds(api(250, 20, 3)).map((c) => c.holds)).toEqual([false, true]);
  });
});
