import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LEASE_TTL_MS } from '../../../functions/core/operations/advance.js';
import { desiredJobOf } from '../../../functions/core/desired-job.js';
import { processSpecCache } from '../../../functions/core/plan/spec-cache.js';
import { reconcile } from '../../../functions/core/reconcile.js';
import type {
  ClusterJob,
  ClusterJobList,
  ExecutionAction,
  StateMachinePort,
} from '../../../functions/core/ports/index.js';
import { FlinkUnreachableError } from '../../../functions/flink/index.js';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import {
  JOB_ID,
  MUTATIONS,
  NAME,
  bench,
  job,
  seed,
  withOperation,
  snap,
  type Bench,
} from './operations/harness.js';

let dynamo: LocalDynamo;
let b: Bench;
let starts: { correlationId: string; actions: ExecutionAction[] }[];
let stateMachine: StateMachinePort;
let start: ReturnType<typeof vi.fn<StateMachinePort['start']>>;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(async () => {
  b = await bench(dynamo);
  starts = [];
  start = vi.fn((input: { correlationId: string; actions: ExecutionAction[] }) => {
    starts.push(input);
    return Promise.resolve();
  });
  stateMachine = { start };
});
afterEach(async () => {
  await b.cleanup();
});

const cycle = (options: { maxOperationsPerCluster?: number } = {}) =>
  reconcile({ ...b.ctx, stateMachine }, { correlationId: 'cycle-1', ...options });

function overview(state: string, jobId = JOB_ID): ClusterJob {
  return { jobId, state, startTime: 1 };
}

function listed(...jobs: ClusterJob[]): ClusterJobList {
  return { jobs, unreadable: [] };
}

describe('reconcile', () => {
  it('marks jobs of an unreachable cluster UNKNOWN once, and touches nothing on Flink', async () => {
    const v1 = job();
    await seed(b, v1, v1);
    b.flink.listJobs.mockRejectedValue(new FlinkUnreachableError('http://flink:8081'));
    const first = await cycle();
    expect(first.clustersUnreachable).toEqual(['local']);
    expect(first.flinkCalls).toBe(1);
    expect(first.planned).toMatchObject([{ kind: 'mark-unknown' }]);
    expect(first.statusUpdates).toBe(1);
    const record = await b.get();
    expect(record.status.phase).toBe('UNKNOWN');
    expect(record.status.observed).toEqual({ state: 'UNREACHABLE', at: b.now().toISOString() });

    const second = await cycle();
    expect(second.planned).toMatchObject([{ kind: 'none' }]);
    expect(second.statusUpdates).toBe(0);
    expect((await b.get()).version).toBe(record.version);
    for (const call of MUTATIONS) expect(b.flink[call]).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
  });

  it('looks clusters up through the cycle it begins, once per cycle, when the context offers one', async () => {
    const v1 = job();
    await seed(b, v1, v1);
    b.flink.listJobs.mockResolvedValue(listed(overview('RUNNING')));
    const outside = vi.fn(() => Promise.reject(new Error('looked up outside the cycle')));
    const beginCycle = vi.fn(() =>
      Promise.resolve({
        flink: () => Promise.resolve(b.flink),
        savepointDirectory: () => Promise.resolve(undefined),
      }),
    );
    const ctx = { ...b.ctx, stateMachine, flink: outside, beginCycle };
    const report = await reconcile(ctx, { correlationId: 'c' });
    expect(report.planned).toMatchObject([{ kind: 'none', reason: 'in desired state' }]);
    expect(report.clustersUnreachable).toEqual([]);
    expect(beginCycle).toHaveBeenCalledTimes(1);
    expect(outside).not.toHaveBeenCalled();
  });

  it('reports an unreachable cluster whose client cannot even be built', async () => {
    await seed(b, job(), job());
    const ctx = { ...b.ctx, stateMachine, flink: () => Promise.reject(new Error('no secret')) };
    const report = await reconcile(ctx, { correlationId: 'c' });
    expect(report.planned).toMatchObject([
      { kind: 'mark-unknown', reason: expect.stringContaining('no secret') as string },
    ]);
  });

  it('skips a job whose stored spec no longer parses, saying why', async () => {
    await b.store.putDesired(
      {
        name: 'broken',
        team: 'platform',
        clusterRef: 'local',
        spec: { kind: 'FlinkJob' },
        specHash: 'h',
      },
      { actor: 'test' },
    );
    const report = await cycle();
    expect(report.skipped).toEqual([
      {
        jobName: 'broken',
        reason: expect.stringContaining('stored spec no longer valid') as string,
      },
    ]);
    expect(report.planned).toEqual([]);
    expect(report.flinkCalls).toBe(0);
  });

  it('an unreadable entry in a shared cluster’s job list blinds fjc to that entry only', async () => {
    const other = 'b'.repeat(32);
    const v1 = job();
    await seed(b, v1, v1);
    await seed(b, v1, v1, { jobId: other }, 'other');
    b.flink.listJobs.mockResolvedValue({
      jobs: [overview('RUNNING')],
      unreadable: [{ jobId: other, reason: 'state: Invalid option' }],
    });
    const report = await cycle();
    expect(report.clustersUnreachable).toEqual([]);
    expect(report.unreadableEntries).toEqual([
      { clusterRef: 'local', jobId: other, reason: 'state: Invalid option' },
    ]);
    const plans = Object.fromEntries(report.planned.map((p) => [p.jobName, p]));
    expect(plans[NAME]).toMatchObject({ kind: 'none', reason: 'in desired state' });
    // Its entry could not be read, so it is neither running nor gone: nothing is done to it.
    expect(plans.other).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('state: Invalid option') as string,
    });
    expect(report.statusUpdates).toBe(0);
    expect(start).not.toHaveBeenCalled();
    for (const call of MUTATIONS) expect(b.flink[call]).not.toHaveBeenCalled();
    expect((await b.get()).status.phase).toBe('STABLE');
    expect((await b.store.getJob('other'))?.status.phase).toBe('STABLE');
  });

  it('does not recover a job that may be the entry whose id could not be read', async () => {
    const v1 = job();
    await seed(b, v1, v1);
    b.flink.listJobs.mockResolvedValue({ jobs: [], unreadable: [{ reason: 'jid: Required' }] });
    const report = await cycle();
    expect(report.planned).toMatchObject([
      { kind: 'none', reason: expect.stringContaining('jid: Required') as string },
    ]);
    expect(report.unreadableEntries).toEqual([{ clusterRef: 'local', reason: 'jid: Required' }]);
    expect(start).not.toHaveBeenCalled();

    // Once the cluster lists readable entries only, a vanished job is recovered as before.
    b.flink.listJobs.mockResolvedValue(listed());
    expect((await cycle()).planned).toMatchObject([{ kind: 'recover' }]);
  });

  it('skips a status change that lost against a concurrent writer', async () => {
    await seed(b, job(), job());
    b.flink.listJobs.mockImplementation(async () => {
      // Somebody changes the job while the cluster is observed.
      const current = await b.get();
      await b.store.transition(
        NAME,
        current.version,
        { observed: null },
        { actor: 'api', action: 'x' },
      );
      throw new FlinkUnreachableError('http://flink:8081');
    });
    const report = await cycle();
    expect(report.planned).toMatchObject([{ kind: 'mark-unknown' }]);
    expect(report.skipped).toEqual([{ jobName: NAME, reason: 'changed concurrently' }]);
    expect(report.statusUpdates).toBe(0);
    expect((await b.get()).status.phase).toBe('STABLE');
  });

  it('does not start an operation on a job that changed between plan and claim', async () => {
    await seed(b, job(), undefined);
    b.flink.listJobs.mockImplementation(async () => {
      // Somebody writes the job while the cluster is observed, after the jobs were read.
      const current = await b.get();
      await b.store.transition(
        NAME,
        current.version,
        { observed: null },
        { actor: 'api', action: 'x' },
      );
      return listed();
    });
    const report = await cycle();
    expect(report.planned).toMatchObject([{ kind: 'deploy' }]);
    expect(report.started).toEqual([]);
    const record = await b.get();
    expect(record.status.operation).toBeUndefined();
    expect(record.lease).toBeUndefined();
  });

  it('starts at most maxOperationsPerCluster operations, in one execution', async () => {
    for (const name of ['job-a', 'job-b', 'job-c']) await seed(b, job(), undefined, {}, name);
    const report = await cycle({ maxOperationsPerCluster: 2 });
    expect(report.planned.map((p) => p.kind)).toEqual(['deploy', 'deploy', 'deploy']);
    expect(report.started).toHaveLength(2);
    expect(starts).toEqual([{ correlationId: 'cycle-1', actions: report.started }]);
    for (const action of report.started) {
      expect(action).toMatchObject({ clusterRef: 'local', kind: 'deploy' });
      const record = await b.store.getJob(action.jobName);
      expect(record?.lease?.owner).toBe(action.owner);
      expect(record?.status.operation).toMatchObject({ id: action.operationId, step: 'submit' });
      expect(record?.status.phase).toBe('DEPLOYING');
      expect(record?.recentHistory.at(-1)?.action).toBe('deploy-started');
    }
    const left = ['job-a', 'job-b', 'job-c'].filter(
      (n) => !report.started.some((s) => s.jobName === n),
    );
    expect((await b.store.getJob(left[0] ?? ''))?.status.operation).toBeUndefined();
  });

  it('records why an upgrade was started', async () => {
    const v1 = job();
    const v2 = job({ args: ['--rate', '9'] });
    await seed(b, v2, v1);
    b.flink.listJobs.mockResolvedValue(listed(overview('RUNNING')));
    const report = await cycle();
    expect(report.started).toMatchObject([{ kind: 'upgrade' }]);
    expect((await b.get()).recentHistory.at(-1)).toMatchObject({
      action: 'upgrade-started',
      details: { fields: expect.arrayContaining(['spec.args']) as string[] },
    });
  });

  it('takes over an operation whose worker vanished (expired lease)', async () => {
    const v1 = job();
    await seed(b, v1, v1);
    const opId = await withOperation(
      b,
      'savepoint',
      'await-savepoint',
      {
        mode: 'savepoint',
        target: snap(v1, 1),
        reason: 'test',
      },
      'dead-worker',
    );
    b.advance(LEASE_TTL_MS + 1);
    const report = await cycle();
    expect(report.planned).toMatchObject([{ kind: 'resume-operation' }]);
    expect(report.started).toHaveLength(1);
    const [action] = report.started;
    expect(action).toMatchObject({ jobName: NAME, kind: 'savepoint', operationId: opId });
    expect(action?.owner).not.toBe('dead-worker');
    const record = await b.get();
    expect(record.lease?.owner).toBe(action?.owner);
    expect(record.status.operation?.id).toBe(opId);
  });

  it('settles, adopts and marks suspended without starting anything', async () => {
    const v1 = job();
    await seed(b, v1, v1, { phase: 'UNKNOWN' }, 'settling');
    await seed(b, job({}, { tier: 'gold' }), v1, {}, 'adopting');
    const stale = { code: 'NOT_STABLE', message: 'an earlier fault', at: '2026-01-01T00:00:00Z' };
    await seed(
      b,
      job({ state: 'suspended' }),
      v1,
      { jobId: 'c'.repeat(32), lastError: stale },
      'suspending',
    );
    b.flink.listJobs.mockResolvedValue(listed(overview('RUNNING')));
    const report = await cycle();
    const kinds = Object.fromEntries(report.planned.map((p) => [p.jobName, p.kind]));
    expect(kinds).toEqual({ settling: 'settle', adopting: 'adopt', suspending: 'mark-suspended' });
    expect(report.statusUpdates).toBe(3);
    expect(report.started).toEqual([]);
    expect(start).not.toHaveBeenCalled();
    expect((await b.store.getJob('settling'))?.status).toMatchObject({
      phase: 'STABLE',
      observed: { state: 'RUNNING' },
    });
    const adopted = await b.store.getJob('adopting');
    expect(adopted?.status.lastApplied?.specHash).toBe(adopted?.specHash);
    expect(adopted?.status.lastStable?.specHash).toBe(adopted?.specHash);
    expect((await b.store.getJob('suspending'))?.status.phase).toBe('SUSPENDED');
    // Suspended as asked: the fault of the job it no longer runs is not its state any more.
    expect((await b.store.getJob('suspending'))?.status.lastError).toBeUndefined();
    expect(report.fleet.byPhase).toMatchObject({ UNKNOWN: 1, STABLE: 2 });
  });
});

describe('reconcile in a cold process (spec summaries)', () => {
  /** Stored as the doors store it (with its summary), then made steady: applied and RUNNING. */
  async function steady(name: string, desired: ReturnType<typeof job>, savepointAt: string) {
    const put = await b.store.putDesired(
      { ...desiredJobOf(desired), name },
      { actor: 'test', now: b.now() },
    );
    await b.store.transition(
      name,
      put.record.version,
      {
        phase: 'STABLE',
        jobId: JOB_ID,
        attempt: 1,
        lastApplied: snap(desired, 1),
        lastStable: snap(desired, 1),
        jobStartedAt: savepointAt,
        newestSavepoint: { path: 's3://sp/1', at: savepointAt },
      },
      { actor: 'test', action: 'seeded' },
      b.now(),
    );
  }

  it('reads only the specs of jobs it starts an operation for, and plans them the same', async () => {
    processSpecCache.clear();
    const due = job({ savepointPolicy: { interval: '1m' }, args: ['--cold', 'due'] });
    const calm = job({ savepointPolicy: { interval: '1d' }, args: ['--cold', 'calm'] });
    const old = new Date(b.now().getTime() - 3_600_000).toISOString();
    await steady('job-due', due, old);
    await steady('job-calm', calm, old);
    b.flink.listJobs.mockResolvedValue(listed(overview('RUNNING')));
    const reads = vi.spyOn(b.store, 'getStoredSpecs');

    const report = await cycle();
    expect(report.skipped).toEqual([]);
    expect(report.planned).toMatchObject([
      { jobName: 'job-calm', kind: 'none', reason: 'in desired state' },
      { jobName: 'job-due', kind: 'savepoint', savepointKind: 'periodic' },
    ]);
    expect(report.started).toMatchObject([{ jobName: 'job-due', kind: 'savepoint' }]);
    expect(reads.mock.calls.map(([names]) => names)).toEqual([['job-due']]);
    expect(processSpecCache.has(desiredJobOf(calm).specHash)).toBe(false);
  });

  it('skips an operation whose spec changed between the listing and its read', async () => {
    processSpecCache.clear();
    const due = job({ savepointPolicy: { interval: '1m' }, args: ['--cold', 'moved'] });
    await steady('job-moved', due, new Date(b.now().getTime() - 3_600_000).toISOString());
    b.flink.listJobs.mockResolvedValue(listed(overview('RUNNING')));
    const read = b.store.getStoredSpecs.bind(b.store);
    vi.spyOn(b.store, 'getStoredSpecs').mockImplementation(async (names, options) => {
      await b.store.putDesired(
        { ...desiredJobOf(job({ args: ['--cold', 'moved', '--again'] })), name: 'job-moved' },
        { actor: 'test', now: b.now() },
      );
      return read(names, options);
    });
    const report = await cycle();
    expect(report.planned).toEqual([]);
    expect(report.started).toEqual([]);
    expect(report.skipped).toEqual([{ jobName: 'job-moved', reason: 'changed concurrently' }]);
  });
});
