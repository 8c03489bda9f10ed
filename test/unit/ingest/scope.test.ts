/**
 * Ingest authorization: the object key binds a spec file to its author's scope, and the same
 * core rules as the API decide what that scope may change. `specs/teams/<team>/…` may change
 * that team's jobs only; `specs/admin/…` anything; any other key nothing. A file that touches
 * anything outside its scope is rejected whole, with the reason in its result object, and
 * nothing is written. Deleting a file obeys the same scope.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocalS3 } from '../../support/s3rver.js';
import {
  clusterYaml,
  jobYaml,
  useBench,
  s3Event,
  snapshot,
  specKey,
  teamKey,
  yamlFile,
  type Bench,
} from './fixtures.js';

let s3: LocalS3;
let bench: Bench;

useBench((b, s) => {
  bench = b;
  s3 = s;
});

beforeEach(async () => {
  // The platform team's file: the cluster and one job of team search.
  const admin = await bench.handler(
    await bench.upload(
      specKey('platform.yaml'),
      yamlFile(clusterYaml('eu-1'), jobYaml('search-index', 'eu-1', '', 'search')),
    ),
  );
  expect(admin).toMatchObject({ status: 'applied' });
});

const JOBS = ['search-index', 'orders', 'refunds'];

/** Uploads `body` at `key`, runs ingest, and checks the file changed nothing. */
async function expectRejected(key: string, body: string): Promise<Record<string, unknown>> {
  const before = await snapshot(bench.store, JOBS);
  const outcome = await bench.handler(await bench.upload(key, body));
  expect(outcome).toMatchObject({ status: 'rejected' });
  expect(await snapshot(bench.store, JOBS)).toEqual(before);
  const result = await bench.result(key);
  expect(result).toMatchObject({ status: 'rejected', declared: [] });
  return result;
}

describe('a team scope (specs/teams/<team>/)', () => {
  it("applies the team's own jobs", async () => {
    const key = teamKey('payments', 'orders.yaml');
    const outcome = await bench.handler(
      await bench.upload(key, jobYaml('orders', 'eu-1', '', 'payments')),
    );
    expect(outcome).toMatchObject({ status: 'applied' });
    expect(await bench.store.getJob('orders')).toMatchObject({ team: 'payments' });
    expect(await bench.result(key)).toMatchObject({
      jobs: [{ name: 'orders', outcome: 'created' }],
    });
  });

  it('may not repoint an existing cluster (the credential-theft attack): rejected whole', async () => {
    const result = await expectRejected(
      teamKey('payments', 'evil.yaml'),
      yamlFile(
        clusterYaml('eu-1', 'https://attacker.example.com'),
        jobYaml('orders', 'eu-1', '', 'payments'),
      ),
    );
    expect(result.issues).toEqual(
      expect.arrayContaining([
        {
          path: 'documents[0]',
          message: expect.stringMatching(
            /^FlinkCluster "eu-1": .*only admins change clusters/,
          ) as string,
        },
        {
          path: 'source.key',
          message: expect.stringContaining('specs/admin/') as string,
        },
      ]),
    );
    expect(await bench.store.getJob('orders')).toBeUndefined();
    expect((await bench.store.getCluster('eu-1'))?.spec).toMatchObject({
      spec: { url: 'http://127.0.0.1:8081' },
    });
  });

  it("may not declare another team's job", async () => {
    const result = await expectRejected(
      teamKey('payments', 'other.yaml'),
      yamlFile(jobYaml('orders', 'eu-1', '', 'payments'), jobYaml('refunds', 'eu-1', '', 'search')),
    );
    expect(result.issues).toContainEqual({
      path: 'documents[1]',
      message: expect.stringMatching(
        /^FlinkJob "refunds": .*not a member of team search/,
      ) as string,
    });
  });

  it("may not take over another team's job, and is not told whose it is", async () => {
    const result = await expectRejected(
      teamKey('payments', 'take.yaml'),
      jobYaml('search-index', 'eu-1', '  parallelism: 9\n', 'payments'),
    );
    const issues = result.issues as { path: string; message: string }[];
    expect(issues[0]).toEqual({
      path: 'documents[0]',
      message: expect.stringContaining('this name is taken by a job outside') as string,
    });
    expect(JSON.stringify(issues)).not.toMatch(/team search/);
    expect(await bench.store.getJob('search-index')).toMatchObject({
      team: 'search',
      generation: 1,
    });
  });

  it('deleting the file does not touch a job that is not its team', async () => {
    // A result object naming another team's job (only ingest writes results: a forged one).
    const key = teamKey('payments', 'forged.yaml');
    const stored = await bench.store.getJob('search-index');
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: `results/${key.slice('specs/'.length)}.result.json`,
        Body: JSON.stringify({
          source: {},
          status: 'applied',
          declared: [
            { name: 'search-index', generation: stored?.generation, specHash: stored?.specHash },
          ],
        }),
      }),
    );
    const before = await snapshot(bench.store, JOBS);
    const outcome = await bench.handler(s3Event('Object Deleted', s3.bucket, key));
    expect(outcome).toMatchObject({ status: 'deleted' });
    expect(await snapshot(bench.store, JOBS)).toEqual(before);
    const result = await bench.result(key);
    expect(result.jobs).toEqual([
      {
        name: 'search-index',
        outcome: 'kept',
        reason: expect.stringContaining('outside the scope of this file') as string,
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/team search/);
  });

  it('deleting a team file retires its own jobs as before', async () => {
    const key = teamKey('payments', 'orders.yaml');
    await bench.handler(await bench.upload(key, jobYaml('orders', 'eu-1', '', 'payments')));
    await bench.handler(await bench.remove(key));
    expect(await bench.result(key)).toMatchObject({
      status: 'deleted',
      jobs: [{ name: 'orders', outcome: 'suspending' }],
    });
  });
});

describe('keys outside every scope', () => {
  it.each([
    ['the old flat layout', 'specs/fleet.yaml'],
    ['a folder that is no scope', 'specs/payments/fleet.yaml'],
    ['a file directly under teams/', 'specs/teams/fleet.yaml'],
    ['a team name that is not a DNS label', 'specs/teams/Payments/fleet.yaml'],
  ])('%s (%s) is rejected with the layout as remedy', async (_what, key) => {
    const result = await expectRejected(
      key,
      yamlFile(clusterYaml('eu-2'), jobYaml('orders', 'eu-2', '', 'payments')),
    );
    expect(result.issues).toEqual([
      {
        path: 'source.key',
        message: expect.stringMatching(/specs\/teams\/<team>\/.*specs\/admin\//) as string,
      },
    ]);
    expect(await bench.store.getCluster('eu-2')).toBeUndefined();
  });

  it('deleting a file outside every scope keeps its jobs, saying why', async () => {
    const key = 'specs/legacy.yaml';
    const stored = await bench.store.getJob('search-index');
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: 'results/legacy.yaml.result.json',
        Body: JSON.stringify({
          source: {},
          status: 'applied',
          declared: [
            { name: 'search-index', generation: stored?.generation, specHash: stored?.specHash },
          ],
        }),
      }),
    );
    const before = await snapshot(bench.store, JOBS);
    await bench.handler(s3Event('Object Deleted', s3.bucket, key));
    expect(await snapshot(bench.store, JOBS)).toEqual(before);
    expect(await bench.result(key)).toMatchObject({
      status: 'deleted',
      jobs: [{ name: 'search-index', outcome: 'kept' }],
    });
  });
});

describe('the admin scope (specs/admin/)', () => {
  it("changes clusters and any team's jobs; a cluster URL change is audited", async () => {
    const key = specKey('move.yaml');
    const info = vi.spyOn(bench.observability.logger, 'info');
    const outcome = await bench.handler(
      await bench.upload(
        key,
        yamlFile(
          clusterYaml('eu-1', 'http://127.0.0.1:8082'),
          jobYaml('search-index', 'eu-1', '', 'payments'),
        ),
      ),
    );
    expect(outcome).toMatchObject({ status: 'applied' });
    expect(await bench.store.getJob('search-index')).toMatchObject({ team: 'payments' });
    expect(info).toHaveBeenCalledWith(
      'cluster url changed',
      expect.objectContaining({
        resource: 'cluster/eu-1',
        fromHost: '127.0.0.1:8081',
        toHost: '127.0.0.1:8082',
        principal: expect.stringContaining(key) as string,
      }),
    );
  });
});
