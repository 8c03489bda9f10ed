/**
 * A by-hand proof that the example job behaves as the contract tests expect, over plain REST:
 * upload, run, RUNNING with a growing `max-count`, stop-with-savepoint, run from the savepoint
 * (the count continues), `--fail-on-start` and `--fail-after-seconds`.
 *
 * `tsx scripts/flink/smoke-example-job.ts` starts its own cluster (FJC_FLINK_VERSION picks the
 * version) unless FJC_FLINK_URL names one.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { FjcError } from '../../functions/commons/errors.js';
import { startFlinkCluster, type FlinkClusterHandle } from './cluster.js';
import { buildExampleJar, exampleEntryClass } from './example-jar.js';
import { log } from './paths.js';

type Json = Record<string, unknown>;

async function call(base: string, method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new FjcError(
      `${method} ${path} answered ${String(response.status)}: ${text.slice(0, 2000)}`,
    );
  }
  return text === '' ? {} : (JSON.parse(text) as Json);
}

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new FjcError(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function jobState(base: string, jobId: string): Promise<string> {
  return String((await call(base, 'GET', `/jobs/${jobId}`)).state);
}

async function maxCount(base: string, jobId: string): Promise<number> {
  const accumulators = await call(base, 'GET', `/jobs/${jobId}/accumulators`);
  const list = accumulators['user-task-accumulators'] as { name: string; value: string }[];
  const found = list.find((a) => a.name === 'max-count');
  return found === undefined ? 0 : Number(found.value);
}

async function run(
  base: string,
  jarId: string,
  args: string[],
  savepointPath?: string,
): Promise<string> {
  const body: Json = { entryClass: exampleEntryClass, programArgsList: args, parallelism: 1 };
  if (savepointPath !== undefined) body.savepointPath = savepointPath;
  const result = await call(base, 'POST', `/jars/${jarId}/run`, body);
  return String(result.jobid);
}

async function main(): Promise<void> {
  let cluster: FlinkClusterHandle | undefined;
  const external = process.env.FJC_FLINK_URL;
  try {
    if (external === undefined || external === '') cluster = await startFlinkCluster();
    const base = cluster?.url ?? String(external).replace(/\/$/, '');
    const version = String((await call(base, 'GET', '/config'))['flink-version']);
    const jar = await buildExampleJar(version);

    const form = new FormData();
    form.append(
      'jarfile',
      new Blob([await readFile(jar)], { type: 'application/java-archive' }),
      basename(jar),
    );
    const upload = await fetch(`${base}/jars/upload`, { method: 'POST', body: form });
    const uploaded = (await upload.json()) as Json;
    const jarId = basename(String(uploaded.filename));
    log(`uploaded ${jarId}`);

    let started = Date.now();
    const first = await run(base, jarId, ['--rate', '50', '--name', 'smoke-1']);
    await until('RUNNING', 60_000, async () =>
      (await jobState(base, first)) === 'RUNNING' ? true : undefined,
    );
    log(`job ${first} RUNNING after ${String(Date.now() - started)} ms`);
    const a = await until('max-count > 0', 60_000, async () => {
      const n = await maxCount(base, first);
      return n > 0 ? n : undefined;
    });
    await new Promise((r) => setTimeout(r, 5000));
    const b = await maxCount(base, first);
    log(`max-count grew ${String(a)} -> ${String(b)}`);
    if (!(b > a)) throw new FjcError('max-count did not grow');

    started = Date.now();
    const stop = await call(base, 'POST', `/jobs/${first}/stop`, { drain: false });
    const location = await until('savepoint', 60_000, async () => {
      const status = await call(
        base,
        'GET',
        `/jobs/${first}/savepoints/${String(stop['request-id'])}`,
      );
      const s = status.status as { id: string };
      if (s.id !== 'COMPLETED') return undefined;
      const op = status.operation as { location?: string; 'failure-cause'?: unknown };
      if (op.location === undefined) throw new FjcError(`savepoint failed: ${JSON.stringify(op)}`);
      return op.location;
    });
    const before = await maxCount(base, first);
    await until('FINISHED', 60_000, async () =>
      (await jobState(base, first)) === 'FINISHED' ? true : undefined,
    );
    log(
      `stopped with savepoint ${location} in ${String(Date.now() - started)} ms; max-count then ${String(before)}`,
    );

    const second = await run(base, jarId, ['--rate', '50', '--name', 'smoke-2'], location);
    await until('RUNNING', 60_000, async () =>
      (await jobState(base, second)) === 'RUNNING' ? true : undefined,
    );
    const after = await until('max-count > before', 60_000, async () => {
      const n = await maxCount(base, second);
      return n > before ? n : undefined;
    });
    const restored = await until('restored checkpoint', 30_000, async () => {
      const checkpoints = await call(base, 'GET', `/jobs/${second}/checkpoints`);
      const latest = checkpoints.latest as { restored?: { external_path?: string } } | undefined;
      return latest?.restored?.external_path;
    });
    log(
      `restored job ${second}: max-count ${String(after)} > ${String(before)}, restored from ${restored}`,
    );
    await call(base, 'PATCH', `/jobs/${second}?mode=cancel`);
    await until('CANCELED', 60_000, async () =>
      (await jobState(base, second)) === 'CANCELED' ? true : undefined,
    );

    try {
      await run(base, jarId, ['--fail-on-start']);
      throw new FjcError('--fail-on-start was accepted');
    } catch (error) {
      if (!(error instanceof FjcError) || !error.message.includes('fail-on-start')) throw error;
      log(`--fail-on-start refused: ${error.message.split('\n')[0]?.slice(0, 160) ?? ''}`);
    }

    started = Date.now();
    const failing = await run(base, jarId, ['--fail-after-seconds', '3', '--name', 'smoke-fail']);
    const states = new Set<string>();
    await until('FAILED', 90_000, async () => {
      const state = await jobState(base, failing);
      states.add(state);
      return state === 'FAILED' ? true : undefined;
    });
    log(
      `--fail-after-seconds 3: FAILED after ${String(Date.now() - started)} ms, states seen ${[...states].join(',')}`,
    );
    await call(base, 'DELETE', `/jars/${jarId}`);
    log('smoke OK');
  } finally {
    await cluster?.stop();
  }
}

await main();
