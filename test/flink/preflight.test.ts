import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobRecord } from '../../functions/core/model/index.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/local-runtime.js';
import {
  converge as convergeJob,
  exampleJobDocument,
  localClusterDocument,
  stableAt,
  storedJob,
} from '../support/e2e.js';

/**
 * The upgrade pre-flight on real Flink: a new version Flink cannot build (`main()` throws) and one
 * whose graph has no operator for the running counter's state (another `uid`) are both refused
 * while the old job keeps running — same Flink job id, no savepoint taken, the reason in the
 * status and the history — and the second goes ahead once the spec allows non-restored state.
 */
const NAME = 'preflight';
const RATE = ['--rate', '50'];
let dir: string;
let rt: LocalRuntime;
let flink: FlinkRestClient;

const converge = (what: string, done: (r: JobRecord) => boolean) =>
  convergeJob(rt, NAME, what, done);

async function applyJob(args: string[], spec: Record<string, unknown> = {}): Promise<string> {
  await rt.apply(exampleJobDocument(NAME, { args, gate: { soakWindow: '2s' }, spec }), 'job.yaml');
  return (await storedJob(rt, NAME)).specHash;
}

const rejectedAt = (hash: string) => (r: JobRecord) =>
  r.status.rejected?.specHash === hash && r.status.operation === undefined;

/** The newest pre-flight the history recorded (the whole history: the record keeps only the last few). */
async function lastPreflight(): Promise<Record<string, unknown> | undefined> {
  const history = (await rt.store.listHistory(NAME, { limit: 100 })).items;
  const entry = history.find((e) => e.action.startsWith('preflight-'));
  return entry && { action: entry.action, ...(entry.details?.preflight as object) };
}

/** How long the newest pre-flight took: from its upgrade's start to its verdict (printed, not asserted). */
async function preflightMs(): Promise<number> {
  const history = (await rt.store.listHistory(NAME, { limit: 100 })).items;
  const verdict = history.findIndex((e) => e.action.startsWith('preflight-'));
  const started = history.slice(verdict).find((e) => e.action === 'upgrade-started');
  return Date.parse(history[verdict]?.at ?? '') - Date.parse(started?.at ?? '');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fjc-preflight-'));
  flink = new FlinkRestClient({ baseUrl: inject('flinkUrl') });
  rt = await startLocalRuntime({ baseDir: process.cwd(), dataDir: join(dir, 'dynamodb') });
  await rt.apply(
    localClusterDocument(inject('flinkUrl'), { savepointDir: inject('savepointDir') }),
    'cluster.yaml',
  );
});

afterAll(async () => {
  const record = await rt.store.getJob(NAME);
  if (record?.status.jobId) await flink.cancelJob(record.status.jobId).catch(() => undefined);
  await flink.close();
  await rt.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the upgrade pre-flight', () => {
  it('refuses a version that cannot build or would drop state before the stop, then allows it', async () => {
    const v1 = await applyJob(RATE);
    const running = await converge('first deploy', stableAt(v1));
    const jobId = running.status.jobId ?? '';
    expect(jobId).not.toBe('');

    /** The old job is untouched: same id, RUNNING, no savepoint in Flink's stats or the catalog. */
    const untouched = async (record: JobRecord) => {
      expect(record.status.jobId).toBe(jobId);
      expect(record.status.lastApplied?.specHash).toBe(v1);
      expect(record.status.phase).toBe('STABLE');
      expect((await flink.getJob(jobId)).state).toBe('RUNNING');
      const stats = await flink.getCheckpoints(jobId);
      expect(stats.latest.savepoint ?? undefined).toBeUndefined();
      expect((await rt.store.listSavepoints(NAME, { limit: 50 })).items).toEqual([]);
    };

    // 1. main() throws: Flink cannot build the graph.
    const throwing = await applyJob([...RATE, '--fail-on-start']);
    const refused = await converge('pre-flight refusal of a failing main()', rejectedAt(throwing));
    await untouched(refused);
    expect(refused.status.lastError).toMatchObject({ code: 'PREFLIGHT_REFUSED' });
    expect(refused.status.lastError?.message).toMatch(
      /Failing on start as asked by --fail-on-start/,
    );
    expect(refused.status.rejected?.reason).toMatch(/could not build the new job graph/);
    expect(await lastPreflight()).toMatchObject({
      action: 'preflight-refused',
      verdict: 'refused',
      program: 'failed',
    });

    // 2. The counter under another uid: its state has no operator to go to.
    const renamed = await applyJob([...RATE, '--counter-uid', 'counter-v2']);
    const dropped = await converge('pre-flight refusal of dropped state', rejectedAt(renamed));
    await untouched(dropped);
    expect(dropped.status.rejected?.reason).toMatch(/no operator for the state of counter/);
    const report = await lastPreflight();
    expect(report).toMatchObject({ action: 'preflight-refused', verdict: 'refused', kept: 1 });
    const [gone] = report?.dropped as { name: string; stateBytes?: number }[];
    expect(gone?.name).toMatch(/^counter/);
    expect(gone?.stateBytes).toBeGreaterThan(0);
    expect(report?.startsEmpty).toEqual([expect.objectContaining({ name: gone?.name })]);

    // 3. Allowed explicitly: the upgrade goes ahead, the new counter starts empty.
    const allowed = await applyJob([...RATE, '--counter-uid', 'counter-v2'], {
      restore: { allowNonRestoredState: true },
    });
    const upgraded = await converge('upgrade allowing non-restored state', stableAt(allowed));
    expect(upgraded.status.jobId).not.toBe(jobId);
    expect(upgraded.status.restoredFrom).toBeDefined();
    expect(await lastPreflight()).toMatchObject({
      action: 'preflight-passed',
      verdict: 'passed',
      dropped: [expect.objectContaining({ name: gone?.name })],
    });
    expect(upgraded.recentHistory.map((e) => e.action)).toContain('stop-with-savepoint-triggered');
    console.log(
      `fjc: preflight: ${String(await preflightMs())} ms from upgrade start to verdict (jar plan + graph compare)`,
    );
  }, 300_000);
});
