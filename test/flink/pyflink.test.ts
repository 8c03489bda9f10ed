/**
 * PyFlink jobs end to end on real Flink clusters started with a Python environment (one per
 * version: the suite's default 2.3.0 and 1.20.3): the control loop deploys the example counter
 * (examples/jobs/pyflink-counter), upgrades it with a savepoint, rolls a broken version back,
 * and reports a cluster that cannot run Python with Python's own words. The counter writes its
 * count and the first count each process saw to a file: first > 1 proves a restored state.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import type { JobRecord } from '../../functions/core/model/index.js';
import { startFlinkCluster, type FlinkClusterHandle } from '../../scripts/flink/cluster.js';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/local-runtime.js';
import { converge as convergeJob, localClusterDocument, stableAt } from '../support/e2e.js';

const COUNTER = resolve('examples/jobs/pyflink-counter/counter.py');
/** Installing the Python environment the first time takes minutes; starting the cluster too. */
const SETUP_TIMEOUT_MS = 1_200_000;
/** Three deploys of a Python job, each through its stability gate, on a loaded 2-core machine. */
const SCENARIO_TIMEOUT_MS = 600_000;

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

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fjc-pyflink-'));
    stateFile = join(dir, 'counter.json');
    cluster = await startFlinkCluster({ version, python: true, taskSlots: 2 });
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
});
