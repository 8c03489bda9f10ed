import { describe, expect, it } from 'vitest';
import { planActions, planJob } from '../../../../functions/core/plan/plan-actions.js';
import { cluster, job, JOB_ID, NOW, running, snapshot, unreachable, view } from './fixtures.js';

const later = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

describe('planJob', () => {
  it('deploys a job that never ran', () => {
    expect(planJob(view(job(), { phase: 'PENDING', attempt: 0 }), cluster({}), NOW)).toMatchObject({
      kind: 'deploy',
      jobName: 'counter',
      expectedVersion: 7,
      clusterRef: 'local',
    });
  });

  it('leaves a job alone while its operation holds a live lease', () => {
    const v = running(job(), job(), {
      operation: { id: 'op', kind: 'upgrade', step: 'await-stable', startedAt: NOW.toISOString() },
    });
    v.record.lease = { owner: 'w', expiresAt: later(60_000) };
    expect(planJob(v, cluster(), NOW)).toMatchObject({
      kind: 'none',
      reason: 'upgrade in flight at step await-stable',
    });
  });

  it('takes over an operation whose lease expired', () => {
    const v = running(job(), job(), {
      operation: { id: 'op', kind: 'upgrade', step: 'submit', startedAt: NOW.toISOString() },
    });
    v.record.lease = { owner: 'dead', expiresAt: later(-1) };
    expect(planJob(v, cluster(), NOW).kind).toBe('resume-operation');
  });

  it('does nothing else while a lease is held without an operation', () => {
    const v = running(job());
    v.record.lease = { owner: 'api', expiresAt: later(10_000) };
    expect(planJob(v, cluster(), NOW).kind).toBe('none');
  });

  it('marks jobs UNKNOWN when their cluster cannot be reached, once', () => {
    expect(planJob(running(job()), unreachable(), NOW)).toMatchObject({
      kind: 'mark-unknown',
      reason: expect.stringContaining('ECONNREFUSED') as string,
    });
    expect(planJob(running(job(), job(), { phase: 'UNKNOWN' }), unreachable(), NOW).kind).toBe(
      'none',
    );
    expect(planJob(running(job()), new Map(), NOW)).toMatchObject({
      kind: 'none',
      reason: 'cluster local is not declared',
    });
  });

  it('settles a job back to STABLE when its cluster answers again', () => {
    expect(planJob(running(job(), job(), { phase: 'UNKNOWN' }), cluster(), NOW)).toMatchObject({
      kind: 'settle',
      observedState: 'RUNNING',
    });
  });

  it('suspends a running job whose desired state is suspended', () => {
    const desired = job({ state: 'suspended' });
    expect(planJob(running(desired, job()), cluster(), NOW).kind).toBe('suspend');
    expect(planJob(running(desired, job()), cluster({}), NOW).kind).toBe('mark-suspended');
    expect(planJob(running(desired, job(), { phase: 'SUSPENDED' }), cluster({}), NOW).kind).toBe(
      'none',
    );
    expect(planJob(running(desired, job()), cluster({ [JOB_ID]: 'RESTARTING' }), NOW).kind).toBe(
      'none',
    );
  });

  it('does not resume a suspended job again whose spec was refused (its chosen savepoint)', () => {
    const desired = job({ restore: { from: { path: 'file:///sp/gone', nonce: 1 } } });
    const rejected = {
      specHash: snapshot(desired, 2).specHash,
      reason: 'gone',
      at: NOW.toISOString(),
    };
    const suspended = running(desired, job(), { phase: 'SUSPENDED', rejected });
    expect(planJob(suspended, cluster({ [JOB_ID]: 'FINISHED' }), NOW)).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('rejected: gone') as string,
    });
  });

  it('resumes a suspended job whose desired state is running', () => {
    expect(
      planJob(running(job(), job(), { phase: 'SUSPENDED' }), cluster({ [JOB_ID]: 'FINISHED' }), NOW)
        .kind,
    ).toBe('resume');
  });

  it('recovers a job that vanished or ended outside fjc', () => {
    expect(planJob(running(job()), cluster({}), NOW)).toMatchObject({
      kind: 'recover',
      observedState: 'MISSING',
    });
    expect(planJob(running(job()), cluster({ [JOB_ID]: 'CANCELED' }), NOW)).toMatchObject({
      kind: 'recover',
      observedState: 'CANCELED',
    });
  });

  it('does not restart a FAILED job until its spec changes', () => {
    expect(
      planJob(running(job(), job(), { phase: 'FAILED' }), cluster({ [JOB_ID]: 'FAILED' }), NOW)
        .kind,
    ).toBe('none');
    expect(
      planJob(
        running(job({ parallelism: 2 }), job(), { phase: 'FAILED' }),
        cluster({ [JOB_ID]: 'FAILED' }),
        NOW,
      ).kind,
    ).toBe('recover');
  });

  it('waits while Flink restarts the job itself', () => {
    expect(
      planJob(running(job({ parallelism: 2 }), job()), cluster({ [JOB_ID]: 'RESTARTING' }), NOW)
        .kind,
    ).toBe('none');
  });

  it('upgrades on a code change, naming the fields', () => {
    const action = planJob(running(job({ args: ['--rate', '5'] }), job()), cluster(), NOW);
    expect(action).toMatchObject({ kind: 'upgrade', fields: ['spec.args'] });
  });

  it('scales in place only where the cluster can', () => {
    const v = running(job({ parallelism: 2 }), job());
    expect(planJob(v, cluster(), NOW)).toMatchObject({
      kind: 'upgrade',
      fields: ['spec.parallelism'],
    });
    expect(planJob({ ...v, adaptiveScheduler: true }, cluster(), NOW).kind).toBe('scale');
  });

  it('learns from the observation whether the job runs under the adaptive scheduler', () => {
    const v = running(job({ parallelism: 2 }), job());
    const adaptive = new Map([
      [
        'local',
        {
          reachable: true as const,
          at: NOW,
          jobs: new Map([
            [JOB_ID, { jobId: JOB_ID, state: 'RUNNING', startTime: 0, schedulerType: 'Adaptive' }],
          ]),
        },
      ],
    ]);
    expect(planJob(v, adaptive, NOW).kind).toBe('scale');
  });

  it('adopts changes that do not touch the running job', () => {
    expect(planJob(running(job({}, { tier: 'gold' }), job()), cluster(), NOW)).toMatchObject({
      kind: 'adopt',
      fields: ['metadata.labels'],
    });
  });

  it('never retries a rejected spec, but still recovers what was applied', () => {
    const desired = job({ args: ['--fail-on-start'] });
    const rejected = {
      specHash: snapshot(desired).specHash,
      reason: 'crashed',
      at: NOW.toISOString(),
    };
    expect(planJob(running(desired, job(), { rejected }), cluster(), NOW)).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('rejected: crashed') as string,
    });
    expect(planJob(running(desired, job(), { rejected }), cluster({}), NOW)).toMatchObject({
      kind: 'recover',
      keepLastApplied: true,
    });
  });

  it('never resubmits a first deploy Flink rejected, until the spec changes', () => {
    const desired = job({ args: ['--fail-on-start'] });
    const rejected = {
      specHash: snapshot(desired).specHash,
      reason: 'Flink refused the submission: main() failed',
      at: NOW.toISOString(),
    };
    const refused = view(desired, { phase: 'FAILED', attempt: 0, rejected });
    expect(planJob(refused, cluster({}), NOW)).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('was rejected: Flink refused the submission') as string,
    });
    const fixed = view(job(), { phase: 'FAILED', attempt: 0, rejected });
    expect(planJob(fixed, cluster({}), NOW)).toMatchObject({ kind: 'deploy' });
  });

  it('honours a job’s backoff until nextAttemptAt, unless the spec changed', () => {
    const desired = job({ args: ['--rate', '5'] });
    const backoff = {
      attempts: 3,
      nextAttemptAt: new Date(NOW.getTime() + 60_000).toISOString(),
      specHash: snapshot(desired).specHash,
      reason: 'savepoint failed',
    };
    expect(planJob(running(desired, job(), { backoff }), cluster(), NOW)).toMatchObject({
      kind: 'none',
      reason: expect.stringMatching(/backing off after 3 failed attempts until/) as string,
    });
    const later = new Date(NOW.getTime() + 61_000);
    expect(planJob(running(desired, job(), { backoff }), cluster(), later).kind).toBe('upgrade');
    const other = job({ args: ['--rate', '6'] });
    expect(planJob(running(other, job(), { backoff }), cluster(), NOW).kind).toBe('upgrade');
  });

  it('takes a manual savepoint when the nonce changes', () => {
    expect(
      planJob(running(job({ savepointNonce: 3 }), job({ savepointNonce: 3 })), cluster(), NOW),
    ).toMatchObject({ kind: 'savepoint', savepointKind: 'manual' });
    expect(
      planJob(
        running(job({ savepointNonce: 3 }), job({ savepointNonce: 3 }), { savepointNonce: 3 }),
        cluster(),
        NOW,
      ).kind,
    ).toBe('none');
  });

  it('fires a nonce only when changed to a value not used before: a reverted one does not', () => {
    // The spec folder re-applied after the API served nonce 5 carries 2 again.
    const reverted = running(job({ savepointNonce: 2 }), job({ savepointNonce: 2 }), {
      savepointNonce: 5,
    });
    expect(planJob(reverted, cluster(), NOW).kind).toBe('none');
    const next = running(job({ savepointNonce: 6 }), job({ savepointNonce: 6 }), {
      savepointNonce: 5,
    });
    expect(planJob(next, cluster(), NOW)).toMatchObject({ kind: 'savepoint' });
  });

  it('takes periodic savepoints when due', () => {
    const desired = job({ savepointPolicy: { interval: '10m' } });
    const fresh = { path: 'file:/sp/1', at: later(-5 * 60_000) };
    const stale = { path: 'file:/sp/1', at: later(-11 * 60_000) };
    expect(
      planJob(running(desired, desired, { newestSavepoint: fresh }), cluster(), NOW).kind,
    ).toBe('none');
    expect(
      planJob(running(desired, desired, { newestSavepoint: stale }), cluster(), NOW),
    ).toMatchObject({ kind: 'savepoint', savepointKind: 'periodic' });
    expect(
      planJob(running(desired, desired, { jobStartedAt: later(-20 * 60_000) }), cluster(), NOW)
        .kind,
    ).toBe('savepoint');
  });

  it('plans nothing for a job in its desired state, and plans every job', () => {
    expect(planJob(running(job()), cluster(), NOW)).toMatchObject({
      kind: 'none',
      reason: 'in desired state',
    });
    expect(
      planActions(
        [running(job()), view(job(), { phase: 'PENDING', attempt: 0 })],
        cluster(),
        NOW,
      ).map((a) => a.kind),
    ).toEqual(['none', 'deploy']);
  });
});
