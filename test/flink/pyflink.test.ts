/**
 * PyFlink jobs end to end on real Flink clusters started with a Python environment (one per
 * version: the suite's default 2.3.0 and 1.20.3): the control loop deploys the example counter
 * (examples/jobs/pyflink-counter), upgrades it with a savepoint, rolls a broken version back,
 * and reports a cluster that cannot run Python with Python's own words. The counter writes its
 * count and the first count each process saw to a file: first > 1 proves a restored state.
 *
 * The same clusters then take PyFlink submissions overlapping other submissions on one
 * JobManager (issue 13 follow-up). Flink's PythonDriver runs the Python program in a process that
 * reaches the JVM through py4j threads, which find the REST submission's execution environment
 * only through JVM-global state (StreamExecutionEnvironment's static context factory). Another
 * submission finishing meanwhile clears it: without fjc's guard the Python program got a local
 * environment, ran its job in a MiniCluster inside the JobManager, and the submission timed out.
 * A jar job and two PyFlink jobs are applied at once so that their submissions would overlap
 * (fjc queues them per cluster); and a PyFlink job is deployed while someone else's jar
 * submissions keep finishing on the same JobManager (which only the launcher's guard can
 * handle). Every fjc job must reach STABLE, running on the cluster under the job id fjc chose.
 * One cluster per version serves both parts (a Python cluster takes long to start), with a
 * task slot for each job that runs at once.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import type { JobRecord } from '../../functions/core/model/index.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import { startFlinkCluster, type FlinkClusterHandle } from '../../scripts/flink/cluster.js';
import { buildExampleJar } from '../../scripts/flink/example-jar.js';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/local-runtime.js';
import { EXAMPLE_ENTRY_CLASS } from '../support/flink-contract.js';
import { converge as convergeJob, localClusterDocument, stableAt } from '../support/e2e.js';

const COUNTER = resolve('examples/jobs/pyflink-counter/counter.py');
/** Installing the Python environment the first time takes minutes; starting the cluster too. */
const SETUP_TIMEOUT_MS = 1_200_000;
/** Three deploys of a Python job, each through its stability gate, on a loaded 2-core machine. */
const SCENARIO_TIMEOUT_MS = 600_000;
/** The overlap scenarios' gate: three first deploys at once on a loaded machine. */
const OVERLAP_GATE = { minCompletedCheckpoints: 1, soakWindow: '3s', readinessTimeout: '180s' };

interface CounterFile {
  count: number;
  first: number;
  tag: string;
}

describe.each(['2.3.0', '1.20.3'])('PyFlink jobs on Flink %s', (version) => {
  let cluster: FlinkClusterHandle;
  let rt: LocalRuntime;
  let dir: string;
  let stateFile: string;
  /** The example jar built for this cluster's Flink version (cached after the first build). */
  let exampleJar: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fjc-pyflink-'));
    stateFile = join(dir, 'counter.json');
    exampleJar = await buildExampleJar(version);
    // Slots for the jobs that run at once: the counter, the overlap scenarios' jar job and three
    // PyFlink jobs, and one for a foreign jar job between its acceptance and its cancel.
    cluster = await startFlinkCluster({ version, python: true, taskSlots: 6 });
    rt = await startLocalRuntime({ baseDir: process.cwd() });
    await rt.apply(
      localClusterDocument(cluster.url, { savepointDir: cluster.savepointDir }),
      'cluster.yaml',
    );
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await rt.stop();
    await cluster.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  /** A copy of the counter under `name` with `extra` appended: new bytes, new sha256. */
  async function program(name: string, extra = ''): Promise<string> {
    const path = join(dir, name);
    await copyFile(COUNTER, path);
    if (extra !== '') await writeFile(path, `${await readFile(path, 'utf8')}\n${extra}\n`);
    return path;
  }

  async function applyJob(
    name: string,
    uri: string,
    tag: string,
    flinkConfiguration: Record<string, string> = {},
  ): Promise<string> {
    await rt.apply(
      stringify({
        apiVersion: 'fjc.dev/v1',
        kind: 'FlinkJob',
        metadata: { name },
        spec: {
          team: 'platform',
          clusterRef: 'local',
          python: { artifact: { uri } },
          args: ['--rate', '20', '--state-file', stateFile, '--tag', tag],
          parallelism: 1,
          upgradeMode: 'savepoint',
          flinkConfiguration,
          stabilityGate: {
            minCompletedCheckpoints: 1,
            soakWindow: '3s',
            readinessTimeout: '120s',
          },
        },
      }),
      `${name}.yaml`,
    );
    const record = await rt.store.getJob(name);
    if (!record) throw new Error('job not stored');
    return record.specHash;
  }

  const converge = (
    name: string,
    what: string,
    done: (r: JobRecord) => boolean,
    timeoutMs = 240_000,
  ) => convergeJob(rt, name, what, done, { timeoutMs, intervalMs: 500 });

  /** The counter file once it shows `tag` and a count above `above`. */
  async function counter(tag: string, above = 0): Promise<CounterFile> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const value = await readFile(stateFile, 'utf8')
        .then((text) => JSON.parse(text) as CounterFile)
        .catch(() => undefined);
      if (value?.tag === tag && value.count > above) return value;
      if (Date.now() > deadline)
        throw new Error(`counter stayed at ${JSON.stringify(value)}, wanted ${tag} above ${above}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it(
    'deploys, upgrades with a savepoint keeping state, and rolls a broken version back',
    async () => {
      const v1 = await applyJob('py-counter', await program('counter_v1.py'), 'v1');
      const first = await converge('py-counter', 'first deploy', stableAt(v1));
      expect(first.status.jobId).toBeDefined();
      expect(await counter('v1')).toMatchObject({ first: 1 });

      const countBefore = (await counter('v1', 5)).count;
      const started = Date.now();
      const v2 = await applyJob('py-counter', await program('counter_v2.py', '# v2'), 'v2');
      const upgraded = await converge('py-counter', 'savepoint upgrade', stableAt(v2));
      console.log(
        `fjc: PyFlink ${version} savepoint upgrade, spec change to stable: ${Date.now() - started} ms`,
      );
      expect(upgraded.status.jobId).not.toBe(first.status.jobId);
      const upgrade = (await rt.store.listSavepoints('py-counter')).items.find(
        (s) => s.triggerKind === 'upgrade',
      );
      expect(upgrade?.status).toBe('COMPLETED');
      expect(upgraded.status.restoredFrom).toBe(upgrade?.path);
      // The new process started from the savepoint's count, not from an empty state.
      expect((await counter('v2')).first).toBeGreaterThan(countBefore);

      const beforeBroken = (await counter('v2', countBefore)).count;
      const broken = await applyJob(
        'py-counter',
        await program('counter_v3.py', 'raise RuntimeError("broken on purpose")'),
        'v3',
      );
      const rolledBack = await converge(
        'py-counter',
        'rollback',
        (r) => r.status.rejected?.specHash === broken && stableAt(v2)(r),
      );
      const history = (await rt.store.listHistory('py-counter', { limit: 50 })).items;
      expect(history.map((e) => e.action)).toEqual(
        expect.arrayContaining(['rollback-started', 'rolled-back']),
      );
      expect(JSON.stringify(history)).toContain('RuntimeError: broken on purpose');
      expect(rolledBack.status.lastApplied?.specHash).toBe(v2);
      expect((await counter('v2', beforeBroken)).first).toBeGreaterThan(beforeBroken);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it("reports a cluster Python without pyflink with Python's own words", async () => {
    await applyJob('py-no-pyflink', await program('counter_np.py'), 'np', {
      // An interpreter that exists but has no pyflink: what a cluster without setup has.
      'python.client.executable': '/usr/bin/python3',
    });
    const record = await converge(
      'py-no-pyflink',
      'refusal',
      (r) => r.status.lastError !== undefined && r.status.operation === undefined,
    );
    expect(record.status.lastError?.message).toContain("No module named 'pyflink'");
  });

  it('reports a cluster started without Python setup as missing flink-python', async () => {
    // The suite's own cluster: the distribution as shipped, flink-python only in opt/.
    await rt.apply(localClusterDocument(inject('flinkUrl'), { name: 'plain' }), 'plain.yaml');
    await rt.apply(
      stringify({
        apiVersion: 'fjc.dev/v1',
        kind: 'FlinkJob',
        metadata: { name: 'py-plain' },
        spec: {
          team: 'platform',
          clusterRef: 'plain',
          python: { artifact: { uri: await program('counter_plain.py') } },
        },
      }),
      'py-plain.yaml',
    );
    const record = await converge(
      'py-plain',
      'refusal',
      (r) => r.status.lastError !== undefined && r.status.operation === undefined,
    );
    expect(record.status.lastError?.message).toContain('flink-python is not on its classpath');
  });

  /** The ids of the cluster's RUNNING jobs, as its REST API lists them. */
  async function runningJobs(): Promise<Set<string>> {
    const overview = (await (await fetch(`${cluster.url}/jobs/overview`)).json()) as {
      jobs: { jid: string; state: string }[];
    };
    return new Set(overview.jobs.filter((j) => j.state === 'RUNNING').map((j) => j.jid));
  }

  /** Reconciles until the job is STABLE on `hash`; fails fast when its spec is rejected. */
  async function convergeStable(
    name: string,
    hash: string,
    deadlineMs = 420_000,
  ): Promise<JobRecord> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      await rt.reconcileOnce();
      await rt.stateMachine.idle();
      const record = await rt.store.getJob(name);
      if (record && stableAt(hash)(record)) return record;
      if (record?.status.rejected !== undefined)
        throw new Error(`${name} was rejected: ${JSON.stringify(record.status)}`);
      if (Date.now() > deadline)
        throw new Error(`${name} not STABLE: ${JSON.stringify(record?.status)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async function applySpec(name: string, spec: Record<string, unknown>): Promise<string> {
    await rt.apply(
      stringify({
        apiVersion: 'fjc.dev/v1',
        kind: 'FlinkJob',
        metadata: { name },
        spec: {
          team: 'platform',
          clusterRef: 'local',
          parallelism: 1,
          upgradeMode: 'savepoint',
          stabilityGate: OVERLAP_GATE,
          ...spec,
        },
      }),
      `${name}.yaml`,
    );
    const record = await rt.store.getJob(name);
    if (!record) throw new Error(`job ${name} not stored`);
    return record.specHash;
  }

  const python = (tag: string) => ({
    python: { artifact: { uri: COUNTER } },
    args: ['--rate', '20', '--state-file', join(dir, `${tag}.json`), '--tag', tag],
  });

  it(
    'brings a jar job and two PyFlink jobs submitted together to RUNNING on the cluster',
    async () => {
      // The counter of the scenarios above may still run: only the jobs started here count.
      const before = await runningJobs();
      const hashes = new Map<string, string>([
        [
          'ov-jar',
          await applySpec('ov-jar', {
            artifact: { uri: exampleJar },
            entryClass: EXAMPLE_ENTRY_CLASS,
          }),
        ],
        ['ov-py-a', await applySpec('ov-py-a', python('a'))],
        ['ov-py-b', await applySpec('ov-py-b', python('b'))],
      ]);
      const deadline = Date.now() + 420_000;
      const records = new Map<string, JobRecord>();
      while (records.size < hashes.size) {
        // One reconcile starts all three operations, so their submit steps would overlap.
        await rt.reconcileOnce();
        await rt.stateMachine.idle();
        for (const [name, hash] of hashes) {
          const record = await rt.store.getJob(name);
          if (record && stableAt(hash)(record)) records.set(name, record);
          else if (record?.status.rejected !== undefined)
            throw new Error(`${name} was rejected: ${JSON.stringify(record.status)}`);
        }
        if (Date.now() > deadline)
          throw new Error(`not all STABLE: ${JSON.stringify([...records.keys()])}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      // Each job runs on the cluster (not in a MiniCluster inside the JobManager, which the
      // cluster's REST API does not list) under the id fjc wrote ahead.
      const running = await runningJobs();
      for (const [name, record] of records) {
        expect(record.status.jobId, name).toBeDefined();
        expect(running.has(record.status.jobId ?? ''), name).toBe(true);
      }
      const started = [...running].filter((id) => !before.has(id)).sort();
      expect(started).toEqual([...records.values()].map((r) => r.status.jobId).sort());
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "keeps a PyFlink job on the cluster while someone else's jar submissions finish on its JobManager",
    async () => {
      // Submissions fjc does not control: its lock cannot queue them, only the launcher's guard
      // keeps the Python program's environment. Each is cancelled once accepted; what matters is
      // that each one's submission ends (and clears Flink's static context) meanwhile.
      const flink = new FlinkRestClient({ baseUrl: cluster.url, timeoutMs: 60_000 });
      const { jarId } = await flink.uploadJar({ path: exampleJar });
      const state = { stop: false };
      let foreign = 0;
      const loop = (async () => {
        while (!state.stop) {
          const jobId = randomBytes(16).toString('hex');
          await flink.runJar(jarId, { jobId, entryClass: EXAMPLE_ENTRY_CLASS, parallelism: 1 });
          foreign++;
          await flink.cancelJob(jobId).catch(() => undefined);
        }
      })();
      try {
        const hash = await applySpec('ov-py-c', python('c'));
        const record = await convergeStable('ov-py-c', hash);
        expect((await runningJobs()).has(record.status.jobId ?? '')).toBe(true);
      } finally {
        state.stop = true;
        await loop;
      }
      console.log(`fjc: ${foreign} foreign jar submission(s) overlapped the PyFlink deploy`);
      expect(foreign).toBeGreaterThan(1);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
