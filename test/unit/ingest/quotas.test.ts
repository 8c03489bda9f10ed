/**
 * Per-team quotas through S3 ingest: the same core check as the API, over the whole file, so a
 * file that would take its team over a quota is rejected whole, with the team, the limit and the
 * usage in its result object, and nothing is written.
 */
import { describe, expect, it } from 'vitest';
import {
  clusterYaml,
  jobYaml,
  snapshot,
  specKey,
  teamKey,
  useBench,
  yamlFile,
  type Bench,
} from './fixtures.js';

let bench: Bench;
useBench((b) => {
  bench = b;
});

const QUOTAS = { payments: { maxJobs: 2, maxParallelism: 3 } };

async function applyAdminCluster(): Promise<void> {
  const key = specKey('platform.yaml');
  expect(await bench.handler(await bench.upload(key, clusterYaml('eu-1')))).toMatchObject({
    status: 'applied',
  });
}

describe('per-team quotas at ingest', () => {
  it('rejects a file whose jobs together exceed the team’s quotas, naming each, writing nothing', async () => {
    await applyAdminCluster();
    const handler = bench.handlerWith(bench.store, { quotas: QUOTAS });
    const key = teamKey('payments', 'jobs.yaml');
    const file = yamlFile(
      jobYaml('orders', 'eu-1', '  parallelism: 2\n', 'payments'),
      jobYaml('refunds', 'eu-1', '  parallelism: 2\n', 'payments'),
      jobYaml('ledger', 'eu-1', '', 'payments'),
    );
    const before = await snapshot(bench.store, ['orders', 'refunds', 'ledger']);
    expect(await handler(await bench.upload(key, file))).toMatchObject({ status: 'rejected' });
    expect(await snapshot(bench.store, ['orders', 'refunds', 'ledger'])).toEqual(before);
    const result = await bench.result(key);
    const issues = (result as { issues: { path: string; message: string }[] }).issues;
    expect(issues).toContainEqual({
      path: 'documents[0].metadata.name',
      message: 'team "payments" may have at most 2 jobs (maxJobs); it has 0, this would make 3',
    });
    expect(issues).toContainEqual({
      path: 'documents[2].spec.parallelism',
      message:
        'team "payments" may run at most 3 parallel tasks in total (maxParallelism); its running jobs use 0, this would make 5',
    });

    // Within both quotas: applied.
    const fits = yamlFile(
      jobYaml('orders', 'eu-1', '  parallelism: 2\n', 'payments'),
      jobYaml('refunds', 'eu-1', '', 'payments'),
    );
    expect(await handler(await bench.upload(key, fits))).toMatchObject({ status: 'applied' });
  });

  it('holds against jobs stored through another door', async () => {
    await applyAdminCluster();
    const handler = bench.handlerWith(bench.store, { quotas: QUOTAS });
    expect(
      await handler(
        await bench.upload(
          teamKey('payments', 'a.yaml'),
          jobYaml('orders', 'eu-1', '  parallelism: 3\n', 'payments'),
        ),
      ),
    ).toMatchObject({ status: 'applied' });
    const key = teamKey('payments', 'b.yaml');
    expect(
      await handler(await bench.upload(key, jobYaml('refunds', 'eu-1', '', 'payments'))),
    ).toMatchObject({ status: 'rejected' });
    expect(JSON.stringify(await bench.result(key))).toContain(
      'its running jobs use 3, this would make 4',
    );
  });
});
