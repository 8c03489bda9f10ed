/**
 * Quick load test of the API's reads at N jobs (default 1,000): `GET /v1/jobs` (a page of 100,
 * as an admin) and `GET /v1/jobs/{name}`. dynalite, the API server and this load generator each
 * run in their own process.
 *
 *   npx tsx scripts/bench-api.ts [jobs=1000] [seconds=10] [concurrency=8] [getRate=200]
 *
 * Prints, for list and get at full speed (closed loop, `concurrency` requests in flight):
 * requests/s, p50, p99; and for get at a fixed `getRate` requests/s (open loop): p50, p99.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { DynamoJobStore } from '../functions/store/index.js';
import { jobName, localClient, populate } from './bench/fleet.js';
import { createTable } from './local/dynalite.js';

const JOBS = Number(process.argv[2] ?? 1000);
const SECONDS = Number(process.argv[3] ?? 10);
const CONCURRENCY = Number(process.argv[4] ?? 8);
const GET_RATE = Number(process.argv[5] ?? 200);
const TABLE = 'fjc-bench-api';

const dynalite = fork(fileURLToPath(new URL('./bench/dynalite-child.ts', import.meta.url)));
const port = await new Promise<number>((resolve) => {
  dynalite.once('message', (m: { port: number }) => {
    resolve(m.port);
  });
});
const client = localClient(port);
await createTable(client, TABLE);
const store = new DynamoJobStore({ client, tableName: TABLE });
await populate(client, TABLE, JOBS, Math.max(1, Math.round(JOBS / 100)), store);

const api = fork(fileURLToPath(new URL('./bench/api-child.ts', import.meta.url)), [
  String(port),
  TABLE,
]);
const url = await new Promise<string>((resolve) => {
  api.once('message', (m: { url: string }) => {
    resolve(m.url);
  });
});
const pool = new Pool(url, { connections: CONCURRENCY * 2 });
const headers = { authorization: 'Bearer root' };

async function call(path: string): Promise<number> {
  const start = performance.now();
  const res = await pool.request({ method: 'GET', path, headers });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode}`);
  return performance.now() - start;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const summary = (label: string, latencies: number[], seconds: number) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    `${label}: ${(latencies.length / seconds).toFixed(0)} req/s, ` +
      `p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms ` +
      `(${latencies.length} requests)`,
  );
};

/** As many requests as `CONCURRENCY` callers can make in `SECONDS`. */
async function closedLoop(label: string, path: (i: number) => string): Promise<void> {
  for (let i = 0; i < 20; i++) await call(path(i)); // warm-up
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) latencies.push(await call(path(n++)));
    }),
  );
  summary(label, latencies, SECONDS);
}

/** `rate` requests per second, whatever the answers' latency. */
async function openLoop(label: string, rate: number, path: (i: number) => string): Promise<void> {
  const latencies: number[] = [];
  const total = rate * SECONDS;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(call(path(i)).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(pending);
  summary(label, latencies, SECONDS);
}

const page = (i: number) => {
  // Walk the pages of the listing like a client would: each cursor from the previous answer
  // would serialize the callers, so every request asks for the first page of one cluster or all.
  return i % 2 === 0 ? '/v1/jobs' : `/v1/jobs?cluster=cluster-${String(i % 10).padStart(3, '0')}`;
};
await closedLoop(`list (${JOBS} jobs, page of 100)`, page);
await closedLoop('get', (i) => `/v1/jobs/${jobName(i % JOBS)}`);
await openLoop(`get at ${GET_RATE} req/s`, GET_RATE, (i) => `/v1/jobs/${jobName(i % JOBS)}`);

await pool.close();
api.send('stop');
dynalite.send('stop');
client.destroy();
