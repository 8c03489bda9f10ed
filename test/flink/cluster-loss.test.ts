import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../functions/core/model/index.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import { startFlinkCluster, type FlinkClusterHandle } from '../../scripts/flink/cluster.js';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/local-runtime.js';
import { convergeOn, counterOf, exampleJobDocument, localClusterDocument } from '../support/e2e.js';

/**
 * Cluster loss on real Flink: the JobManager and TaskManager are SIGKILLed while three counter
 * jobs run, a fresh cluster starts on the same REST port and the same storage, and fjc must
 * restore each job from the newest completed checkpoint on storage, which it finds itself (the
 * new cluster knows nothing of the old jobs). One job has a savepoint in the catalog (older than
 * the checkpoint), one has none, and one loses its checkpoints too: it must not start empty.
 */
const WITH_SAVEPOINT = 'counter-sp';
const NO_SAVEPOINT = 'counter-nosp';
const NOTHING_LEFT = 'counter-none';
const NAMES = [WITH_SAVEPOINT, NO_SAVEPOINT, NOTHING_LEFT];

let workDir: string;
let cluster: FlinkClusterHandle;
let flink: FlinkRestClient;
let rt: LocalRuntime;

function jobSpec(name: string, extra: Record<string, unknown> = {}): string {
  return exampleJobDocument(name, {
    args: ['--rate', '40'],
    gate: { soakWindow: '3s', readinessTimeout: '90s' },
    spec: extra,
  });
}

async function jobs(): Promise<Map<string, JobRecord>> {
  const records = await Promise.all(NAMES.map((name) => rt.store.getJob(name)));
  return new Map(records.filter((r) => r !== undefined).map((r) => [r.name, r]));
}

/** Reconcile cycles (each waits for the operations it started) until `done` holds of every job. */
const converge = (
  what: string,
  done: (records: Map<string, JobRecord>) => boolean,
  timeoutMs = 150_000,
) =>
  convergeOn(
    rt,
    what,
    jobs,
    done,
    (records) =>
      JSON.stringify(
        [...records.values()].map((r) => [r.name, r.status.phase, r.status.lastError]),
      ),
    { timeoutMs, intervalMs: 500 },
  );

const settled = (r: JobRecord | undefined) =>
  r?.status.phase === 'STABLE' && r.status.operation === undefined;

/** Polls `read` until it passes `above` (accumulators and statistics arrive with heartbeats). */
async function passes(what: string, read: () => Promise<number>, above: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read().catch(() => -1);
    if (value > above) return value;
    if (Date.now() > deadline) throw new Error(`${what} stayed at ${value}, not above ${above}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const newestCheckpointId = async (jobId: string) =>
  (await flink.getCheckpoints(jobId)).latest.completed?.id ?? 0;

async function applyCluster(url: string): Promise<void> {
  await rt.apply(
    localClusterDocument(url, { savepointDir: join(workDir, 'savepoints') }),
    'cluster.yaml',
  );
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'fjc-cluster-loss-'));
  cluster = await startFlinkCluster({ workDir });
  flink = new FlinkRestClient({ baseUrl: cluster.url });
  rt = await startLocalRuntime({ baseDir: process.cwd() });
  await applyCluster(cluster.url);
});

afterAll(async () => {
  await flink.close();
  await rt.stop();
  await cluster.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** What each job was just before the cluster died. */
const before = new Map<string, { jobId: string; count: number; checkpointId: number }>();

describe('cluster loss', () => {
  it('runs three jobs, one with a savepoint in the catalog, and records where they checkpoint', async () => {
    for (const name of NAMES) await rt.apply(jobSpec(name), `${name}.yaml`);
    await converge('first deploys', (rs) => NAMES.every((n) => settled(rs.get(n))));
    await rt.apply(jobSpec(WITH_SAVEPOINT, { savepointNonce: 1 }), `${WITH_SAVEPOINT}.yaml`);
    const records = await converge('a manual savepoint', (rs) => {
      const r = rs.get(WITH_SAVEPOINT);
      return r?.status.newestSavepoint !== undefined && r.status.operation === undefined;
    });
    for (const name of NAMES) {
      const status = records.get(name)?.status;
      expect(status?.checkpointLocation).toBe(
        `${pathToFileURL(join(workDir, 'checkpoints')).href.replace('file://', 'file:')}/${status?.jobId ?? ''}`,
      );
    }
    expect(records.get(NO_SAVEPOINT)?.status.newestSavepoint).toBeUndefined();
  });

  it('restores from the newest completed checkpoint on storage, or waits when there is none', async () => {
    const records = await jobs();
    for (const name of NAMES) {
      const jobId = records.get(name)?.status.jobId ?? '';
      const counted = await passes(`${name}'s counter`, () => counterOf(flink, jobId), 0);
      before.set(name, { jobId, count: counted, checkpointId: 0 });
    }
    // Two more checkpoints after the counter was read: the newest one holds at least that count.
    for (const [name, seen] of before) {
      const now = await newestCheckpointId(seen.jobId);
      seen.checkpointId = await passes(
        `${name}'s checkpoints`,
        () => newestCheckpointId(seen.jobId),
        now + 1,
      );
    }
    const savepointAt = records.get(WITH_SAVEPOINT)?.status.newestSavepoint?.at ?? '';
    const restPort = Number(new URL(cluster.url).port);
    await cluster.kill();
    const lostAt = Date.now();
    await flink.close();
    // The third job loses its checkpoints with the cluster: nothing is left to restore it from.
    await rm(join(workDir, 'checkpoints', before.get(NOTHING_LEFT)?.jobId ?? 'none'), {
      recursive: true,
      force: true,
    });

    cluster = await startFlinkCluster({ workDir, restPort });
    flink = new FlinkRestClient({ baseUrl: cluster.url });
    const after = await converge('recovery on the new cluster', (rs) => {
      const restored = [WITH_SAVEPOINT, NO_SAVEPOINT].every(
        (n) => settled(rs.get(n)) && rs.get(n)?.status.jobId !== before.get(n)?.jobId,
      );
      return restored && rs.get(NOTHING_LEFT)?.status.phase === 'NEEDS_RESTORE_POINT';
    });
    console.log(`fjc: cluster lost → every job restored or waiting: ${Date.now() - lostAt} ms`);

    for (const name of [WITH_SAVEPOINT, NO_SAVEPOINT]) {
      const seen = before.get(name);
      const status = after.get(name)?.status;
      const history = (await rt.store.listHistory(name, { limit: 50 })).items;
      const located = history.find((e) => e.action === 'restore-point-located');
      const path = String(located?.details?.path);
      // The newest completed checkpoint of the old job on storage, named in the history.
      expect(located?.details).toMatchObject({ source: 'checkpoint' });
      expect(path).toContain(`/${seen?.jobId ?? ''}/chk-`);
      expect(Number(/chk-(\d+)$/.exec(path)?.[1])).toBeGreaterThanOrEqual(seen?.checkpointId ?? 0);
      expect(status?.restorePoint).toMatchObject({ source: 'checkpoint', path });
      expect(status?.restoredFrom).toBe(path);
      const newJob = status?.jobId ?? '';
      expect((await flink.getCheckpoints(newJob)).latest.restored?.external_path).toBe(path);
      // The counter continues from where it was, not from the older savepoint or from zero.
      const continued = await passes(
        `${name}'s restored counter`,
        () => counterOf(flink, newJob),
        0,
      );
      console.log(
        `fjc: ${name}: counter ${String(seen?.count)} (newest checkpoint seen: chk-${String(seen?.checkpointId)}) → ${continued} after restoring ${path}`,
      );
      expect(continued).toBeGreaterThanOrEqual(seen?.count ?? 0);
    }
    expect(Date.parse(savepointAt)).toBeLessThan(lostAt);

    const waiting = after.get(NOTHING_LEFT);
    expect(waiting?.status.lastError?.code).toBe('NO_RESTORE_POINT');
    const onCluster = await flink.listJobs();
    const names = await Promise.all(
      onCluster.jobs.map(async (j) => (await flink.getJob(j.jid)).name),
    );
    expect(names.filter((n) => n === NOTHING_LEFT)).toEqual([]);
  });
});
