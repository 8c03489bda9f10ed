/**
 * fjc's reading of Flink's REST answers, checked against every answer real clusters gave
 * (test/fixtures/flink/<version>/, recorded by scripts/flink/record-responses.ts on 1.20 and 2.3):
 * jobs INITIALIZING, RUNNING, FAILED, CANCELED and FINISHED, refused submissions (which leave a
 * FAILED job with a null scheduler type on 2.3), forgotten triggers, the adaptive scheduler.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ClusterRefusedError,
  DuplicateJobIdError,
  JobNotOnClusterError,
  type FlinkPort,
} from '../../../functions/core/ports/index.js';
import { FlinkClusterPort, FlinkRestClient } from '../../../functions/flink/index.js';
import {
  accumulatorsSchema,
  asyncOperationSchema,
  checkpointingStatsSchema,
  clusterOverviewSchema,
  dashboardConfigSchema,
  errorBodySchema,
  jarRunSchema,
  jarUploadSchema,
  jobDetailSchema,
  jobExceptionsSchema,
  jobOverviewSchema,
  jobsOverviewSchema,
  resourceRequirementsSchema,
  triggerSchema,
} from '../../../functions/flink/schemas.js';
import { cannedServer, json } from './canned-server.js';

interface Fixture {
  version: string;
  name: string;
  request: string;
  status: number;
  body: unknown;
}

const root = join(import.meta.dirname, '..', '..', 'fixtures', 'flink');
const versions = readdirSync(root).sort();
const fixtures: Fixture[] = versions.flatMap((version) =>
  readdirSync(join(root, version))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      version,
      name: file.replace(/\.json$/, ''),
      ...(JSON.parse(readFileSync(join(root, version, file), 'utf8')) as {
        request: string;
        status: number;
        body: unknown;
      }),
    })),
);
const fixture = (version: string, name: string): Fixture => {
  const found = fixtures.find((f) => f.version === version && f.name === name);
  if (!found) throw new Error(`no fixture ${version}/${name}`);
  return found;
};

/** The schema fjc reads each route's successful answer with. */
const ROUTES: [RegExp, z.ZodType][] = [
  [/^GET \/config$/, dashboardConfigSchema],
  [/^GET \/overview$/, clusterOverviewSchema],
  [/^GET \/jobs\/overview$/, jobsOverviewSchema],
  [/^GET \/jobs\/[^/]+$/, jobDetailSchema],
  [/^GET \/jobs\/[^/]+\/checkpoints$/, checkpointingStatsSchema],
  [/^GET \/jobs\/[^/]+\/exceptions$/, jobExceptionsSchema],
  [/^GET \/jobs\/[^/]+\/accumulators$/, accumulatorsSchema],
  [/^GET \/jobs\/[^/]+\/resource-requirements$/, resourceRequirementsSchema],
  [/^POST \/jars\/upload$/, jarUploadSchema],
  [/^POST \/jars\/[^/]+\/run$/, jarRunSchema],
  [/^POST \/(jobs\/[^/]+\/(savepoints|stop)|savepoint-disposal)$/, triggerSchema],
  [/^GET \/(jobs\/[^/]+\/savepoints|savepoint-disposal)\/[^/]+$/, asyncOperationSchema],
];
const IGNORED_BODY = /^(PATCH|PUT|DELETE) /;

function schemaOf(request: string): z.ZodType | undefined {
  return ROUTES.find(([route]) => route.test(request))?.[1];
}

function issuesOf(result: z.ZodSafeParseResult<unknown>): string {
  return result.success
    ? ''
    : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

const servers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of servers.splice(0)) await close();
});

/** The port over a loopback server that answers every request with the fixture. */
async function portAnswering(f: Fixture): Promise<FlinkPort> {
  const server = await cannedServer((_req, res) => {
    json(res, f.status, f.body);
  });
  const client = new FlinkRestClient({
    baseUrl: server.url,
    flinkVersion: f.version,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    timeoutMs: 5_000,
  });
  servers.push(async () => {
    await client.close();
    await server.close();
  });
  return new FlinkClusterPort(client);
}

const JOB = '0123456789abcdef0123456789abcdef';
const TRIGGER = 'fedcba9876543210fedcba9876543210';

describe('recorded Flink answers', () => {
  it('cover Flink 1.20 and 2.3', () => {
    expect(versions).toEqual(expect.arrayContaining(['1.20.5', '2.3.0']));
    for (const version of versions)
      expect(fixtures.filter((f) => f.version === version).length).toBeGreaterThan(40);
  });

  it.each(fixtures.map((f) => [`${f.version}/${f.name}`, f] as const))(
    '%s is read by the schema of its route',
    (_name, f) => {
      if (f.status >= 400) {
        const result = errorBodySchema.safeParse(f.body);
        expect(issuesOf(result)).toBe('');
        return;
      }
      if (IGNORED_BODY.test(f.request)) return;
      const schema = schemaOf(f.request);
      if (schema === undefined) throw new Error(`no schema for ${f.request}: map its route`);
      expect(issuesOf(schema.safeParse(f.body))).toBe('');
    },
  );

  it.each(
    fixtures
      .filter((f) => f.request === 'GET /jobs/overview')
      .map((f) => [`${f.version}/${f.name}`, f] as const),
  )('%s: every entry is observed, a null scheduler type as none', async (_name, f) => {
    const entries = (f.body as { jobs: Record<string, unknown>[] }).jobs;
    for (const entry of entries) expect(issuesOf(jobOverviewSchema.safeParse(entry))).toBe('');
    const listed = await (await portAnswering(f)).listJobs();
    expect(listed.unreadable).toEqual([]);
    expect(listed.jobs).toEqual(
      entries.map((entry) => ({
        jobId: entry.jid,
        state: entry.state,
        startTime: entry['start-time'],
        ...(typeof entry.schedulerType === 'string' ? { schedulerType: entry.schedulerType } : {}),
      })),
    );
  });

  it.each(versions)(
    '%s: a refused submission leaves a FAILED job that does not blind fjc',
    async (v) => {
      const f = fixture(v, 'jobs-overview-after-refusals');
      const listed = await (await portAnswering(f)).listJobs();
      expect(listed.jobs.map((j) => j.state)).toEqual(
        expect.arrayContaining(['FAILED', 'RUNNING']),
      );
      expect(listed.jobs.find((j) => j.state === 'FAILED')).not.toHaveProperty('schedulerType');
    },
  );

  it.each(versions)('%s: jobs starting up are observed as INITIALIZING', async (v) => {
    const listed = await (await portAnswering(fixture(v, 'jobs-overview-starting'))).listJobs();
    expect(listed.jobs.map((j) => j.state)).toContain('INITIALIZING');
    const job = await (await portAnswering(fixture(v, 'job-detail-starting'))).getJob(JOB);
    expect(job.state).toBe('INITIALIZING');
  });

  it.each(versions)('%s: job details of every state are read', async (v) => {
    for (const [name, state] of [
      ['job-detail-running', 'RUNNING'],
      ['job-detail-failed', 'FAILED'],
      ['job-detail-refused', 'FAILED'],
      ['job-detail-canceled', 'CANCELED'],
      ['job-detail-finished', 'FINISHED'],
    ] as const) {
      const job = await (await portAnswering(fixture(v, name))).getJob(JOB);
      expect(job.state, name).toBe(state);
    }
    const missing = await (
      await portAnswering(fixture(v, 'job-detail-not-found'))
    )
      .getJob(JOB)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(JobNotOnClusterError);
  });

  it.each(versions)('%s: checkpoint histories of every state are read', async (v) => {
    for (const name of [
      'job-checkpoints-running',
      'job-checkpoints-failed',
      'job-checkpoints-refused',
      'job-checkpoints-canceled',
      'job-checkpoints-finished',
    ]) {
      const summary = await (await portAnswering(fixture(v, name))).getCheckpoints(JOB);
      expect(summary.completed, name).toBeGreaterThanOrEqual(0);
    }
    const running = await (
      await portAnswering(fixture(v, 'job-checkpoints-running'))
    ).getCheckpoints(JOB);
    expect(running.latest?.path).toMatch(/chk-\d+$/);
    // While the job initializes, Flink has no checkpoint history to give (HTTP 500): an error,
    // but never one that says the job is gone.
    const starting = await (
      await portAnswering(fixture(v, 'job-checkpoints-starting'))
    )
      .getCheckpoints(JOB)
      .catch((e: unknown) => e);
    expect(starting).toBeInstanceOf(Error);
    expect(starting).not.toBeInstanceOf(JobNotOnClusterError);
  });

  it.each(versions)(
    '%s: a finished job’s checkpoint history names its stop savepoint and the failed one',
    async (v) => {
      const history = await (
        await portAnswering(fixture(v, 'job-checkpoints-finished'))
      ).getSavepointHistory(JOB);
      expect(history.completed?.path).toMatch(/savepoints\/savepoint-/);
      expect(history.completed?.triggeredAt).toBeGreaterThan(0);
      expect(history.failed?.cause).toMatch(/IO-problem/);
      const running = await (
        await portAnswering(fixture(v, 'job-checkpoints-running'))
      ).getSavepointHistory(JOB);
      expect(running.completed?.path ?? '').not.toMatch(/chk-/);
    },
  );

  it.each(versions)(
    '%s: savepoint outcomes are read, a forgotten trigger as not known',
    async (v) => {
      const status = async (name: string) =>
        (await portAnswering(fixture(v, name))).getSavepointStatus(JOB, TRIGGER);
      expect(await status('savepoint-status-first-look')).toEqual({ state: 'IN_PROGRESS' });
      expect(await status('savepoint-status-completed')).toMatchObject({
        state: 'COMPLETED',
        location: expect.stringMatching(/savepoint-/) as unknown,
      });
      expect(await status('stop-with-savepoint-status')).toMatchObject({ state: 'COMPLETED' });
      expect(await status('savepoint-status-failed')).toMatchObject({ state: 'FAILED' });
      expect(await status('savepoint-status-finished-job')).toMatchObject({
        state: 'FAILED',
        cause: expect.stringMatching(/FlinkJobNotFoundException/) as unknown,
      });
      const forgotten = await status('savepoint-status-unknown-trigger').catch((e: unknown) => e);
      expect(forgotten).toBeInstanceOf(JobNotOnClusterError);
    },
  );

  it.each(versions)('%s: refused submissions are refusals, a reused id a duplicate', async (v) => {
    const run = async (name: string) =>
      (await portAnswering(fixture(v, name)))
        .runJar('x.jar', { jobId: JOB })
        .catch((e: unknown) => e);
    expect(await run('jar-run-refused-duplicate-id')).toBeInstanceOf(DuplicateJobIdError);
    for (const [name, reason] of [
      ['jar-run-refused-main-failed', /Failing on start/],
      ['jar-run-refused-no-such-class', /NoSuchClass/],
      ['jar-run-refused-missing-restore-path', /./],
    ] as const) {
      const error = await run(name);
      expect(error, name).toBeInstanceOf(ClusterRefusedError);
      expect(error, name).not.toBeInstanceOf(DuplicateJobIdError);
      expect((error as ClusterRefusedError).reason, name).toMatch(reason);
    }
  });

  it.each(versions)(
    '%s: the adaptive scheduler is reported and its requirements read',
    async (v) => {
      const listed = await (await portAnswering(fixture(v, 'jobs-overview-adaptive'))).listJobs();
      expect(listed.jobs).toHaveLength(1);
      // 2.x names the scheduler; 1.20 does not report it at all.
      if (v.startsWith('2.')) expect(listed.jobs[0]?.schedulerType).toBe('Adaptive');
      else expect(listed.jobs[0]).not.toHaveProperty('schedulerType');
      const requirements = resourceRequirementsSchema.parse(
        fixture(v, 'resource-requirements-adaptive').body,
      );
      expect(Object.keys(requirements).length).toBeGreaterThan(0);
    },
  );
});
