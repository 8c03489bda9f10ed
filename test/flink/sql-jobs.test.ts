import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import type { JobRecord } from '../../functions/core/model/index.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import { startFlinkCluster, type FlinkClusterHandle } from '../../scripts/flink/cluster.js';
import { startSqlGateway, type SqlGatewayHandle } from '../../scripts/flink/sql-gateway.js';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/local-runtime.js';
import { converge as convergeJob, localClusterDocument, stableAt } from '../support/e2e.js';
import {
  continuedFrom,
  countsWhen,
  firstPerKey,
  lastPerKey,
  printedCounts,
  type PrintedCount,
} from '../support/sql-counter.js';

/**
 * SQL jobs end to end on real Flink through its SQL Gateway, on the suite's cluster (2.3) and on
 * a 1.20 cluster this file starts: first deploy, a savepoint upgrade (after a passed SQL
 * pre-flight that submitted nothing) whose counts go on from the savepoint, a broken version
 * rolled back with its state, and an upgrade whose SQL does not plan refused by the pre-flight
 * with Flink's root cause before the stop. The counts are read from outside, from the print
 * sink's lines in the TaskManager's stdout (test/support/sql-counter.ts).
 */
const LEGACY_VERSION = '1.20.3';

interface Target {
  cluster: string;
  flinkUrl: string;
  gatewayUrl: string;
  logDir: string;
  savepointDir: string;
}

let rt: LocalRuntime;

beforeAll(async () => {
  rt = await startLocalRuntime({ baseDir: process.cwd() });
});

afterAll(async () => {
  await rt.stop();
});

interface SqlJobOptions {
  /** The print sink's tag: which version printed a count. */
  tag: string;
  /** A version whose source fails on its first record (datagen min above max). */
  broken?: boolean;
  /** The last statement instead of the example's INSERT. */
  insert?: string;
}

function script(o: SqlJobOptions): string {
  const [min, max] = o.broken ? ['5', '1'] : ['0', '1'];
  return [
    `CREATE TABLE clicks (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.k.kind' = 'random', 'fields.k.min' = '${min}', 'fields.k.max' = '${max}');`,
    `CREATE TABLE counts (k INT, c BIGINT) WITH ('connector' = 'print', 'print-identifier' = '${o.tag}');`,
    o.insert ?? 'INSERT INTO counts SELECT k, COUNT(*) FROM clicks GROUP BY k;',
    '',
  ].join('\n');
}

function jobSpec(name: string, cluster: string, o: SqlJobOptions): string {
  return stringify({
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name },
    spec: {
      team: 'platform',
      clusterRef: cluster,
      sql: { statements: script(o) },
      parallelism: 1,
      upgradeMode: 'savepoint',
      flinkConfiguration: {
        'execution.checkpointing.interval': '1s',
        'restart-strategy.type': 'none',
      },
      stabilityGate: {
        minCompletedCheckpoints: 1,
        maxRestarts: 0,
        soakWindow: '3s',
        readinessTimeout: '60s',
      },
    },
  });
}

/** Whether, per key, every count is one more than the one before it (no state was lost). */
function consecutivePerKey(counts: readonly PrintedCount[]): boolean {
  const last = new Map<number, number>();
  for (const { key, count } of counts) {
    const previous = last.get(key);
    if (previous !== undefined && count !== previous + 1) return false;
    last.set(key, count);
  }
  return true;
}

function scenarios(label: string, target: () => Target): void {
  describe(`SQL jobs on real Flink ${label}`, () => {
    const name = `clicks-${label.replace(/\W/g, '-')}`;
    const run = randomBytes(3).toString('hex');
    let flink: FlinkRestClient;

    const job = async (): Promise<JobRecord> => {
      const record = await rt.store.getJob(name);
      if (!record) throw new Error('job not stored');
      return record;
    };
    const apply = async (o: SqlJobOptions): Promise<string> => {
      await rt.apply(jobSpec(name, target().cluster, o), `${name}.yaml`);
      return (await job()).specHash;
    };
    const converge = (what: string, done: (r: JobRecord) => boolean) =>
      convergeJob(rt, name, what, done);
    const bothKeys = (c: readonly { key: number }[]) => new Set(c.map((p) => p.key)).size === 2;
    /** Every job of this name the cluster knows, in any state, sorted. */
    const jobIdsNamed = async (): Promise<string[]> =>
      (await flink.listJobs()).jobs
        .filter((j) => j.name === name)
        .map((j) => j.jid)
        .sort();
    const lastPreflight = async (): Promise<unknown> => {
      const entries = (await rt.store.listHistory(name, { limit: 100 })).items; // newest first
      const entry = entries.find((e) => e.action.startsWith('preflight-'));
      return entry?.details?.preflight;
    };

    beforeAll(async () => {
      const { cluster, flinkUrl, gatewayUrl, savepointDir } = target();
      flink = new FlinkRestClient({ baseUrl: flinkUrl });
      await rt.apply(
        localClusterDocument(flinkUrl, {
          name: cluster,
          savepointDir,
          spec: { sqlGateway: { url: gatewayUrl, auth: { type: 'none' } } },
        }),
        `${cluster}.yaml`,
      );
    });

    afterAll(async () => {
      const record = await rt.store.getJob(name);
      if (record?.status.jobId) await flink.cancelJob(record.status.jobId).catch(() => undefined);
      await flink.close();
    });

    it('deploys a SQL job under fjc’s job id and calls it stable after the gate', async () => {
      const tag = `${run}v1`;
      const hash = await apply({ tag });
      const record = await converge('first deploy', stableAt(hash));
      const detail = await flink.getJob(record.status.jobId ?? '');
      expect(detail.state).toBe('RUNNING');
      expect(detail.name).toBe(name);
      await countsWhen(target().logDir, tag, bothKeys);
    });

    it('upgrades with a savepoint after the SQL pre-flight; the counts go on from it', async () => {
      const before = await job();
      const oldJob = before.status.jobId ?? '';
      const jobsBefore = await jobIdsNamed();
      const started = Date.now();
      const hash = await apply({ tag: `${run}v2` });
      const after = await converge('savepoint upgrade', stableAt(hash));
      console.log(
        `fjc: SQL savepoint upgrade on ${label}, spec change to stable: ${String(Date.now() - started)} ms`,
      );
      expect(after.status.jobId).not.toBe(oldJob);
      expect((await flink.getJob(oldJob)).state).toBe('FINISHED');
      // The gateway planned the new statements before the stop and submitted nothing: the only
      // new job of this name on the cluster is the upgrade's own.
      expect(await lastPreflight()).toMatchObject({ verdict: 'passed', program: 'built' });
      expect((await jobIdsNamed()).filter((id) => !jobsBefore.includes(id))).toEqual([
        after.status.jobId,
      ]);
      const upgrade = (await rt.store.listSavepoints(name)).items.find(
        (s) => s.triggerKind === 'upgrade',
      );
      expect(upgrade).toMatchObject({ status: 'COMPLETED', flinkJobId: oldJob });
      expect(after.status.restoredFrom).toBe(upgrade?.path);
      const v2 = await countsWhen(target().logDir, `${run}v2`, bothKeys);
      const v1 = await printedCounts(target().logDir, `${run}v1`);
      expect(
        continuedFrom(v1, v2),
        JSON.stringify({ v1: [...lastPerKey(v1)], v2: [...firstPerKey(v2)] }),
      ).toBe(true);
    });

    it('rolls a broken version back to the last stable one, state intact', async () => {
      const good = await job();
      const goodHash = good.specHash;
      const linesBefore = (await printedCounts(target().logDir, `${run}v2`)).length;
      const badHash = await apply({ tag: `${run}bad`, broken: true });
      const after = await converge(
        'rollback',
        (r) => r.status.rejected?.specHash === badHash && stableAt(goodHash)(r),
      );
      expect(after.status.lastError?.code).toBe('NOT_STABLE');
      expect(after.status.jobId).not.toBe(good.status.jobId);
      expect((await flink.getJob(after.status.jobId ?? '')).state).toBe('RUNNING');
      // The good version runs again (printing as v2), restored from the savepoint taken when the
      // broken one was applied: per key its counts go on by one, never back to 1.
      const v2 = await countsWhen(target().logDir, `${run}v2`, (c) =>
        bothKeys(c.slice(linesBefore)),
      );
      expect(consecutivePerKey(v2), JSON.stringify(v2.slice(linesBefore - 3))).toBe(true);
      const actions = (await rt.store.listHistory(name)).items.map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['rollback-started', 'rolled-back']));
    });

    it('refuses an upgrade whose SQL does not plan before the stop: same job, no savepoint, nothing submitted', async () => {
      // The desired spec is still the broken one of the previous scenario: the stable one is
      // what the refusal must leave running.
      const before = await job();
      const goodHash = before.status.lastStable?.specHash ?? '';
      const savepoints = (await rt.store.listSavepoints(name, { limit: 100 })).items.length;
      const jobsBefore = await jobIdsNamed();
      const started = Date.now();
      const badHash = await apply({
        tag: `${run}bad2`,
        insert: 'INSERT INTO counts SELECT k, COUNT(no_such_column) FROM clicks GROUP BY k;',
      });
      const after = await converge(
        'pre-flight refusal',
        (r) => r.status.rejected?.specHash === badHash && stableAt(goodHash)(r),
      );
      console.log(
        `fjc: SQL pre-flight refusal on ${label}, spec change to rejected: ${String(Date.now() - started)} ms`,
      );
      expect(after.status.lastError?.code).toBe('PREFLIGHT_REFUSED');
      expect(after.status.lastError?.message).toMatch(/SQL statement 3: .*no_such_column/);
      expect(after.status.lastError?.message).not.toMatch(/\n\s+at /);
      expect(await lastPreflight()).toMatchObject({ verdict: 'refused', program: 'failed' });
      expect(after.status.jobId).toBe(before.status.jobId);
      expect((await flink.getJob(after.status.jobId ?? '')).state).toBe('RUNNING');
      expect((await rt.store.listSavepoints(name, { limit: 100 })).items).toHaveLength(savepoints);
      expect(await jobIdsNamed()).toEqual(jobsBefore);
    });

    it('leaves one live job behind it: the stable version, not a broken one still restarting', async () => {
      const live = (await flink.listJobs()).jobs.filter(
        (j) => j.name === name && !['FINISHED', 'FAILED', 'CANCELED'].includes(j.state),
      );
      expect(live.map((j) => j.jid)).toEqual([(await job()).status.jobId]);
    });
  });
}

scenarios(inject('flinkVersion'), () => ({
  cluster: 'local',
  flinkUrl: inject('flinkUrl'),
  gatewayUrl: inject('sqlGatewayUrl'),
  logDir: inject('flinkLogDir'),
  savepointDir: inject('savepointDir'),
}));

describe(`on Flink ${LEGACY_VERSION}`, () => {
  let cluster: FlinkClusterHandle;
  let gateway: SqlGatewayHandle;

  beforeAll(async () => {
    cluster = await startFlinkCluster({ version: LEGACY_VERSION });
    try {
      gateway = await startSqlGateway(cluster);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  });

  afterAll(async () => {
    await gateway.stop();
    await cluster.stop();
  });

  scenarios(LEGACY_VERSION, () => ({
    cluster: 'legacy',
    flinkUrl: cluster.url,
    gatewayUrl: gateway.url,
    logDir: cluster.logDir,
    savepointDir: cluster.savepointDir,
  }));
});
