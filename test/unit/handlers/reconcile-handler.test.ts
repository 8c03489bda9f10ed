/**
 * The reconcile Lambda's factory: one cycle per scheduled event, the event id as correlation id,
 * the report as metrics. Real store on dynalite, scripted Flink.
 */
import { describe, expect, it, vi } from 'vitest';
import { METRIC } from '../../../functions/commons/metric-names.js';
import { createObservability } from '../../../functions/commons/observability.js';
import type { StateMachinePort } from '../../../functions/core/ports/index.js';
import { createReconcileHandler } from '../../../functions/handlers/reconcile-handler.js';
import { job, seed, useBench, type Bench } from '../core/operations/harness.js';
import { PROBED_TOKEN, probeContextOf, registerMain } from './probe-fixtures.js';

let b: Bench;
useBench((fresh) => (b = fresh));

function handlerWithSpies() {
  const observability = createObservability('test');
  const addMetric = vi.spyOn(observability.metrics, 'addMetric');
  const start = vi.fn<StateMachinePort['start']>(() => Promise.resolve());
  const handler = createReconcileHandler({
    ...observability,
    context: () => Promise.resolve({ ...b.ctx, stateMachine: { start } }),
  });
  return { handler, addMetric, start };
}

describe('createReconcileHandler', () => {
  it('runs one cycle named after the scheduled event and reports it as metrics', async () => {
    await seed(b, job());
    const { handler, addMetric, start } = handlerWithSpies();
    const report = await handler({ id: 'evt-42', 'detail-type': 'Scheduled Event' });
    expect(report.planned).toMatchObject([{ kind: 'deploy' }]);
    expect(start).toHaveBeenCalledWith(
      expect.objectContaining({ correlationId: 'reconcile-evt-42' }),
    );
    expect(addMetric).toHaveBeenCalledWith(METRIC.ActionsPlanned, expect.anything(), 1);
    expect(addMetric).toHaveBeenCalledWith(METRIC.ActionsStarted, expect.anything(), 1);
    expect(addMetric).toHaveBeenCalledWith(METRIC.FlinkCalls, expect.anything(), 1);
  });

  it('still runs a cycle for an event without an id, under a fresh correlation id', async () => {
    const { handler, start } = handlerWithSpies();
    await seed(b, job());
    await handler(undefined);
    const [input] = start.mock.calls[0] ?? [];
    expect(input?.correlationId).toMatch(/^reconcile-[0-9a-f-]{36}$/);
  });

  it('logs the entries of a job list it could not read, with their count', async () => {
    const v1 = job();
    await seed(b, v1, v1);
    b.flink.listJobs.mockResolvedValue({
      jobs: [],
      unreadable: [{ jobId: 'c'.repeat(32), reason: 'state: Invalid option' }],
    });
    const observability = createObservability('test');
    const warn = vi.spyOn(observability.logger, 'warn');
    const handler = createReconcileHandler({
      ...observability,
      context: () => Promise.resolve({ ...b.ctx, stateMachine: { start: vi.fn() } }),
    });
    const report = await handler({ id: 'event-1' });
    expect(report.clustersUnreachable).toEqual([]);
    expect(warn).toHaveBeenCalledWith('unreadable job list entries', {
      count: 1,
      entries: [{ clusterRef: 'local', jobId: 'c'.repeat(32), reason: 'state: Invalid option' }],
    });
  });

  it('reconciles just the jobs a targeted event names, reporting its own duration', async () => {
    await seed(b, job(), undefined, {}, 'job-a');
    await seed(b, job(), undefined, {}, 'job-b');
    const { handler, addMetric, start } = handlerWithSpies();
    const report = await handler({
      source: 'fjc.trigger',
      jobNames: ['job-b'],
      correlationId: 'req-7',
    });
    expect(report.planned).toMatchObject([{ jobName: 'job-b', kind: 'deploy' }]);
    expect(report.missing).toEqual([]);
    expect(start).toHaveBeenCalledTimes(1);
    expect(start.mock.calls[0]?.[0]).toMatchObject({ actions: [{ jobName: 'job-b' }] });
    // Never the caller's id: the execution is named after it, and a reused name starts nothing.
    expect(start.mock.calls[0]?.[0].correlationId).toMatch(/^reconcile-[0-9a-f-]{36}$/);
    expect(addMetric).toHaveBeenCalledWith(
      METRIC.TargetedReconcileDuration,
      expect.anything(),
      expect.any(Number),
    );
    // A few jobs say nothing about the fleet or the cycle: those metrics stay the cycle's.
    const names = addMetric.mock.calls.map(([name]) => name);
    expect(names).not.toContain(METRIC.ReconcileDuration);
    expect(names).not.toContain(METRIC.JobsByPhase);
    expect(names).not.toContain(METRIC.FlinkCalls);
    expect((await b.store.getJob('job-a'))?.status.operation).toBeUndefined();
  });

  it('refuses a malformed targeted event instead of running a whole cycle', async () => {
    await seed(b, job());
    const { handler, start } = handlerWithSpies();
    await expect(handler({ source: 'fjc.trigger', jobNames: [] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'jobNames' }],
    });
    expect(start).not.toHaveBeenCalled();
    expect(b.flink.listJobs).not.toHaveBeenCalled();
  });

  it('answers a probe event with each cluster’s checks, never a secret, and runs no cycle', async () => {
    await registerMain(b);
    const observability = createObservability('test');
    const info = vi.spyOn(observability.logger, 'info');
    const start = vi.fn<StateMachinePort['start']>(() => Promise.resolve());
    const handler = createReconcileHandler({
      ...observability,
      context: () => Promise.resolve({ ...b.ctx, stateMachine: { start } }),
      probe: () => Promise.resolve(probeContextOf(b)),
    });
    const report = await handler({
      source: 'fjc.probe',
      clusters: ['main', 'nowhere'],
      correlationId: 'req-7',
    });
    expect(report.clusters.map((c) => [c.cluster, c.ok])).toEqual([
      ['main', true],
      ['nowhere', false],
    ]);
    expect(report.clusters[0]?.flinkVersion).toBe('2.3.0');
    expect(JSON.stringify(report)).not.toContain(PROBED_TOKEN);
    expect(start).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledWith('probed', {
      clusters: [
        { cluster: 'main', ok: true },
        { cluster: 'nowhere', ok: false },
      ],
    });
  });

  it('refuses a malformed probe event, and a probe where none is wired', async () => {
    const { handler, start } = handlerWithSpies();
    await expect(handler({ source: 'fjc.probe', clusters: [] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'clusters' }],
    });
    await expect(handler({ source: 'fjc.probe', clusters: ['main'] })).rejects.toMatchObject({
      code: 'CONFIGURATION',
    });
    expect(start).not.toHaveBeenCalled();
  });
});
