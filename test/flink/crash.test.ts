import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FlinkRestClient } from '../../functions/flink/index.js';
import {
  LIVE_STATES,
  counterAbove,
  counterOf,
  exampleJobDocument,
  localClusterDocument,
} from '../support/e2e.js';

/**
 * Crash test on real Flink: the local runtime runs in a child process, which is SIGKILLed at each
 * step of a savepoint upgrade while Flink keeps running, then started again on the same data.
 * Each time the upgrade finishes, no sample of Flink's job list (every 0.5 s) ever shows two live
 * copies of the job, and the counter goes on from where the old job stopped.
 */
const NAME = 'crash-counter';
const STEPS = ['stop-with-savepoint', 'await-savepoint', 'await-stopped', 'submit', 'await-stable'];
const GUARD_MS = 120_000;

interface Reported {
  name: string;
  phase: string;
  step: string | null;
  jobId: string | null;
  specHash: string;
  stableHash: string | null;
  restoredFrom: string | null;
}

let dir: string;
let specsDir: string;
let child: ChildProcess | undefined;
let latest: Reported | undefined;
let flink: FlinkRestClient;
let sampler: NodeJS.Timeout | undefined;
const samples: number[] = [];

function start(crashAt?: string): void {
  const args = [join(dir, 'state'), specsDir, '10000', ...(crashAt ? [crashAt] : [])];
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/local-runtime-child.ts', ...args],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  createInterface({ input: proc.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const status = JSON.parse(line) as Reported;
    if (status.name === NAME) latest = status;
  });
  child = proc;
}

/** Resolves when the child has ended (it SIGKILLs itself at its crash step). */
async function crashed(): Promise<void> {
  const proc = child;
  if (!proc) return;
  if (proc.exitCode === null && proc.signalCode === null)
    await new Promise((resolve) => proc.once('exit', resolve));
  expect(proc.signalCode).toBe('SIGKILL');
  child = undefined;
}

async function kill(): Promise<void> {
  const proc = child;
  if (proc?.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
  child = undefined;
}

async function until(what: string, check: (s: Reported) => boolean): Promise<Reported> {
  const deadline = Date.now() + GUARD_MS;
  for (;;) {
    const seen = latest;
    if (seen && check(seen)) return seen;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(latest)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function writeJob(rate: number): Promise<void> {
  await writeFile(
    join(specsDir, 'job.yaml'),
    exampleJobDocument(NAME, { args: ['--rate', String(rate)] }),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fjc-crash-'));
  specsDir = join(dir, 'specs');
  await mkdir(specsDir);
  flink = new FlinkRestClient({ baseUrl: inject('flinkUrl') });
  await writeFile(
    join(specsDir, 'cluster.yaml'),
    localClusterDocument(inject('flinkUrl'), { savepointDir: inject('savepointDir') }),
  );
  // The example job names itself, so copies are told apart by id: whatever ran before is not ours.
  const before = new Set((await flink.listJobs()).jobs.map((j) => j.jid));
  sampler = setInterval(() => {
    fetch(`${inject('flinkUrl')}/jobs/overview`)
      .then((r) => r.json() as Promise<{ jobs: { jid: string; state: string }[] }>)
      .then((body) => {
        samples.push(
          body.jobs.filter((j) => !before.has(j.jid) && LIVE_STATES.has(j.state)).length,
        );
      })
      .catch(() => undefined);
  }, 500);
});

afterAll(async () => {
  clearInterval(sampler);
  await kill();
  if (latest?.jobId) await flink.cancelJob(latest.jobId).catch(() => undefined);
  await flink.close();
  await rm(dir, { recursive: true, force: true });
});

describe('SIGKILL of the local runtime during a savepoint upgrade', () => {
  it('finishes every upgrade with one live copy and the counter going on', async () => {
    await writeJob(40);
    start();
    let current = await until(
      'first deploy',
      (s) => s.phase === 'STABLE' && s.step === null && s.jobId !== null,
    );
    await counterAbove(flink, current.jobId ?? '', 50, 250);

    for (const [i, step] of STEPS.entries()) {
      const oldJob = current.jobId ?? '';
      // The running child gives way to one that crashes when the upgrade records `step`.
      await kill();
      start(step);
      await writeJob(41 + i);
      await crashed();
      const killedAt = Date.now();
      start();
      current = await until(
        `upgrade killed at ${step} to finish`,
        (s) =>
          s.phase === 'STABLE' &&
          s.step === null &&
          s.stableHash === s.specHash &&
          s.jobId !== oldJob,
      );
      console.log(`fjc: crash at ${step}: STABLE again ${Date.now() - killedAt} ms after SIGKILL`);
      const stoppedAt = await counterOf(flink, oldJob);
      const firstReading = await counterAbove(flink, current.jobId ?? '', 0, 250);
      expect(firstReading, `counter after a crash at ${step}`).toBeGreaterThanOrEqual(stoppedAt);
    }
    console.log(`fjc: crash test: ${samples.length} samples of Flink's job list`);
    expect(samples.length).toBeGreaterThan(10);
    // Never two live copies; none only between the old job's stop and the new one's start.
    expect(Math.max(...samples)).toBe(1);
    expect((await flink.getJob(current.jobId ?? '')).state).toBe('RUNNING');
  });
});
