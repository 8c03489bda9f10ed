import { describe, expect, it } from 'vitest';
import { advanceOperation } from '../../../../functions/core/operations/advance.js';
import { SUBMISSION_LOCK_TTL_MS } from '../../../../functions/core/operations/submission-lock.js';
import { ClusterRefusedError } from '../../../../functions/core/ports/index.js';
import { NAME, OWNER, begin, job, seed, useBench, type Bench } from './harness.js';

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
});
