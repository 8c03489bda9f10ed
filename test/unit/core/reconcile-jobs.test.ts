import { beforeEach, describe, expect, it, vi } from 'vitest';
import { reconcileJobs } from '../../../functions/core/reconcile-jobs.js';
import { reconcile } from '../../../functions/core/reconcile.js';
import type { ExecutionAction, StateMachinePort } from '../../../functions/core/ports/index.js';
import { FlinkUnreachableError } from '../../../functions/flink/index.js';
import { NAME, job, seed, useBench, type Bench } from './operations/harness.js';

let b: Bench;
useBench((fresh) => (b = fresh));

let starts: { correlationId: string; actions: ExecutionAction[] }[];
let stateMachine: StateMachinePort;
beforeEach(() => {
  starts = [];
  stateMachine = {
    start: vi.fn((input: { correlationId: string; actions: ExecutionAction[] }) => {
      starts.push(input);
      return Promise.resolve();
    }),
  };
});

const targeted = (names: string[]) =>
  reconcileJobs({ ...b.ctx, stateMachine }, names, { correlationId: 'event-1' });

describe('reconcileJobs (the event path)', () => {
  it('plans and starts only the named jobs, observing only their cluster once', async () => {
    await seed(b, job(), undefined, {}, 'job-a');
    await seed(b, job(), undefined, {}, 'job-b');
    const report = await targeted(['job-a', 'job-a']);
    expect(report.planned).toMatchObject([{ jobName: 'job-a', kind: 'deploy' }]);
    expect(report.started).toMatchObject([{ jobName: 'job-a', kind: 'deploy' }]);
    expect(report.flinkCalls).toBe(1);
    expect(b.flink.listJobs).toHaveBeenCalledTimes(1);
    expect(starts).toEqual([{ correlationId: 'event-1', actions: report.started }]);
    expect((await b.store.getJob('job-a'))?.status.operation).toMatchObject({ step: 'submit' });
    expect((await b.store.getJob('job-b'))?.status.operation).toBeUndefined();
  });

  it('reports a named job that is gone and touches nothing', async () => {
    const report = await targeted(['nobody']);
    expect(report.missing).toEqual(['nobody']);
    expect(report.planned).toEqual([]);
    expect(report.flinkCalls).toBe(0);
    expect(b.flink.listJobs).not.toHaveBeenCalled();
    expect(starts).toEqual([]);
  });

  it('applies a status-only decision in one write, as the cycle does', async () => {
    const v1 = job();
    await seed(b, v1, v1);
    const before = await b.get();
    b.flink.listJobs.mockRejectedValue(new FlinkUnreachableError('http://flink:8081'));
    const report = await targeted([NAME]);
    expect(report.planned).toMatchObject([{ jobName: NAME, kind: 'mark-unknown' }]);
    expect(report.clustersUnreachable).toEqual(['local']);
    expect(report.statusUpdates).toBe(1);
    const after = await b.get();
    expect(after.status.phase).toBe('UNKNOWN');
    expect(after.version).toBe(before.version + 1);
    expect(starts).toEqual([]);
  });

  // Several rounds, each on a fresh table: the interleaving differs from run to run.
  it.each([1, 2, 3, 4, 5])(
    'racing the scheduled cycle on the same job, exactly one operation starts (round %i)',
    async () => {
      await seed(b, job(), undefined);
      // Both read the job before either claims it: the observation is slow on purpose.
      b.flink.listJobs.mockImplementation(async () => {
        await new Promise((r) => setTimeout(r, 20));
        return { jobs: [], unreadable: [] };
      });
      const [cycle, event] = await Promise.all([
        reconcile({ ...b.ctx, stateMachine }, { correlationId: 'cycle' }),
        targeted([NAME]),
      ]);
      expect(cycle.planned).toMatchObject([{ jobName: NAME, kind: 'deploy' }]);
      expect(event.planned).toMatchObject([{ jobName: NAME, kind: 'deploy' }]);
      const started = [...cycle.started, ...event.started];
      expect(started).toHaveLength(1);
      const loser = cycle.started.length === 1 ? event : cycle;
      expect(loser.skipped).toEqual([{ jobName: NAME, reason: 'changed concurrently' }]);
      const record = await b.get();
      expect(record.recentHistory.filter((e) => e.action === 'deploy-started')).toHaveLength(1);
      expect(record.lease?.owner).toBe(started[0]?.owner);
      expect(record.status.operation?.id).toBe(started[0]?.operationId);
      // One execution for the one operation, from whichever side won: one submission.
      expect(starts.flatMap((s) => s.actions)).toEqual(started);
    },
  );
});
