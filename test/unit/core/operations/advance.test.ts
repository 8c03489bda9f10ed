import { describe, expect, it } from 'vitest';
import { FjcError } from '../../../../functions/commons/errors.js';
import {
  LEASE_TTL_MS,
  advanceOperation,
  recordStepFailure,
} from '../../../../functions/core/operations/advance.js';
import { MAX_STEP_FAILURES } from '../../../../functions/core/operations/operation-data.js';
import {
  MUTATIONS,
  NAME,
  OWNER,
  begin,
  useBench,
  job,
  savepointInProgress,
  seed,
  snap,
  withOperation,
  type Bench,
} from './harness.js';

let b: Bench;
useBench((fresh) => (b = fresh));

const v1 = job();
const v2 = job({ args: ['--rate', '5'] });
const failure = { error: 'States.TaskFailed', cause: 'FlinkUnreachableError: connection refused' };

function expectNoFlinkMutation(): void {
  for (const call of MUTATIONS) expect(b.flink[call]).not.toHaveBeenCalled();
}

describe('recordStepFailure', () => {
  it('keeps the operation and releases the lease twice, then ends it FAILED', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);

    for (let n = 1; n < MAX_STEP_FAILURES; n++) {
      const owner = n === 1 ? OWNER : `worker-${n}`;
      if (n > 1) await b.store.acquireLease(NAME, owner, LEASE_TTL_MS, b.now());
      expect(await recordStepFailure(b.ctx, NAME, opId, owner, failure)).toEqual({
        next: 'failed',
        waitSeconds: 0,
        summary: 'stop-with-savepoint failed: States.TaskFailed',
        event: 'step-failed',
      });
      const record = await b.get();
      expect(record.lease).toBeUndefined();
      expect(record.status.operation).toMatchObject({ id: opId, step: 'stop-with-savepoint' });
      expect(record.status.operation?.data?.failures).toBe(n);
      expect(record.status.phase).toBe('UPGRADING');
      expect(record.status.lastError).toMatchObject({
        code: 'States.TaskFailed',
        message: failure.cause,
        at: b.now().toISOString(),
      });
    }

    await b.store.acquireLease(NAME, 'worker-3', LEASE_TTL_MS, b.now());
    const last = await recordStepFailure(b.ctx, NAME, opId, 'worker-3', {
      error: 'States.Timeout',
      cause: 'x'.repeat(5000),
    });
    expect(last).toMatchObject({ next: 'failed', event: 'operation-failed' });
    const record = await b.get();
    expect(record.status.phase).toBe('FAILED');
    expect(record.status.operation).toBeUndefined();
    expect(record.lease).toBeUndefined();
    expect(record.status.lastError?.message).toHaveLength(1000);
    expect(record.recentHistory.at(-1)).toMatchObject({
      action: 'operation-failed',
      details: { operationId: opId, failures: 3, error: 'States.Timeout' },
    });
  });

  it('writes nothing for an operation that is no longer this worker’s', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    const before = await b.get();
    const superseded = {
      next: 'done',
      waitSeconds: 0,
      summary: "the operation is no longer this worker's",
    };
    expect(await recordStepFailure(b.ctx, NAME, 'other-op', OWNER, failure)).toEqual(superseded);
    expect(await recordStepFailure(b.ctx, NAME, opId, 'worker-9', failure)).toEqual(superseded);
    expect(await recordStepFailure(b.ctx, 'nobody', opId, OWNER, failure)).toEqual(superseded);
    expect((await b.get()).version).toBe(before.version);
  });
});

describe('advanceOperation when superseded', () => {
  it('writes nothing and calls no Flink when the operation id is not current', async () => {
    await seed(b, v2, v1);
    await begin(b, 'upgrade', v2);
    const before = await b.get();
    expect(await advanceOperation(b.ctx, NAME, 'stale-op', OWNER, 0)).toEqual({
      next: 'done',
      waitSeconds: 0,
      summary: 'the operation is no longer current',
    });
    expect((await b.get()).version).toBe(before.version);
    expectNoFlinkMutation();
  });

  it('writes nothing when another worker holds the lease', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    const before = await b.get();
    expect(await advanceOperation(b.ctx, NAME, opId, 'worker-late', 0)).toMatchObject({
      next: 'done',
      summary: 'another worker took the job over',
    });
    expect((await b.get()).version).toBe(before.version);
    expectNoFlinkMutation();
  });

  it('writes nothing when the job was deleted', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    await b.store.deleteJob(NAME, { actor: 'test' });
    expect(await advanceOperation(b.ctx, NAME, opId, OWNER, 0)).toMatchObject({
      next: 'done',
      summary: 'the job was deleted',
    });
    expect(await b.store.getJob(NAME)).toBeUndefined();
    expectNoFlinkMutation();
  });
});

describe('advanceOperation', () => {
  it('ends an operation at an unknown step FAILED with OPERATION_INVALID', async () => {
    await seed(b, v1, v1);
    const opId = await withOperation(b, 'upgrade', 'teleport', {
      mode: 'savepoint',
      target: snap(v1, 1),
      reason: 'test',
    });
    expect(await advanceOperation(b.ctx, NAME, opId, OWNER, 0)).toEqual({
      next: 'failed',
      waitSeconds: 0,
      summary: 'operation-invalid',
      event: 'operation-invalid',
    });
    const record = await b.get();
    expect(record.status.phase).toBe('FAILED');
    expect(record.status.lastError).toMatchObject({
      code: 'OPERATION_INVALID',
      message: 'unknown step teleport',
    });
    expect(record.status.operation).toBeUndefined();
    expect(record.lease).toBeUndefined();
    expectNoFlinkMutation();
  });

  it('ends an operation at a step its sequence does not have, before acting', async () => {
    await seed(b, v1, v1);
    const opId = await withOperation(b, 'deploy', 'retention', {
      mode: 'savepoint',
      target: snap(v1, 1),
      reason: 'test',
    });
    expect(await advanceOperation(b.ctx, NAME, opId, OWNER, 0)).toMatchObject({
      next: 'failed',
      event: 'operation-invalid',
    });
    const record = await b.get();
    expect(record.status.lastError).toMatchObject({
      code: 'OPERATION_INVALID',
      message: 'a deploy operation in savepoint mode has no step retention',
    });
    expect(record.status.operation).toBeUndefined();
    expect(b.flink.disposeSavepoint).not.toHaveBeenCalled();
    expectNoFlinkMutation();
  });

  it('moves a last-state rollback past locating a restore point only when it has one', async () => {
    const lastState = job({ upgradeMode: 'last-state' });
    await seed(b, lastState, lastState);
    const data = { mode: 'last-state', target: snap(lastState, 1), reason: 'test' };
    const known = await withOperation(b, 'rollback', 'await-stopped', {
      ...data,
      restorePath: 'file:///checkpoints/chk-3',
    });
    expect(await advanceOperation(b.ctx, NAME, known, OWNER, 0)).toMatchObject({
      event: 'job-stopped',
    });
    expect((await b.get()).status.operation?.step).toBe('submit');

    await b.store.releaseLease(NAME, OWNER);
    const unknown = await withOperation(b, 'rollback', 'await-stopped', data);
    await advanceOperation(b.ctx, NAME, unknown, OWNER, 0);
    expect((await b.get()).status.operation?.step).toBe('locate-restore-point');
  });

  it('refuses operation data it cannot read, saying so', async () => {
    await seed(b, v1, v1);
    const opId = await withOperation(b, 'upgrade', 'cancel', { mode: 'sideways' });
    await expect(advanceOperation(b.ctx, NAME, opId, OWNER, 0)).rejects.toThrow(FjcError);
    await expect(advanceOperation(b.ctx, NAME, opId, OWNER, 0)).rejects.toThrow(
      /recorded operation cannot be read/,
    );
  });

  it('checks inline within its budget, then hands the pause to the state machine', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    b.flink.getSavepointStatus.mockResolvedValue(savepointInProgress());
    // stop-with-savepoint → await-savepoint is checked at once; IN_PROGRESS asks for 2 s, more
    // than the budget left, so the pause goes back to the state machine.
    const outcome = await advanceOperation(b.ctx, NAME, opId, OWNER, 1_500);
    expect(outcome).toEqual({ next: 'wait', waitSeconds: 2, summary: 'savepoint in progress' });
    expect(b.flink.stopWithSavepoint).toHaveBeenCalledTimes(1);
    expect(b.flink.getSavepointStatus).toHaveBeenCalledTimes(1);
  });

  it('keeps looking briefly while a short wait fits the budget', async () => {
    const stateless = job({ upgradeMode: 'stateless' });
    const next = job({ upgradeMode: 'stateless', args: ['--x'] });
    await seed(b, next, stateless);
    const opId = await begin(b, 'upgrade', next);
    let looks = 0;
    b.flink.getJob.mockImplementation(() => {
      looks++;
      return Promise.resolve({
        jobId: 'a'.repeat(32),
        state: looks < 2 ? 'CANCELLING' : 'CANCELED',
      });
    });
    // cancel → await-stopped (1 s wait fits a 2.5 s budget: sleeps 250 ms, looks again) → submit.
    const outcome = await advanceOperation(b.ctx, NAME, opId, OWNER, 2_500);
    expect(outcome).toMatchObject({ next: 'step', event: 'job-stopped' });
    expect(looks).toBe(2);
    expect((await b.get()).status.operation?.step).toBe('submit');
  });
});
