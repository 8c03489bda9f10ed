import { describe, expect, it, vi } from 'vitest';
import { LEASE_TTL_MS, advanceOperation } from '../../../../functions/core/operations/advance.js';
import {
  ClusterRefusedError,
  DuplicateJobIdError,
  JobNotOnClusterError,
} from '../../../../functions/core/ports/index.js';
import { DeadlineExceededError, FlinkUnreachableError } from '../../../../functions/flink/index.js';
import { DynamoJobStore } from '../../../../functions/store/index.js';
import { clientDroppingAuditCopies } from '../../store/fixtures.js';
import {
  JOB_ID,
  NAME,
  OWNER,
  actions,
  begin,
  useBench,
  checkpoints,
  job,
  jobDetail,
  savepointDone,
  savepointFailed,
  savepointInProgress,
  seed,
  snap,
  snapshotOnDisk,
  withOperation,
  type Bench,
} from './harness.js';

const MIN = 60_000;
let b: Bench;
useBench((fresh) => (b = fresh));

/** One step, no inline checking: exactly what one state-machine task does. */
const step = (opId: string, owner = OWNER) => advanceOperation(b.ctx, NAME, opId, owner, 0);

async function catalog() {
  return (await b.store.listSavepoints(NAME, { limit: 50 })).items;
}

describe('savepoint upgrade: the savepoint fails', () => {
  const v1 = job();
  const v2 = job({ args: ['--rate', '5'] });

  async function triggered(): Promise<string> {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    const outcome = await step(opId);
    expect(outcome).toMatchObject({ next: 'wait', event: 'stop-with-savepoint-triggered' });
    const record = await b.get();
    const triggerId = record.status.operation?.data?.triggerId as string;
    expect(b.flink.stopWithSavepoint).toHaveBeenCalledWith(JOB_ID, {
      triggerId,
      targetDirectory: 'file:///savepoints',
      drain: false,
    });
    expect(record.status).toMatchObject({ phase: 'UPGRADING' });
    expect(record.status.operation?.step).toBe('await-savepoint');
    expect(await catalog()).toMatchObject([{ triggerId, status: 'IN_PROGRESS' }]);
    return opId;
  }

  async function expectAborted(cause: RegExp) {
    const record = await b.get();
    expect(record.status.operation).toBeUndefined();
    expect(record.lease).toBeUndefined();
    expect(record.status.phase).toBe('STABLE');
    expect(record.status.lastError).toMatchObject({ code: 'SAVEPOINT_FAILED' });
    expect(record.status.lastError?.message).toMatch(cause);
    expect(record.status.lastApplied?.specHash).toBe(snap(v1, 1).specHash);
    expect((await catalog())[0]).toMatchObject({ status: 'FAILED' });
    expect((await catalog())[0]?.failureCause).toMatch(cause);
    expect(b.flink.runJar).not.toHaveBeenCalled();
    expect(b.flink.cancelJob).not.toHaveBeenCalled();
    expect(await actions(b)).toContain('upgrade-aborted');
  }

  it('ends the operation on a failure cause, catalogue entry FAILED, phase back to STABLE', async () => {
    const opId = await triggered();
    b.flink.getSavepointStatus.mockResolvedValue(
      savepointFailed(
        'java.io.IOException',
        'java.io.IOException: No space left on device\n\tat org.apache.flink.Foo.bar(Foo.java:1)',
      ),
    );
    expect(await step(opId)).toMatchObject({ next: 'failed', summary: 'upgrade-aborted' });
    await expectAborted(/No space left on device/);
  });

  it('goes back to RUNNING, not STABLE, when what runs had not been stable', async () => {
    await seed(b, v2, v1, { lastStable: snap(job({ parallelism: 3 }), 1) });
    const opId = await begin(b, 'upgrade', v2);
    await step(opId);
    b.flink.getSavepointStatus.mockResolvedValue(savepointFailed('X', 'X: broken'));
    await step(opId);
    expect((await b.get()).status.phase).toBe('RUNNING');
  });

  it('waits while IN_PROGRESS (renewing the lease), then gives up after 10 minutes', async () => {
    const opId = await triggered();
    b.flink.getSavepointStatus.mockResolvedValue(savepointInProgress());
    const version = (await b.get()).version;
    expect(await step(opId)).toMatchObject({ next: 'wait', waitSeconds: 2 });
    expect((await b.get()).version).toBe(version);

    b.advance(6 * MIN);
    expect(await step(opId)).toMatchObject({ next: 'wait' });
    const renewed = await b.get();
    expect(renewed.lease).toEqual({
      owner: OWNER,
      expiresAt: new Date(b.now().getTime() + LEASE_TTL_MS).toISOString(),
    });
    expect(renewed.status.operation?.step).toBe('await-savepoint');

    b.advance(5 * MIN);
    expect(await step(opId)).toMatchObject({ next: 'failed' });
    await expectAborted(/did not complete within 10m/);
  });

  it('polls Flink without querying the savepoint catalog: the entry id is in the operation', async () => {
    const opId = await triggered();
    expect((await b.get()).status.operation?.data?.savepointId).toEqual(expect.any(String));
    b.flink.getSavepointStatus.mockResolvedValue(savepointInProgress());
    const list = vi.spyOn(b.store, 'listSavepoints');
    await step(opId);
    await step(opId);
    expect(list).not.toHaveBeenCalled();
  });

  it('gives up when the job is gone while its savepoint is awaited', async () => {
    const opId = await triggered();
    b.flink.getSavepointStatus.mockRejectedValue(
      new JobNotOnClusterError(
        'Flink rejected savepoint status (HTTP 404): Job not found',
        'Job not found',
      ),
    );
    await step(opId);
    await expectAborted(/Job not found/);
  });

  it('rethrows any other Flink error, leaving the step to be retried', async () => {
    const opId = await triggered();
    const before = await b.get();
    b.flink.getSavepointStatus.mockRejectedValue(new FlinkUnreachableError('http://flink:8081'));
    await expect(step(opId)).rejects.toBeInstanceOf(FlinkUnreachableError);
    expect((await b.get()).version).toBe(before.version);
  });

  it('re-runs a step whose trigger timed out without cataloguing the savepoint twice', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    b.flink.stopWithSavepoint.mockRejectedValueOnce(
      new DeadlineExceededError('stop with savepoint', 10_000, true),
    );
    await expect(step(opId)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect((await b.get()).status.operation?.step).toBe('stop-with-savepoint');
    expect(await step(opId)).toMatchObject({ event: 'stop-with-savepoint-triggered' });
    expect(await catalog()).toHaveLength(1);
    expect(b.flink.stopWithSavepoint).toHaveBeenCalledTimes(2);
  });

  it('completes: records the newest savepoint, then waits for the old job to stop', async () => {
    const opId = await triggered();
    b.flink.getSavepointStatus.mockResolvedValue(savepointDone('file:///savepoints/sp-1'));
    expect(await step(opId)).toMatchObject({ next: 'wait', event: 'savepoint-completed' });
    const record = await b.get();
    expect(record.status.operation?.step).toBe('await-stopped');
    expect(record.status.operation?.data?.restorePath).toBe('file:///savepoints/sp-1');
    expect(record.status.newestSavepoint).toMatchObject({ path: 'file:///savepoints/sp-1' });
    expect((await catalog())[0]).toMatchObject({
      status: 'COMPLETED',
      path: 'file:///savepoints/sp-1',
    });
  });

  it('refuses a savepoint step without a job id', async () => {
    await seed(b, v2);
    const opId = await withOperation(b, 'savepoint', 'trigger-savepoint', {
      mode: 'savepoint',
      target: snap(v2, 1),
      reason: 'test',
      triggerId: 'f'.repeat(32),
    });
    expect(await step(opId)).toMatchObject({ next: 'failed' });
    expect((await b.get()).status.lastError?.code).toBe('OPERATION_INVALID');
    expect(b.flink.triggerSavepoint).not.toHaveBeenCalled();
  });
});

describe('stopping the old job', () => {
  const v1 = job({ upgradeMode: 'stateless' });
  const v2 = job({ upgradeMode: 'stateless', args: ['--rate', '5'] });

  it('gives up when the job stays RUNNING for more than 5 minutes after cancel', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    expect((await b.get()).status.operation?.step).toBe('cancel');
    expect(await step(opId)).toMatchObject({ next: 'wait', event: 'cancel-requested' });
    expect(b.flink.cancelJob).toHaveBeenCalledWith(JOB_ID);
    b.flink.getJob.mockResolvedValue(jobDetail('RUNNING'));
    expect(await step(opId)).toMatchObject({
      next: 'wait',
      summary: `waiting for job ${JOB_ID} to stop (RUNNING)`,
    });
    b.advance(5 * MIN + 1);
    expect(await step(opId)).toMatchObject({ next: 'failed' });
    const record = await b.get();
    expect(record.status).toMatchObject({
      phase: 'STABLE',
      lastError: { code: 'CANCEL_TIMEOUT' },
    });
    expect(record.status.operation).toBeUndefined();
    expect(b.flink.uploadJar).not.toHaveBeenCalled();
  });

  it('counts a job Flink refuses to cancel (already terminal) as stopped', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    b.flink.cancelJob.mockRejectedValue(
      new ClusterRefusedError(
        'Flink rejected job cancel (HTTP 409): Job is already FINISHED',
        'Job is already FINISHED',
      ),
    );
    expect(await step(opId)).toMatchObject({ event: 'cancel-requested' });
    b.flink.getJob.mockResolvedValue(jobDetail('CANCELED'));
    expect(await step(opId)).toMatchObject({ next: 'step', event: 'job-stopped' });
    expect((await b.get()).status.operation?.step).toBe('submit');
  });

  it('rethrows a cancel that failed for another reason', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    b.flink.cancelJob.mockRejectedValue(new FlinkUnreachableError('http://flink:8081'));
    await expect(step(opId)).rejects.toBeInstanceOf(FlinkUnreachableError);
    expect((await b.get()).status.operation?.step).toBe('cancel');
  });

  it('suspends a stateless job by cancelling it, and ends SUSPENDED', async () => {
    const suspended = job({ upgradeMode: 'stateless', state: 'suspended' });
    await seed(b, suspended, v1);
    const opId = await begin(b, 'suspend', suspended);
    expect((await b.get()).status.phase).toBe('SUSPENDING');
    await step(opId);
    expect(await step(opId)).toMatchObject({ event: 'job-stopped' });
    expect(await step(opId)).toMatchObject({ next: 'done', event: 'suspended' });
    expect((await b.get()).status.phase).toBe('SUSPENDED');
  });
});

describe('what an operation leaves in the history and the status', () => {
  const v1 = job();
  const failed = {
    code: 'States.TaskFailed',
    message: 'an earlier try failed',
    at: '2026-01-01T00:00:00.000Z',
  };

  it('records the step that did its work and the one that runs next', async () => {
    const suspended = job({ upgradeMode: 'stateless', state: 'suspended' });
    await seed(b, suspended, v1);
    const opId = await begin(b, 'suspend', suspended);
    await step(opId);
    expect((await b.get()).recentHistory.at(-1)).toMatchObject({
      action: 'cancel-requested',
      details: { step: 'cancel', next: 'await-stopped' },
    });
  });

  it('clears an earlier error once the operation has done its work', async () => {
    const suspended = job({ upgradeMode: 'stateless', state: 'suspended' });
    await seed(b, suspended, v1, { lastError: failed });
    const opId = await begin(b, 'suspend', suspended);
    await step(opId);
    b.flink.getJob.mockResolvedValue(jobDetail('CANCELED'));
    await step(opId);
    expect((await b.get()).status.lastError).toEqual(failed);
    expect(await step(opId)).toMatchObject({ next: 'done', event: 'suspended' });
    expect((await b.get()).status.lastError).toBeUndefined();
  });

  it('keeps the error that explains a rejected spec', async () => {
    const suspended = job({ upgradeMode: 'stateless', state: 'suspended' });
    const rejected = { specHash: 'f'.repeat(64), reason: 'not stable', at: failed.at };
    await seed(b, suspended, v1, { lastError: failed, rejected });
    const opId = await begin(b, 'suspend', suspended);
    await step(opId);
    b.flink.getJob.mockResolvedValue(jobDetail('CANCELED'));
    await step(opId);
    await step(opId);
    expect((await b.get()).status.lastError).toEqual(failed);
  });
});

describe('last-state upgrade', () => {
  const v1 = job({ upgradeMode: 'last-state' });
  const v2 = job({ upgradeMode: 'last-state', args: ['--rate', '5'] });

  it('stops with NO_CHECKPOINT when there is no checkpoint, never degrading to stateless', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(undefined, 0));
    expect(await step(opId)).toMatchObject({ next: 'failed' });
    const record = await b.get();
    expect(record.status.lastError?.code).toBe('NO_CHECKPOINT');
    expect(record.status.operation).toBeUndefined();
    for (const call of ['cancelJob', 'uploadJar', 'runJar'] as const)
      expect(b.flink[call]).not.toHaveBeenCalled();
  });

  it('counts unreadable checkpoint statistics as no checkpoint', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    b.flink.getCheckpoints.mockRejectedValue(new FlinkUnreachableError('http://flink:8081'));
    await step(opId);
    expect((await b.get()).status.lastError?.code).toBe('NO_CHECKPOINT');
  });

  it('restores the checkpoint that exists after the stop, not one seen before the cancel', async () => {
    // While the cancel takes effect a newer checkpoint completes and Flink discards the older
    // one (found on a loaded machine): the path must be read once the job has stopped.
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    b.flink.getCheckpoints.mockResolvedValue(checkpoints('file:///checkpoints/chk-7'));
    await step(opId); // there is a checkpoint: safe to cancel
    const chk8 = await snapshotOnDisk('last-state/chk-8');
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(chk8, 2, Date.now()));
    for (let i = 0; i < 6 && b.flink.runJar.mock.calls.length === 0; i++) await step(opId);
    expect(b.flink.runJar.mock.calls[0]?.[1]).toMatchObject({ savepointPath: chk8 });
  });

  it('restores the new job from the latest checkpoint, NO_CLAIM, retained on cancel', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    const chk7 = await snapshotOnDisk('last-state/chk-7');
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(chk7));
    expect(await step(opId)).toMatchObject({ event: 'checkpoint-located' });
    await step(opId); // cancel
    await step(opId); // await-stopped: gone
    expect(await step(opId)).toMatchObject({ event: 'restore-point-located' });
    expect(await step(opId)).toMatchObject({ next: 'wait', event: 'job-submitted' });
    const record = await b.get();
    const pending = record.status.operation?.data?.pendingJobId as string;
    expect(b.flink.runJar).toHaveBeenCalledWith('jar-1_counter.jar', {
      jobId: pending,
      entryClass: 'dev.fjc.examples.StatefulCounter',
      args: ['--rate', '5'],
      parallelism: 1,
      savepointPath: chk7,
      allowNonRestoredState: false,
      claimMode: 'NO_CLAIM',
      flinkConfiguration: {
        'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
        'pipeline.name': NAME,
      },
    });
    // Kept for the next submission of the same content (jar-cache.test.ts).
    expect(b.flink.deleteJar).not.toHaveBeenCalled();
    expect(record.status).toMatchObject({
      jobId: pending,
      attempt: 2,
      restoredFrom: chk7,
      lastApplied: { specHash: snap(v2, 1).specHash },
    });
  });
});

describe('submit', () => {
  const v1 = job({ upgradeMode: 'stateless' });
  const v2 = job({ upgradeMode: 'stateless', args: ['--rate', '5'] });

  /** A stateless upgrade brought to its submit step. */
  async function atSubmit(desired = v2, status = {}): Promise<{ opId: string; pending: string }> {
    await seed(b, desired, v1, status);
    const opId = await begin(b, 'upgrade', desired);
    await step(opId); // cancel
    await step(opId); // await-stopped: the old job is gone
    const record = await b.get();
    expect(record.status.operation?.step).toBe('submit');
    return { opId, pending: record.status.operation?.data?.pendingJobId as string };
  }

  it('finds the job of an earlier attempt whose answer was lost: no second upload or run', async () => {
    const { opId, pending } = await atSubmit();
    b.flink.getJob.mockImplementation((jobId) =>
      jobId === pending
        ? Promise.resolve(jobDetail('RUNNING', pending))
        : Promise.reject(
            new JobNotOnClusterError(`Flink rejected job detail of ${jobId}`, 'not found'),
          ),
    );
    expect(await step(opId)).toMatchObject({ event: 'job-submitted' });
    expect(b.flink.uploadJar).not.toHaveBeenCalled();
    expect(b.flink.runJar).not.toHaveBeenCalled();
    const record = await b.get();
    expect(record.status.jobId).toBe(pending);
    expect(record.status.operation?.step).toBe('await-stable');
  });

  it('carries on when Flink says the job id is taken already', async () => {
    const { opId, pending } = await atSubmit();
    b.flink.runJar.mockRejectedValue(
      new DuplicateJobIdError(
        'Flink rejected jar run (HTTP 409): duplicate job id',
        'duplicate job id',
      ),
    );
    expect(await step(opId)).toMatchObject({ event: 'job-submitted' });
    expect(b.flink.deleteJar).not.toHaveBeenCalled();
    expect((await b.get()).status.jobId).toBe(pending);
  });

  it('rethrows a run whose deadline passed (the state machine retries), keeping the jar for it', async () => {
    const { opId } = await atSubmit();
    const before = await b.get();
    b.flink.runJar.mockRejectedValue(new DeadlineExceededError('jar run', 60_000, true));
    await expect(step(opId)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(b.flink.deleteJar).not.toHaveBeenCalled();
    const after = await b.get();
    expect(after.version).toBe(before.version);
    expect(after.status.operation?.step).toBe('submit');
  });

  it('rolls back to the last stable spec when Flink refuses the submission', async () => {
    const { opId, pending } = await atSubmit();
    b.flink.runJar.mockRejectedValueOnce(
      new ClusterRefusedError(
        'Flink rejected jar run (HTTP 400): ClassNotFoundException: Main',
        'ClassNotFoundException: Main',
      ),
    );
    expect(await step(opId)).toMatchObject({ next: 'step', event: 'rollback-started' });
    const record = await b.get();
    expect(record.status).toMatchObject({
      phase: 'ROLLING_BACK',
      rejected: { specHash: snap(v2, 1).specHash },
      lastError: { code: 'NOT_STABLE' },
      lastApplied: { specHash: snap(v1, 1).specHash },
    });
    expect(record.status.rejected?.reason).toContain('ClassNotFoundException: Main');
    const operation = record.status.operation;
    expect(operation).toMatchObject({ id: opId, kind: 'rollback', step: 'cancel' });
    expect(operation?.data).toMatchObject({
      target: { specHash: snap(v1, 1).specHash },
      previousJobId: pending,
      rollbackOf: { specHash: snap(v2, 1).specHash },
    });
    expect(operation?.data?.pendingJobId).not.toBe(pending);

    // The rollback itself: cancel, stopped, submit (lastApplied untouched), stable.
    await step(opId);
    await step(opId);
    expect(await step(opId)).toMatchObject({ event: 'job-submitted' });
    const rolled = await b.get();
    expect(rolled.status.lastApplied?.specHash).toBe(snap(v1, 1).specHash);
    const rollbackJob = rolled.status.jobId ?? '';
    b.flink.getJob.mockResolvedValue(
      jobDetail('RUNNING', rollbackJob, b.now().getTime() - 2 * MIN),
    );
    b.flink.getCheckpoints.mockResolvedValue(checkpoints('file:///c/1', 3));
    expect(await step(opId)).toMatchObject({ next: 'failed', event: 'rolled-back' });
    const done = await b.get();
    expect(done.status).toMatchObject({
      phase: 'STABLE',
      lastStable: { specHash: snap(v1, 1).specHash },
      lastApplied: { specHash: snap(v1, 1).specHash },
      lastError: { code: 'NOT_STABLE' },
    });
    expect(done.status.operation).toBeUndefined();
  });

  it('ends FAILED and rejected when rollback is disabled', async () => {
    const noRollback = job({
      upgradeMode: 'stateless',
      args: ['--rate', '5'],
      rollback: { enabled: false },
    });
    const { opId } = await atSubmit(noRollback);
    b.flink.runJar.mockRejectedValue(
      new ClusterRefusedError('Flink rejected jar run (HTTP 400): bad args', 'bad args'),
    );
    expect(await step(opId)).toMatchObject({ next: 'failed', event: 'failed' });
    const record = await b.get();
    expect(record.status).toMatchObject({
      phase: 'FAILED',
      rejected: { specHash: snap(noRollback, 1).specHash },
      lastError: { code: 'NOT_STABLE' },
    });
    expect(record.status.operation).toBeUndefined();
    expect(record.lease).toBeUndefined();
  });

  it('ends FAILED with ROLLBACK_FAILED when the rollback fails too, never rolling back twice', async () => {
    const { opId } = await atSubmit();
    b.flink.runJar.mockRejectedValue(
      new ClusterRefusedError('Flink rejected jar run (HTTP 400): cluster full', 'cluster full'),
    );
    expect(await step(opId)).toMatchObject({ event: 'rollback-started' });
    await step(opId); // cancel
    await step(opId); // await-stopped
    expect(await step(opId)).toMatchObject({ next: 'failed', event: 'rollback-failed' });
    const record = await b.get();
    expect(record.status.phase).toBe('FAILED');
    expect(record.status.lastError?.code).toBe('ROLLBACK_FAILED');
    // What stays rejected is the spec that failed first, not the stable one we fell back to.
    expect(record.status.rejected?.specHash).toBe(snap(v2, 1).specHash);
    expect(record.status.operation).toBeUndefined();
    expect((await actions(b)).filter((a) => a === 'rollback-started')).toHaveLength(1);
  });

  it('refuses a submit step without a recorded job id', async () => {
    await seed(b, v2, v1);
    const opId = await withOperation(b, 'deploy', 'submit', {
      mode: 'stateless',
      target: snap(v2, 1),
      reason: 'test',
    });
    expect(await step(opId)).toMatchObject({ next: 'failed' });
    expect((await b.get()).status.lastError?.code).toBe('OPERATION_INVALID');
  });
});

describe('the stability gate', () => {
  const v1 = job({ upgradeMode: 'stateless' });
  const v2 = job({ upgradeMode: 'stateless', args: ['--rate', '5'] });

  async function submitted(): Promise<{ opId: string; jobId: string }> {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    await step(opId);
    await step(opId);
    await step(opId);
    const record = await b.get();
    return { opId, jobId: record.status.jobId ?? '' };
  }

  it('waits while pending, then passes and clears the last error', async () => {
    const { opId, jobId } = await submitted();
    b.flink.getJob.mockResolvedValue(jobDetail('RUNNING', jobId, b.now().getTime()));
    b.flink.getCheckpoints.mockRejectedValue(new Error('no stats yet'));
    const pending = await step(opId);
    // The gate asks for 30 s; the pause is capped at a third of the lease, which it outlives.
    expect(pending).toMatchObject({ next: 'wait', waitSeconds: LEASE_TTL_MS / 3000 });
    b.advance(2 * MIN);
    b.flink.getCheckpoints.mockResolvedValue(checkpoints('file:///c/2', 2));
    expect(await step(opId)).toMatchObject({ next: 'done', event: 'stable' });
    const record = await b.get();
    expect(record.status).toMatchObject({
      phase: 'STABLE',
      lastStable: { specHash: snap(v2, 1).specHash },
    });
    expect(record.status.lastError).toBeUndefined();
  });

  it('rolls back a job that fails after starting, naming Flink’s reason', async () => {
    const { opId, jobId } = await submitted();
    b.flink.getJob.mockResolvedValue(jobDetail('FAILED', jobId));
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(undefined, 0));
    b.flink.getFailures.mockResolvedValue([
      { at: b.now().getTime(), summary: 'IllegalStateException: boom' },
    ]);
    expect(await step(opId)).toMatchObject({ event: 'rollback-started' });
    const record = await b.get();
    expect(record.status.rejected?.reason).toMatch(/ended FAILED.*boom/);
    expect(record.status.operation?.data?.previousJobId).toBe(jobId);
  });

  it('counts a job the cluster forgot as unstable', async () => {
    const { opId } = await submitted();
    expect(await step(opId)).toMatchObject({ event: 'rollback-started' });
    expect((await b.get()).status.rejected?.reason).toMatch(/no longer knows/);
  });
});

describe('rescale', () => {
  it('asks the cluster to rescale the running job to the new parallelism', async () => {
    const v1 = job({ parallelism: 2 });
    const v2 = job({ parallelism: 4 });
    await seed(b, v2, v1);
    const opId = await begin(b, 'scale', v2, { fields: ['spec.parallelism'] });
    expect(await step(opId)).toMatchObject({ next: 'wait', event: 'rescale-requested' });
    expect(b.flink.rescale).toHaveBeenCalledWith(JOB_ID, 4);
    const record = await b.get();
    expect(record.status.operation).toMatchObject({ step: 'await-stable' });
    expect(record.status.operation?.data?.pendingJobId).toBe(JOB_ID);
    expect(record.status.lastApplied?.specHash).toBe(snap(v2, 1).specHash);
    expect(b.flink.runJar).not.toHaveBeenCalled();
  });
});

describe('the stability gate after a rescale', () => {
  it('waits until the job runs at the requested parallelism, not merely at least 1', async () => {
    const v1 = job({ parallelism: 2 });
    const v2 = job({ parallelism: 4 });
    await seed(b, v2, v1);
    const opId = await begin(b, 'scale', v2, { fields: ['spec.parallelism'] });
    await step(opId);
    b.flink.getCheckpoints.mockResolvedValue(checkpoints('file:///c/9', 5));
    b.flink.getJob.mockResolvedValue({
      ...jobDetail('RUNNING', JOB_ID, b.now().getTime() - 10 * MIN),
      parallelism: 2,
    });
    b.advance(2 * MIN);
    expect(await step(opId)).toMatchObject({ next: 'wait' });
    expect(b.flink.getJob).toHaveBeenCalled();
    b.flink.getJob.mockResolvedValue({
      ...jobDetail('RUNNING', JOB_ID, b.now().getTime() - 10 * MIN),
      parallelism: 4,
    });
    expect(await step(opId)).toMatchObject({ next: 'done', event: 'stable' });
  });

  it('rolls back at once, saying why, when checkpointing is off but the gate needs checkpoints', async () => {
    const v1 = job({ args: ['--rate', '1'] });
    const v2 = job({ args: ['--rate', '2'], upgradeMode: 'stateless' });
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    await step(opId);
    await step(opId);
    await step(opId);
    const jobId = (await b.get()).status.operation?.data?.pendingJobId as string;
    b.flink.getJob.mockResolvedValue(jobDetail('RUNNING', jobId, b.now().getTime()));
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(undefined, 0));
    b.flink.isCheckpointingEnabled.mockResolvedValue(false);
    expect(await step(opId)).toMatchObject({ event: 'rollback-started' });
    expect((await b.get()).status.rejected?.reason).toMatch(/checkpointing is disabled/);
  });
});

describe('manual savepoint and retention', () => {
  it('disposes of savepoints beyond the policy, keeping those whose disposal failed', async () => {
    const applied = job();
    const desired = job({ savepointNonce: 1 });
    await seed(b, desired, applied);
    const old = (days: number, path: string) =>
      b.store.addSavepoint({
        jobName: NAME,
        triggerKind: 'periodic',
        generation: 1,
        flinkJobId: JOB_ID,
        status: 'COMPLETED',
        path,
        createdAt: new Date(b.now().getTime() - days * 24 * 60 * MIN),
      });
    const kept = await old(1, 'file:///sp/recent');
    const stuck = await old(8, 'file:///sp/stuck');
    const doomed = await old(9, 'file:///sp/doomed');
    const opId = await begin(b, 'savepoint', desired, { savepointKind: 'manual' });
    const record = await b.get();
    expect(record.status.operation).toMatchObject({ kind: 'savepoint', step: 'trigger-savepoint' });
    expect(record.status.operation?.data).toMatchObject({
      savepointKind: 'manual',
      savepointNonce: 1,
    });

    expect(await step(opId)).toMatchObject({ event: 'savepoint-triggered' });
    expect(b.flink.triggerSavepoint).toHaveBeenCalledWith(JOB_ID, {
      triggerId: record.status.operation?.data?.triggerId,
      targetDirectory: 'file:///savepoints',
    });
    expect(b.flink.stopWithSavepoint).not.toHaveBeenCalled();
    b.flink.getSavepointStatus.mockResolvedValue(savepointDone('file:///sp/new'));
    expect(await step(opId)).toMatchObject({ next: 'step', event: 'savepoint-completed' });
    expect((await b.get()).status.operation?.step).toBe('retention');

    b.flink.disposeSavepoint.mockImplementation((path) =>
      path === 'file:///sp/stuck'
        ? Promise.reject(
            new ClusterRefusedError(
              'Flink rejected savepoint disposal (HTTP 500): denied',
              'denied',
            ),
          )
        : Promise.resolve({ triggerId: 'd'.repeat(32) }),
    );
    expect(await step(opId)).toMatchObject({ next: 'done', event: 'savepoint-retention' });
    expect(b.flink.disposeSavepoint).toHaveBeenCalledTimes(2);
    expect(b.flink.awaitDisposal).toHaveBeenCalledWith('d'.repeat(32), {
      deadlineMs: 30_000,
      intervalMs: 250,
    });
    const byId = new Map((await catalog()).map((s) => [s.id, s.status]));
    expect(byId.get(kept.id)).toBe('COMPLETED');
    expect(byId.get(stuck.id)).toBe('COMPLETED');
    expect(byId.get(doomed.id)).toBe('DISPOSED');
    const done = await b.get();
    expect(done.status).toMatchObject({
      savepointNonce: 1,
      newestSavepoint: { path: 'file:///sp/new' },
      phase: 'STABLE',
    });
    expect(done.recentHistory.at(-1)?.details).toMatchObject({ disposed: [doomed.id] });
  });
});

describe('savepoint history copies', () => {
  it('retention copies each savepoint’s last change to the job’s history again, once', async () => {
    const desired = job({ savepointNonce: 1 });
    await seed(b, desired, job());
    // The process "dies" between the catalog write and its copy: the copy never lands.
    const dropping = clientDroppingAuditCopies(b.dynamo);
    try {
      const lossy = new DynamoJobStore({
        client: dropping,
        tableName: b.tableName,
        clock: () => b.now(),
        logger: { warn: () => undefined },
      });
      await lossy.addSavepoint(
        {
          jobName: NAME,
          triggerKind: 'registered',
          generation: 1,
          status: 'COMPLETED',
          path: 'file:///sp/registered',
          createdAt: b.now(),
        },
        { actor: 'alice', action: 'savepoint-registered', jobVersion: 1, details: {} },
      );
    } finally {
      dropping.destroy();
    }
    // What GET /v1/jobs/{name}/history (fjc history) lists.
    const registered = async () =>
      (await b.store.listHistory(NAME, { limit: 50 })).items.filter(
        (e) => e.action === 'savepoint-registered',
      );
    expect(await registered()).toEqual([]);

    const opId = await begin(b, 'savepoint', desired, { savepointKind: 'manual' });
    expect(await step(opId)).toMatchObject({ event: 'savepoint-triggered' });
    b.flink.getSavepointStatus.mockResolvedValue(savepointDone('file:///sp/new'));
    expect(await step(opId)).toMatchObject({ event: 'savepoint-completed' });
    expect(await step(opId)).toMatchObject({ next: 'done', event: 'savepoint-retention' });
    expect(await registered()).toMatchObject([
      { actor: 'alice', details: { path: 'file:///sp/registered' } },
    ]);
    // Same key: copying again adds nothing.
    await b.store.recopySavepointChanges(NAME, await catalog());
    expect(await registered()).toHaveLength(1);
    // Never into another job's history.
    await b.store.recopySavepointChanges('other', await catalog());
    expect((await b.store.listHistory('other', { limit: 50 })).items).toEqual([]);
  });
});

describe('served savepoint nonce', () => {
  it('keeps the highest nonce served when a periodic savepoint ends under an older spec nonce', async () => {
    const desired = job({ savepointNonce: 2 });
    await seed(b, desired, desired, { savepointNonce: 5 });
    const opId = await begin(b, 'savepoint', desired, { savepointKind: 'periodic' });
    expect(await step(opId)).toMatchObject({ event: 'savepoint-triggered' });
    b.flink.getSavepointStatus.mockResolvedValue(savepointDone('file:///sp/periodic'));
    expect(await step(opId)).toMatchObject({ event: 'savepoint-completed' });
    expect(await step(opId)).toMatchObject({ next: 'done', event: 'savepoint-retention' });
    expect((await b.get()).status.savepointNonce).toBe(5);
  });
});

describe('recovery', () => {
  const v1 = job();

  async function recover(status = {}): Promise<string> {
    await seed(b, v1, v1, status);
    const opId = await begin(b, 'recover', v1);
    expect((await b.get()).status.operation?.step).toBe('locate-restore-point');
    return opId;
  }

  it('restores from a checkpoint newer than the newest savepoint', async () => {
    const sp = await snapshotOnDisk('recovery/sp-1');
    const opId = await recover({
      newestSavepoint: { path: sp, at: new Date(b.now().getTime() - MIN).toISOString() },
    });
    const chk = await snapshotOnDisk('recovery/chk-9');
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(chk, 5, b.now().getTime()));
    await step(opId);
    expect((await b.get()).status.operation?.data?.restorePath).toBe(chk);
  });

  it('restores from the savepoint when it is newer, or when checkpoints cannot be read', async () => {
    const sp = await snapshotOnDisk('recovery/sp-2');
    const opId = await recover({ newestSavepoint: { path: sp, at: b.now().toISOString() } });
    b.flink.getCheckpoints.mockRejectedValue(new Error('gone'));
    await step(opId);
    expect((await b.get()).status.operation?.data?.restorePath).toBe(sp);
  });

  it('does not start a job that ran before empty when there is nothing to restore', async () => {
    const opId = await recover();
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(undefined, 0));
    expect(await step(opId)).toMatchObject({ event: 'restore-point-missing' });
    const record = await b.get();
    expect(record.status).toMatchObject({ phase: 'NEEDS_RESTORE_POINT' });
    expect(record.status.operation).toBeUndefined();
    expect(b.flink.runJar).not.toHaveBeenCalled();
  });
});
