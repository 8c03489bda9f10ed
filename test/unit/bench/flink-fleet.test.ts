import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fleetJobId,
  fleetJobName,
  startFlinkFleet,
  type FlinkFleet,
} from '../../../scripts/bench/flink-fleet.js';
import { flinkReconcileContractSuite } from '../../support/flink-reconcile-contract.js';

let fleet: FlinkFleet;
beforeAll(async () => {
  fleet = await startFlinkFleet({ clusters: 2, jobsPerCluster: 3 });
});
afterAll(async () => {
  await fleet.stop();
});

flinkReconcileContractSuite('the benchmark fleet stand-in', () => ({ url: fleet.urls[1] ?? '' }));

const recorded = (name: string): unknown =>
  (
    JSON.parse(
      readFileSync(new URL(`../../fixtures/flink/2.3.0/${name}.json`, import.meta.url), 'utf8'),
    ) as { body: unknown }
  ).body;

/** Every key path of a JSON value, arrays by their first element. */
function shape(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [at] : shape(value[0], `${at}[]`);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, v]) => [
      `${at}.${key}`,
      ...shape(v, `${at}.${key}`),
    ]);
  return [];
}

describe('the fleet stand-in', () => {
  const get = async (cluster: number, path: string) => {
    const res = await fetch(`${fleet.urls[cluster] ?? ''}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers with bodies shaped exactly like the ones recorded from Flink 2.3.0', async () => {
    const overview = await get(0, '/jobs/overview');
    expect(shape(overview.body).sort()).toEqual(shape(recorded('jobs-overview-running')).sort());
    const jid = fleetJobId(fleetJobName(0, 1));
    const detail = await get(0, `/jobs/${jid}`);
    expect(shape(detail.body).sort()).toEqual(shape(recorded('job-detail-running')).sort());
    expect(detail.body.jid).toBe(jid);
    expect(shape((await get(0, '/config')).body).sort()).toEqual(shape(recorded('config')).sort());
  });

  it('lists each cluster its own jobs, under the names and ids the seeding derives', async () => {
    for (const cluster of [0, 1]) {
      const { body } = await get(cluster, '/jobs/overview');
      const jobs = body.jobs as { jid: string; name: string; state: string }[];
      expect(jobs.map((j) => j.name)).toEqual([0, 1, 2].map((j) => fleetJobName(cluster, j)));
      expect(jobs.map((j) => j.jid)).toEqual(jobs.map((j) => fleetJobId(j.name)));
      expect(new Set(jobs.map((j) => j.state))).toEqual(new Set(['RUNNING']));
    }
    // Another cluster's job is unknown here, as on separate JobManagers.
    expect((await get(1, `/jobs/${fleetJobId(fleetJobName(0, 0))}`)).status).toBe(404);
  });

  it('counts requests by route and per cluster, until reset', async () => {
    fleet.resetCounts();
    await get(0, '/jobs/overview');
    await get(1, '/jobs/overview');
    await get(1, `/jobs/${fleetJobId(fleetJobName(1, 0))}`);
    await get(1, '/no/such/route');
    const counts = fleet.counts();
    expect(counts.total).toBe(4);
    expect(counts.byRoute).toEqual({ 'GET /jobs/overview': 2, 'GET /jobs/:id': 1, other: 1 });
    expect(counts.maxPerCluster).toBe(3);
    expect(counts.bytes).toBeGreaterThan(0);
    fleet.resetCounts();
    expect(fleet.counts()).toEqual({ total: 0, bytes: 0, byRoute: {}, maxPerCluster: 0 });
  });
});
