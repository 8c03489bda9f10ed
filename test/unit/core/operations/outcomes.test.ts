/**
 * The retry policy in the step engine (functions/core/operations/retry-policy.ts): a transient
 * fault is "ask again later", never a rejection, and a savepoint whose trigger Flink has forgotten
 * is re-derived from the job's checkpoint history, never declared failed on that ground alone.
 */
import { describe, expect, it } from 'vitest';
import {
  LEASE_TTL_MS,
  advanceOperation,
  recordStepFailure,
} from '../../../../functions/core/operations/advance.js';
import { MAX_STEP_FAILURES } from '../../../../functions/core/operations/operation-data.js';
import { TRANSIENT_STEP_BUDGET_MS } from '../../../../functions/core/operations/retry-policy.js';
import {
  ClusterRefusedError,
  ClusterUnavailableError,
  JobNotOnClusterError,
} from '../../../../functions/core/ports/index.js';
import {
  JOB_ID,
  NAME,
  OWNER,
  actions,
  begin,
  job,
  jobDetail,
  savepointDone,
  seed,
  useBench,
  type Bench,
} from './harness.js';

const MIN = 60_000;
let b: Bench;
useBench((fresh) => (b = fresh));

const step = (opId: string, owner = OWNER) => advanceOperation(b.ctx, NAME, opId, owner, 0);
const catalog = async () => (await b.store.listSavepoints(NAME, { limit: 50 })).items;
const serverError = () =>
  new ClusterUnavailableError('Flink could not answer savepoint status (HTTP 500)', {
    code: 'FLINK_SERVER_ERROR',
  });
const forgottenTrigger = () =>
  new JobNotOnClusterError(
    'Flink rejected savepoint status (HTTP 404): There is no savepoint operation with triggerId=…',
    'There is no savepoint operation with triggerId=…',
  );

const v1 = job();
const v2 = job({ args: ['--rate', '5'] });

async function upgradeAwaitingSavepoint(): Promise<string> {
  await seed(b, v2, v1);
  const opId = await begin(b, 'upgrade', v2);
  expect(await step(opId)).toMatchObject({ event: 'stop-with-savepoint-triggered' });
  expect((await b.get()).status.operation?.step).toBe('await-savepoint');
  return opId;
}

describe('transient faults are waited out, never counted as rejections', () => {
  it('keeps polling through HTTP 500s on the savepoint status, then completes', async () => {
    const opId = await upgradeAwaitingSavepoint();
    for (let i = 0; i < 8; i++) {
      b.flink.getSavepointStatus.mockRejectedValueOnce(serverError());
      expect(await step(opId)).toMatchObject({ next: 'wait' });
      b.advance(2_000);
    }
    const record = await b.get();
    expect(record.status.operation?.step).toBe('await-savepoint');
    expect(record.status.lastError).toBeUndefined();
    b.flink.getSavepointStatus.mockResolvedValueOnce(savepointDone('file:///savepoints/sp-1'));
    expect(await step(opId)).toMatchObject({ event: 'savepoint-completed' });
    expect(await catalog()).toMatchObject([
      { status: 'COMPLETED', path: 'file:///savepoints/sp-1' },
    ]);
  });

  it('retries a stop trigger answered by 500s under the same trigger id, one catalog entry', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    // An acting step throws for the state machine to retry; its failure is recorded, the lease
    // released, and reconcile resumes the operation: transient failures are never counted.
    for (let i = 0; i < 2 * MAX_STEP_FAILURES; i++) {
      b.flink.stopWithSavepoint.mockRejectedValueOnce(serverError());
      const error = await step(opId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClusterUnavailableError);
      await recordStepFailure(b.ctx, NAME, opId, OWNER, {
        error: (error as Error).name,
        cause: (error as Error).message,
      });
      b.advance(10_000);
      await b.store.acquireLease(NAME, OWNER, LEASE_TTL_MS, b.now());
    }
    const record = await b.get();
    expect(record.status).toMatchObject({ phase: 'UPGRADING' });
    expect(record.status.operation?.step).toBe('stop-with-savepoint');
    expect(await step(opId)).toMatchObject({ event: 'stop-with-savepoint-triggered' });
    const triggers = new Set(b.flink.stopWithSavepoint.mock.calls.map(([, r]) => r.triggerId));
    expect(triggers.size).toBe(1);
    expect(await catalog()).toHaveLength(1);
    expect(await actions(b)).not.toContain('operation-failed');
  });

  it('counts a transient failure once the step has tried for longer than its budget', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    b.advance(TRANSIENT_STEP_BUDGET_MS + MIN);
    const failure = { error: 'ClusterUnavailableError', cause: 'HTTP 500' };
    await recordStepFailure(b.ctx, NAME, opId, OWNER, failure);
    expect((await b.get()).status.operation?.data?.failures).toBe(1);
  });

  it('hands a fault that outlasts the step’s budget to the state machine’s failure count', async () => {
    const opId = await upgradeAwaitingSavepoint();
    b.flink.getSavepointStatus.mockRejectedValue(serverError());
    expect(await step(opId)).toMatchObject({ next: 'wait' });
    b.advance(16 * MIN);
    await expect(step(opId)).rejects.toBeInstanceOf(ClusterUnavailableError);
  });
});

describe('a savepoint whose trigger Flink forgot is re-derived from the job’s history', () => {
  it('completes from the stop savepoint in the finished job’s history', async () => {
    const opId = await upgradeAwaitingSavepoint();
    const triggeredAt = b.now().getTime();
    b.advance(5 * MIN);
    b.flink.getSavepointStatus.mockRejectedValue(forgottenTrigger());
    b.flink.getJob.mockResolvedValue(jobDetail('FINISHED'));
    b.flink.getSavepointHistory.mockResolvedValue({
      completed: { path: 'file:/savepoints/savepoint-abc', triggeredAt: triggeredAt + 300 },
    });
    expect(await step(opId)).toMatchObject({ event: 'savepoint-completed' });
    const record = await b.get();
    expect(record.status.operation?.step).toBe('await-stopped');
    expect(record.status.operation?.data?.restorePath).toBe('file:/savepoints/savepoint-abc');
    expect(record.status.newestSavepoint?.path).toBe('file:/savepoints/savepoint-abc');
    expect(await catalog()).toMatchObject([
      { status: 'COMPLETED', path: 'file:/savepoints/savepoint-abc' },
    ]);
    expect(b.flink.getSavepointHistory).toHaveBeenCalledWith(JOB_ID);
  });

  it('never takes an older savepoint for the one triggered', async () => {
    const opId = await upgradeAwaitingSavepoint();
    const triggeredAt = b.now().getTime();
    b.flink.getSavepointStatus.mockRejectedValue(forgottenTrigger());
    b.flink.getJob.mockResolvedValue(jobDetail('RUNNING'));
    b.flink.getSavepointHistory.mockResolvedValue({
      completed: { path: 'file:/savepoints/savepoint-old', triggeredAt: triggeredAt - 5 * MIN },
    });
    expect(await step(opId)).toMatchObject({ next: 'wait' });
    expect((await catalog())[0]).toMatchObject({ status: 'IN_PROGRESS' });
  });

  it('fails only when the history says the savepoint failed', async () => {
    const opId = await upgradeAwaitingSavepoint();
    const triggeredAt = b.now().getTime();
    b.flink.getSavepointStatus.mockRejectedValue(forgottenTrigger());
    b.flink.getJob.mockResolvedValue(jobDetail('RUNNING'));
    b.flink.getSavepointHistory.mockResolvedValue({
      failed: { triggeredAt: triggeredAt + 10, cause: 'IO-problem detected.' },
    });
    expect(await step(opId)).toMatchObject({ next: 'failed' });
    const record = await b.get();
    expect(record.status.lastError).toMatchObject({ code: 'SAVEPOINT_FAILED' });
    expect(record.status.lastError?.message).toMatch(/IO-problem/);
    expect(await catalog()).toMatchObject([{ status: 'FAILED' }]);
  });
});

describe('catalog entries always end COMPLETED or FAILED', () => {
  it('an operation that ends on step failures closes its IN_PROGRESS entry', async () => {
    const opId = await upgradeAwaitingSavepoint();
    expect(await catalog()).toMatchObject([{ status: 'IN_PROGRESS' }]);
    for (let n = 1; n <= MAX_STEP_FAILURES; n++) {
      await b.store.acquireLease(NAME, OWNER, LEASE_TTL_MS, b.now());
      await recordStepFailure(b.ctx, NAME, opId, OWNER, {
        error: 'States.Timeout',
        cause: 'the task timed out',
      });
    }
    expect((await b.get()).status.operation).toBeUndefined();
    const [entry] = await catalog();
    expect(entry).toMatchObject({ status: 'FAILED' });
    expect(entry?.failureCause).toMatch(/ended/);
  });
});

describe('an operation that ends on a fault backs off per job', () => {
  it('a failed upgrade savepoint sets status.backoff, growing with each attempt', async () => {
    const opId = await upgradeAwaitingSavepoint();
    b.flink.getSavepointStatus.mockResolvedValue({
      state: 'FAILED',
      cause: 'IO-problem detected.',
    });
    expect(await step(opId)).toMatchObject({ next: 'failed' });
    const first = (await b.get()).status.backoff;
    expect(first).toMatchObject({ attempts: 1, specHash: (await b.get()).specHash });
    expect(Date.parse(first?.nextAttemptAt ?? '')).toBe(b.now().getTime() + 30_000);

    b.advance(MIN);
    const again = await begin(b, 'upgrade', v2);
    await step(again);
    await step(again);
    const second = (await b.get()).status.backoff;
    expect(second).toMatchObject({ attempts: 2 });
    expect(Date.parse(second?.nextAttemptAt ?? '')).toBe(b.now().getTime() + 60_000);
  });
});

describe('the savepoint timeout is the job’s own', () => {
  it('gives up after spec.savepointPolicy.timeout, keeping the old job running', async () => {
    const slow = job({ args: ['--rate', '5'], savepointPolicy: { timeout: '2m' } });
    await seed(b, slow, v1);
    const opId = await begin(b, 'upgrade', slow);
    await step(opId);
    b.flink.getSavepointStatus.mockResolvedValue({ state: 'IN_PROGRESS' });
    b.advance(MIN);
    expect(await step(opId)).toMatchObject({ next: 'wait' });
    b.advance(2 * MIN);
    expect(await step(opId)).toMatchObject({ next: 'failed' });
    const record = await b.get();
    expect(record.status.lastError?.message).toMatch(/did not complete within 2m/);
    expect(record.status.phase).toBe('STABLE');
    expect(b.flink.cancelJob).not.toHaveBeenCalled();
  });
});

describe('a refused submission is named in the history', () => {
  it('the failed entry names the Flink job id the refusal may leave on the cluster', async () => {
    const refusedSpec = job({ args: ['--fail-on-start'] });
    await seed(b, refusedSpec);
    const opId = await begin(b, 'deploy', refusedSpec);
    const pending = (await b.get()).status.operation?.data?.pendingJobId as string;
    b.flink.runJar.mockRejectedValue(
      new ClusterRefusedError('Flink rejected jar run (HTTP 400): main() failed', 'main() failed'),
    );
    expect(await step(opId)).toMatchObject({ next: 'failed', event: 'failed' });
    const entry = (await b.get()).recentHistory.at(-1);
    expect(entry?.details).toMatchObject({ flinkJobId: pending });
    expect((await b.get()).status.rejected?.reason).toMatch(/main\(\) failed/);
  });
});
