import { describe, expect, it, vi } from 'vitest';
import { advanceOperation } from '../../../../functions/core/operations/advance.js';
import {
  SUBMISSION_LOCK_TTL_MS,
  submissionLockTtlMs,
} from '../../../../functions/core/operations/submission-lock.js';
import { ClusterRefusedError } from '../../../../functions/core/ports/index.js';
import { NAME, OWNER, begin, eventually, job, seed, useBench, type Bench } from './harness.js';

let b: Bench;
useBench((fresh) => (b = fresh));

const step = (opId: string) => advanceOperation(b.ctx, NAME, opId, OWNER, 0);

/** A stateless upgrade brought to its submit step. */
async function atSubmit(): Promise<string> {
  const v1 = job({ upgradeMode: 'stateless' });
  const v2 = job({ upgradeMode: 'stateless', args: ['--rate', '5'] });
  await seed(b, v2, v1);
  const opId = await begin(b, 'upgrade', v2);
  await step(opId); // cancel
  await step(opId); // await-stopped
  expect((await b.get()).status.operation?.step).toBe('submit');
  return opId;
}

describe('the per-cluster submission lock', () => {
  it('waits while another submission holds the cluster, then submits and gives the lock back', async () => {
    const opId = await atSubmit();
    const cluster = job().spec.clusterRef;
    await b.store.acquireSubmissionLock(cluster, 'other/op', SUBMISSION_LOCK_TTL_MS, b.now());

    const waiting = await step(opId);
    expect(waiting).toMatchObject({ next: 'wait' });
    expect(waiting.summary).toContain('other/op');
    expect(b.flink.runJar).not.toHaveBeenCalled();
    expect((await b.get()).status.operation?.step).toBe('submit');

    await b.store.releaseSubmissionLock(cluster, 'other/op');
    expect(await step(opId)).toMatchObject({ event: 'job-submitted' });
    expect(b.flink.runJar).toHaveBeenCalledTimes(1);
    // Given back: the next submission on the cluster takes it at once.
    expect(await b.store.acquireSubmissionLock(cluster, 'next/op', 1_000, b.now())).toEqual({
      acquired: true,
    });
  });

  it('takes over the lock of a holder that died once its time is up', async () => {
    const opId = await atSubmit();
    await b.store.acquireSubmissionLock(
      job().spec.clusterRef,
      'dead/op',
      SUBMISSION_LOCK_TTL_MS,
      b.now(),
    );
    expect(await step(opId)).toMatchObject({ next: 'wait' });
    b.advance(SUBMISSION_LOCK_TTL_MS);
    expect(await step(opId)).toMatchObject({ event: 'job-submitted' });
  });

  it('gives the lock back when Flink refuses the submission', async () => {
    const opId = await atSubmit();
    b.flink.runJar.mockRejectedValue(new ClusterRefusedError('jar run', 'main() failed'));
    await step(opId);
    expect(
      await b.store.acquireSubmissionLock(job().spec.clusterRef, 'next/op', 1_000, b.now()),
    ).toEqual({ acquired: true });
  });

  it('lasts as long as a job lease, so a holder that died blocks its cluster about a minute', () => {
    expect(SUBMISSION_LOCK_TTL_MS).toBe(60_000);
    expect(submissionLockTtlMs(b.ctx)).toBe(60_000);
    expect(submissionLockTtlMs({ ...b.ctx, leaseTtlMs: 15_000 })).toBe(15_000);
  });

  it('keeps the lock through a submission that outlasts its time-to-live (a large upload)', async () => {
    // A third of 300 ms: the lock is renewed many times while the run call hangs.
    const ctx = { ...b.ctx, leaseTtlMs: 300 };
    const opId = await atSubmit();
    const cluster = job().spec.clusterRef;
    const acquire = vi.spyOn(b.store, 'acquireSubmissionLock');
    let otherGotIt: boolean | undefined;
    b.flink.runJar.mockImplementation(async () => {
      // Time passes beyond the lock's whole time-to-live while the jar is sent.
      b.advance(1_000);
      // A renewal begun after the clock moved (so at the new time) and written, not merely
      // begun: the other owner asks only once one has landed.
      const from = acquire.mock.calls.length;
      await eventually(() =>
        acquire.mock.settledResults.some(
          (result, i) =>
            i >= from && result.type === 'fulfilled' && acquire.mock.calls[i]?.[1] !== 'other/op',
        ),
      );
      otherGotIt = (await b.store.acquireSubmissionLock(cluster, 'other/op', 300, b.now()))
        .acquired;
      return { jobId: 'unused' };
    });
    expect(await advanceOperation(ctx, NAME, opId, OWNER, 0)).toMatchObject({
      event: 'job-submitted',
    });
    expect(otherGotIt).toBe(false);
    // And given back at the end, renewals stopped: the next submission takes it at once.
    expect(await b.store.acquireSubmissionLock(cluster, 'next/op', 300, b.now())).toEqual({
      acquired: true,
    });
  });
});
