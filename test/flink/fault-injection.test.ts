import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobRecord } from '../../functions/core/model/index.js';
import type { FaultRule } from '../support/fault-proxy.js';
import {
  LIVE_STATES,
  converge as convergeJob,
  counterAbove,
  exampleJobDocument,
  stableAt,
  storedJob,
} from '../support/e2e.js';
import { useFlinkRuntime } from '../support/e2e-runtime.js';

/**
 * The retry policy on real Flink: a fault-injecting proxy sits between fjc (the local runtime) and
 * the cluster, and each scenario injects one kind of fault on one call of a savepoint upgrade.
 * Every scenario must end STABLE on the new spec with exactly one live copy of the job at every
 * sampled moment (Flink's own /jobs/overview, polled directly), the counter continuing, and no
 * savepoint catalog entry left IN_PROGRESS. A first deploy whose main() fails is run once only.
 */
const NAME = 'counter';
const { rt, proxy, flink } = useFlinkRuntime({ proxied: true, jobs: [NAME, 'refused'] });
let rate = 40;

const jobSpec = (name: string, args: string[]) => exampleJobDocument(name, { args });
const job = (name = NAME) => storedJob(rt, name);
const converge = (what: string, done: (r: JobRecord) => boolean, name = NAME) =>
  convergeJob(rt, name, what, done, { timeoutMs: 120_000 });

/** Jobs live on the shared cluster before this file deployed anything: not the counter's copies. */
let foreign = new Set<string>();

/** The ids of the jobs Flink lists as live, read directly (not through the proxy). */
async function liveJobIds(): Promise<string[]> {
  const response = await fetch(`${inject('flinkUrl')}/jobs/overview`).catch(() => undefined);
  if (!response?.ok) return [];
  const { jobs } = (await response.json()) as { jobs: { jid: string; state: string }[] };
  return jobs.filter((j) => LIVE_STATES.has(j.state)).map((j) => j.jid);
}

/**
 * Polls Flink's job list: the most live copies of the counter seen at once. Other test files
 * share this cluster and run before this one; a job of theirs still cancelling is not a copy, so
 * the jobs live before this file deployed are left out.
 */
function sampleLiveCopies(): { stop(): Promise<number> } {
  let most = 0;
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      const copies = (await liveJobIds()).filter((id) => !foreign.has(id));
      most = Math.max(most, copies.length);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      state.running = false;
      await loop;
      return most;
    },
  };
}

/** One savepoint upgrade under `faults`; checks every promise of the retry policy. */
async function upgradeUnder(what: string, faults: FaultRule[]): Promise<JobRecord> {
  const before = await job();
  const countBefore = await counterAbove(flink, before.status.jobId ?? '', 0);
  const sampler = sampleLiveCopies();
  const rules = faults.map((rule) => proxy.inject(rule));
  rate += 1;
  const started = Date.now();
  await rt.apply(jobSpec(NAME, ['--rate', String(rate)]), 'counter.yaml');
  const hash = (await job()).specHash;
  let after: JobRecord;
  try {
    after = await converge(what, stableAt(hash));
  } finally {
    proxy.clear();
  }
  const most = await sampler.stop();
  console.log(
    `fjc: fault scenario "${what}": STABLE after ${Date.now() - started} ms, ` +
      `faults applied ${rules.map((r) => r.hits).join('+')}, most live copies ${most}`,
  );
  expect(rules.every((r) => r.hits > 0)).toBe(true);
  expect(most).toBe(1);
  expect(after.status.jobId).not.toBe(before.status.jobId);
  expect(after.status.restoredFrom).toMatch(/savepoint-/);
  expect(await counterAbove(flink, after.status.jobId ?? '', countBefore)).toBeGreaterThan(
    countBefore,
  );
  const open = (await rt.store.listSavepoints(NAME, { limit: 100 })).items.filter(
    (s) => s.status === 'IN_PROGRESS',
  );
  expect(open).toEqual([]);
  return after;
}

beforeAll(async () => {
  foreign = new Set(await liveJobIds());
  await rt.apply(jobSpec(NAME, ['--rate', String(rate)]), 'counter.yaml');
  await converge('first deploy', stableAt((await job()).specHash));
}, 180_000);

const SAVEPOINT_STATUS = /^\/jobs\/[0-9a-f]{32}\/savepoints\/[0-9a-f]{32}$/;

describe('savepoint upgrades through a faulty network and JobManager', () => {
  it('15 s of HTTP 500 on the savepoint status: waited out, never a rejection', async () => {
    const after = await upgradeUnder('500s on savepoint status', [
      {
        method: 'GET',
        path: SAVEPOINT_STATUS,
        fault: { kind: 'status', status: 500 },
        forMs: 15_000,
      },
    ]);
    expect(after.status.lastError).toBeUndefined();
  }, 150_000);

  it('a forgotten savepoint trigger (404): re-derived from the job’s history', async () => {
    await upgradeUnder('forgotten trigger', [
      {
        method: 'GET',
        path: SAVEPOINT_STATUS,
        fault: {
          kind: 'status',
          status: 404,
          body: {
            errors: [
              'org.apache.flink.runtime.rest.handler.RestHandlerException: There is no savepoint operation with triggerId=… for job ….',
            ],
          },
        },
      },
    ]);
  }, 150_000);

  it('HTTP 500 on the stop trigger, then a lost answer: one savepoint, one catalog entry', async () => {
    const entries = (await rt.store.listSavepoints(NAME, { limit: 100 })).items.length;
    await upgradeUnder('500s then a lost answer on the stop trigger', [
      { method: 'POST', path: /\/stop$/, fault: { kind: 'status', status: 500 }, times: 2 },
      // Tried once the first rule is spent: Flink stops the job, fjc never hears of it.
      { method: 'POST', path: /\/stop$/, fault: { kind: 'lose-answer' }, times: 1 },
    ]);
    const now = (await rt.store.listSavepoints(NAME, { limit: 100 })).items;
    expect(now.length - entries).toBe(1);
  }, 150_000);

  it('a lost answer to the run and resets on the job detail: the job is found, not run twice', async () => {
    await upgradeUnder('lost run answer, resets', [
      { method: 'POST', path: /\/jars\/[^/]+\/run$/, fault: { kind: 'lose-answer' }, times: 1 },
      { method: 'GET', path: /^\/jobs\/[0-9a-f]{32}$/, fault: { kind: 'reset' }, times: 3 },
    ]);
  }, 150_000);

  it('3 s latency on every call and a 10 s blackhole on the overview', async () => {
    await upgradeUnder('latency and blackhole', [
      // The first matching rule applies: the blackhole before the catch-all latency.
      { method: 'GET', path: '/jobs/overview', fault: { kind: 'blackhole' }, forMs: 10_000 },
      { path: /.*/, fault: { kind: 'latency', ms: 3_000 }, forMs: 20_000 },
    ]);
  }, 150_000);
});

describe('a first deploy Flink rejects', () => {
  it('is submitted exactly once until the spec changes', async () => {
    const runs = () => proxy.count('POST /jars/:jar/run');
    const before = runs();
    await rt.apply(jobSpec('refused', ['--fail-on-start']), 'refused.yaml');
    const refused = await converge('refusal', (r) => r.status.rejected !== undefined, 'refused');
    expect(refused.status.rejected?.reason).toMatch(/Failing on start|main/i);
    for (let cycle = 0; cycle < 5; cycle++) {
      await rt.reconcileOnce();
      await rt.stateMachine.idle();
    }
    expect(runs() - before).toBe(1);
    await rt.apply(jobSpec('refused', ['--rate', '5']), 'refused.yaml');
    const hash = (await job('refused')).specHash;
    await converge('fixed spec', stableAt(hash), 'refused');
    expect(runs() - before).toBe(2);
  }, 150_000);
});
