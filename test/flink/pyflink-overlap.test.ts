/**
 * PyFlink submissions overlapping other submissions on one JobManager (issue 13 follow-up).
 * Flink's PythonDriver runs the Python program in a process that reaches the JVM through py4j
 * threads, which find the REST submission's execution environment only through JVM-global state
 * (StreamExecutionEnvironment's static context factory). Another submission finishing meanwhile
 * clears it: without fjc's guard the Python program got a local environment, ran its job in a
 * MiniCluster inside the JobManager, and the submission timed out. Here a jar job and two PyFlink
 * jobs are applied at once so that their submissions would overlap (fjc queues them per cluster);
 * and a PyFlink job is deployed while someone else's jar submissions keep finishing on the same
 * JobManager (which only the launcher's guard can handle). Every fjc job must reach STABLE,
 * running on the cluster under the job id fjc chose.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { JobRecord } from '../../functions/core/model/index.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import { startFlinkCluster, type FlinkClusterHandle } from '../../scripts/flink/cluster.js';
import { buildExampleJar } from '../../scripts/flink/example-jar.js';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/local-runtime.js';
import { EXAMPLE_ENTRY_CLASS } from '../support/flink-contract.js';
import { localClusterDocument, stableAt } from '../support/e2e.js';

const COUNTER = resolve('examples/jobs/pyflink-counter/counter.py');
/** Installing the Python environment the first time takes minutes; starting the cluster too. */
const SETUP_TIMEOUT_MS = 1_200_000;
const SCENARIO_TIMEOUT_MS = 600_000;
const GATE = { minCompletedCheckpoints: 1, soakWindow: '3s', readinessTimeout: '180s' };

describe.each(['2.3.0', '1.20.3'])('PyFlink submissions overlapping on Flink %s', (version) => {
  let cluster: FlinkClusterHandle;
  let rt: LocalRuntime;
  let dir: string;
  /** The example jar built for this cluster's Flink version (cached after the first build). */
  let exampleJar: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fjc-pyflink-overlap-'));
    exampleJar = await buildExampleJar(version);
    cluster = await startFlinkCluster({ version, python: true, taskSlots: 4 });
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

  /** The ids of the cluster's RUNNING jobs, as its REST API lists them. */
  async function runningJobs(): Promise<Set<string>> {
    const overview = (await (await fetch(`${cluster.url}/jobs/overview`)).json()) as {
      jobs: { jid: string; state: string }[];
    };
    return new Set(overview.jobs.filter((j) => j.state === 'RUNNING').map((j) => j.jid));
  }

  /** Reconciles until the job is STABLE on `hash`; fails fast when its spec is rejected. */
  async function converge(name: string, hash: string, deadlineMs = 420_000): Promise<JobRecord> {
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

  async function apply(name: string, spec: Record<string, unknown>): Promise<string> {
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
          stabilityGate: GATE,
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
      const hashes = new Map<string, string>([
        [
          'ov-jar',
          await apply('ov-jar', {
            artifact: { uri: exampleJar },
            entryClass: EXAMPLE_ENTRY_CLASS,
          }),
        ],
        ['ov-py-a', await apply('ov-py-a', python('a'))],
        ['ov-py-b', await apply('ov-py-b', python('b'))],
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
      expect(running.size).toBe(3);
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
        const hash = await apply('ov-py-c', python('c'));
        const record = await converge('ov-py-c', hash);
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
