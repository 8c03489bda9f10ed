/**
 * The API load run: dynalite and the local API server (the same API core as the Lambda) each in
 * a process of their own, the store seeded with a steady fleet, and autocannon in this process
 * driving `GET /v1/jobs` (list, default page), `GET /v1/jobs/{name}` (as fast as it answers, and
 * at a fixed 200 requests/s) and `POST /v1/plan` (a one-job spec file whose parallelism changed).
 */
import autocannon from 'autocannon';
import { DynamoJobStore } from '../../functions/store/dynamo-job-store.js';
import { createTable } from '../local/dynalite.js';
import { fleetJobName } from './flink-fleet.js';
import { dynaliteClient, startApiProcess, startDynaliteProcess } from './processes.js';
import { fleetJobDocument, seedFleet } from './seed.js';

/** Options of {@link benchApi}. */
export interface ApiBenchOptions {
  jobs: number;
  jobsPerCluster: number;
  historyEntries: number;
  templateJobs: number;
  /** Seconds per load run. */
  durationS: number;
  connections: number;
}

/** One load run's figures. */
export interface LoadFigures {
  name: string;
  /** The fixed rate asked for; absent: as fast as the API answers. */
  rate?: number;
  requestsPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 2xx, and connection errors/timeouts. */
  failures: number;
  requests: number;
}

/** The API load figures for one fleet size. */
export interface ApiBenchResult {
  jobs: number;
  seedMs: number;
  runs: LoadFigures[];
}

const AUTH = { authorization: 'Bearer bench' };

async function load(
  url: string,
  name: string,
  options: ApiBenchOptions,
  request: Partial<autocannon.Request> & { paths?: string[] },
  rate?: number,
): Promise<LoadFigures> {
  let next = 0;
  const paths = request.paths;
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationS,
    ...(rate === undefined ? {} : { overallRate: rate }),
    requests: [
      {
        method: request.method ?? 'GET',
        ...(request.path === undefined ? {} : { path: request.path }),
        headers: { ...AUTH, ...(request.headers ?? {}) },
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(paths
          ? {
              // Every request another job, so no answer is served from anything warm by chance.
              setupRequest: (req: autocannon.Request) => ({
                ...req,
                path: paths[next++ % paths.length] ?? '/',
              }),
            }
          : {}),
      },
    ],
  });
  return {
    name,
    ...(rate === undefined ? {} : { rate }),
    requestsPerS: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

/** Runs the API load for one fleet size; every process it starts is stopped before it returns. */
export async function benchApi(options: ApiBenchOptions): Promise<ApiBenchResult> {
  const clusters = Math.max(1, Math.ceil(options.jobs / options.jobsPerCluster));
  const jobsPerCluster = Math.ceil(options.jobs / clusters);
  const dynamo = await startDynaliteProcess();
  const client = dynaliteClient(dynamo.ready.endpoint);
  let api: Awaited<ReturnType<typeof startApiProcess>> | undefined;
  try {
    const table = 'fjc-bench';
    await createTable(client, table);
    const store = new DynamoJobStore({ client, tableName: table });
    const seedStart = performance.now();
    await seedFleet(store, {
      // Nothing here talks to Flink: the clusters only need a url to be valid.
      urls: Array.from({ length: clusters }, (_, i) => `http://127.0.0.1:${String(10_000 + i)}`),
      jobsPerCluster,
      historyEntries: options.historyEntries,
      templateJobs: options.templateJobs,
      client,
      table,
      now: new Date(),
    });
    const seedMs = performance.now() - seedStart;
    api = await startApiProcess(dynamo.ready.endpoint, table);
    const url = api.ready.url;
    const names = Array.from({ length: clusters * jobsPerCluster }, (_, k) =>
      fleetJobName(Math.floor(k / jobsPerCluster), k % jobsPerCluster),
    );
    const gets = names.map((name) => `/v1/jobs/${name}`);
    const planned = fleetJobDocument(0, 0) as { spec: Record<string, unknown> };
    const planBody = JSON.stringify({ ...planned, spec: { ...planned.spec, parallelism: 8 } });

    // A short warm-up, so the first measured run does not pay for JIT and connection setup.
    await load(url, 'warm-up', { ...options, durationS: 1 }, { paths: gets });
    const runs = [
      await load(url, 'GET /v1/jobs (list)', options, { path: '/v1/jobs' }),
      await load(url, 'GET /v1/jobs/{name}', options, { paths: gets }),
      await load(url, 'GET /v1/jobs/{name}', options, { paths: gets }, 200),
      await load(url, 'POST /v1/plan', options, {
        method: 'POST',
        path: '/v1/plan',
        headers: { 'content-type': 'application/json' },
        body: planBody,
      }),
    ];
    return { jobs: names.length, seedMs, runs };
  } finally {
    client.destroy();
    await api?.stop();
    await dynamo.stop();
  }
}
