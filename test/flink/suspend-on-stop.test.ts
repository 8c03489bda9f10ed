import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobRecord } from '../../functions/core/model/index.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/local-runtime.js';
import { suspendRunningJobs } from '../../scripts/local/suspend-on-stop.js';
import {
  converge as convergeJob,
  counterAbove,
  counterOf,
  exampleJobDocument,
  localClusterDocument,
} from '../support/e2e.js';

/**
 * Ctrl-C of `npm run local` on real Flink: the stop path suspends the running counter job with a
 * savepoint before Flink would stop, and a new local runtime on the same data resumes it from
 * exactly that savepoint: the counter goes on from where it stopped. Flink itself keeps running
 * here (the suite shares one cluster); what matters is that the state is in the savepoint.
 */
const NAME = 'suspend-on-stop';
let dir: string;
let rt: LocalRuntime | undefined;
let flink: FlinkRestClient;

async function start(): Promise<LocalRuntime> {
  rt = await startLocalRuntime({
    baseDir: process.cwd(),
    dataDir: join(dir, 'dynamodb'),
    workerIdFile: join(dir, 'worker-id'),
  });
  return rt;
}

const converge = (runtime: LocalRuntime, what: string, done: (r: JobRecord) => boolean) =>
  convergeJob(runtime, NAME, what, done);

const stable = (r: JobRecord) => r.status.phase === 'STABLE' && r.status.operation === undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fjc-suspend-on-stop-'));
  flink = new FlinkRestClient({ baseUrl: inject('flinkUrl') });
  const runtime = await start();
  await runtime.apply(
    localClusterDocument(inject('flinkUrl'), { savepointDir: inject('savepointDir') }),
    'cluster.yaml',
  );
  await runtime.apply(
    exampleJobDocument(NAME, { args: ['--rate', '50'], gate: { soakWindow: '3s' } }),
    'job.yaml',
  );
});

afterAll(async () => {
  const record = await rt?.store.getJob(NAME);
  if (record?.status.jobId) await flink.cancelJob(record.status.jobId).catch(() => undefined);
  await flink.close();
  await rt?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('Ctrl-C of the local run', () => {
  it('suspends the running job with a savepoint, and a restart resumes from it', async () => {
    const first = rt ?? (await start());
    const running = await converge(first, 'first deploy', stable);
    const oldJob = running.status.jobId ?? '';
    // Far enough that a restart from empty state could not read as continuing.
    await counterAbove(flink, oldJob, 200, 250);

    const report = await suspendRunningJobs(first, { timeoutMs: 60_000 });
    expect(report).toEqual({ suspended: [NAME], left: [] });
    const suspended = await first.store.getJob(NAME);
    expect(suspended?.status.phase).toBe('SUSPENDED');
    expect(suspended?.spec).toMatchObject({ spec: { state: 'running' } });
    const savepoint = suspended?.status.newestSavepoint?.path;
    expect(savepoint).toBeDefined();
    expect((await flink.getJob(oldJob)).state).toBe('FINISHED');
    // A finished job's accumulators are final: this is the count the savepoint holds.
    const stoppedAt = await counterOf(flink, oldJob);
    first.stateMachine.abortAll();
    await first.stop();
    rt = undefined;

    const restarted = await start();
    const resumed = await converge(restarted, 'resume after restart', stable);
    const newJob = resumed.status.jobId ?? '';
    expect(newJob).not.toBe(oldJob);
    expect(resumed.status.restoredFrom).toBe(savepoint);
    const restored = (await flink.getCheckpoints(newJob)).latest.restored;
    expect(restored?.external_path).toBe(savepoint);
    const firstReading = await counterAbove(flink, newJob, 0, 250);
    console.log(
      `fjc: suspend-on-stop: counter ${stoppedAt} at stop, ${firstReading} after restart`,
    );
    expect(firstReading).toBeGreaterThanOrEqual(stoppedAt);
  });
});
