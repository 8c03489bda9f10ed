/**
 * Newest restorable state, always: the restore point is the newest checkpoint or savepoint that
 * still exists on storage, found on storage itself when the cluster that ran the job is gone, and
 * a job that ran before is never started empty for want of one.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { advanceOperation } from '../../../../functions/core/operations/advance.js';
import { JobNotOnClusterError } from '../../../../functions/core/ports/index.js';
import type { ClusterObservation } from '../../../../functions/core/plan/observation.js';
import { planJob } from '../../../../functions/core/plan/plan-actions.js';
import {
  JOB_ID,
  NAME,
  OWNER,
  begin,
  checkpoints,
  job,
  jobDetail,
  seed,
  snap,
  snapshotOnDisk,
  useBench,
  type Bench,
} from './harness.js';

const SEC = 1000;
let b: Bench;
useBench((fresh) => (b = fresh));

const step = (opId: string) => advanceOperation(b.ctx, NAME, opId, OWNER, 0);
const v1 = job();

/** The new cluster knows nothing of the old job. */
function clusterForgotTheJob() {
  b.flink.getCheckpoints.mockRejectedValue(
    new JobNotOnClusterError(`Flink rejected checkpoints of ${JOB_ID}`, 'Job not found'),
  );
}

/** A recovery of a job that ran as JOB_ID, brought to its locate-restore-point step. */
async function recovering(status: Parameters<typeof seed>[3] = {}): Promise<string> {
  await seed(b, v1, v1, status);
  const opId = await begin(b, 'recover', v1);
  expect((await b.get()).status.operation?.step).toBe('locate-restore-point');
  return opId;
}

async function catalogue(path: string, at: Date) {
  await b.store.addSavepoint({
    jobName: NAME,
    path,
    status: 'COMPLETED',
    triggerKind: 'periodic',
    generation: 1,
    flinkJobId: JOB_ID,
    createdAt: at,
  });
}

describe('after the cluster is lost', () => {
  it('restores the newest completed checkpoint on storage, not an older savepoint', async () => {
    // Found end to end: chk-62, written 0.1 s before the kill, lost to a 41-s-old savepoint.
    const t = b.now().getTime();
    const savepoint = await snapshotOnDisk('lost/sp-1', t - 41 * SEC);
    await snapshotOnDisk(`lost/chk/${JOB_ID}/chk-61`, t - 2 * SEC);
    const chk62 = await snapshotOnDisk(`lost/chk/${JOB_ID}/chk-62`, t - 1 * SEC);
    await snapshotOnDisk(`lost/chk/${JOB_ID}/chk-63/unrelated`); // still being written: no _metadata
    await rm(fileURLToPath(`${chk62.replace('chk-62', 'chk-63')}/unrelated/_metadata`));
    const opId = await recovering({
      checkpointLocation: chk62.replace(/\/chk-62$/, ''),
      newestSavepoint: { path: savepoint, at: new Date(t - 41 * SEC).toISOString() },
    });
    clusterForgotTheJob();

    expect(await step(opId)).toMatchObject({ event: 'restore-point-located' });
    const record = await b.get();
    expect(record.status.operation?.data?.restorePath).toBe(chk62);
    expect(record.status.restorePoint).toMatchObject({ source: 'checkpoint', path: chk62 });
    expect(record.recentHistory.at(-1)).toMatchObject({
      action: 'restore-point-located',
      details: { source: 'checkpoint', path: chk62 },
    });
    await step(opId);
    expect(b.flink.runJar.mock.calls[0]?.[1]).toMatchObject({ savepointPath: chk62 });
  });

  it('restores the checkpoint on storage when the catalog holds no savepoint', async () => {
    const chk = await snapshotOnDisk(`no-sp/chk/${JOB_ID}/chk-5`);
    const opId = await recovering({ checkpointLocation: chk.replace(/\/chk-5$/, '') });
    clusterForgotTheJob();
    await step(opId);
    expect((await b.get()).status.operation?.data?.restorePath).toBe(chk);
  });

  it('finds the checkpoints through the new cluster’s checkpoint directory when none was recorded', async () => {
    // A job last made stable before fjc recorded checkpoint locations: the fresh cluster on the
    // same storage says where the lost one wrote.
    const chk = await snapshotOnDisk(`unrecorded/chk/${JOB_ID}/chk-8`);
    const opId = await recovering();
    clusterForgotTheJob();
    b.flink.checkpointDirectory.mockResolvedValue(chk.replace(`/${JOB_ID}/chk-8`, '/'));
    await step(opId);
    expect((await b.get()).status.operation?.data?.restorePath).toBe(chk);
  });

  it('does not start the job empty with no restore point: NEEDS_RESTORE_POINT, says why', async () => {
    // Found end to end: no savepoint in the catalog, the job started empty and was STABLE.
    const opId = await recovering({ checkpointLocation: `file:///nowhere/chk/${JOB_ID}` });
    clusterForgotTheJob();
    expect(await step(opId)).toMatchObject({ next: 'failed', event: 'restore-point-missing' });
    const record = await b.get();
    expect(record.status).toMatchObject({
      phase: 'NEEDS_RESTORE_POINT',
      lastError: { code: 'NO_RESTORE_POINT' },
    });
    expect(record.status.operation).toBeUndefined();
    expect(b.flink.uploadJar).not.toHaveBeenCalled();
    expect(b.flink.runJar).not.toHaveBeenCalled();
  });
});

describe('a restore point is used only while it exists on storage', () => {
  it('skips a checkpoint Flink already deleted and falls back to the next newest', async () => {
    // Found end to end: a job stopped outside fjc was resubmitted from a discarded checkpoint.
    const t = b.now().getTime();
    const savepoint = await snapshotOnDisk('stopped/sp-1', t - 60 * SEC);
    const opId = await recovering({
      newestSavepoint: { path: savepoint, at: new Date(t - 60 * SEC).toISOString() },
    });
    b.flink.getCheckpoints.mockResolvedValue(
      checkpoints(`file:///stopped/chk/${JOB_ID}/chk-9`, 9, t - SEC),
    );
    await step(opId);
    const record = await b.get();
    expect(record.status.operation?.data?.restorePath).toBe(savepoint);
    expect(record.recentHistory.at(-1)?.details).toMatchObject({
      source: 'savepoint',
      skipped: [expect.stringContaining('chk-9: its _metadata is gone')],
    });
  });

  it('falls back from a disposed newest savepoint to an older catalogued one', async () => {
    const t = b.now().getTime();
    const older = await snapshotOnDisk('disposed/sp-old');
    await catalogue(older, new Date(t - 120 * SEC));
    const opId = await recovering({
      newestSavepoint: { path: 'file:///disposed/sp-new', at: new Date(t - SEC).toISOString() },
    });
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(undefined, 0));
    await step(opId);
    expect((await b.get()).status.operation?.data?.restorePath).toBe(older);
  });
});

describe('the checkpoint location', () => {
  it('is recorded when the job becomes stable, from its newest checkpoint', async () => {
    const v2 = job({ upgradeMode: 'stateless', args: ['--rate', '5'] });
    await seed(b, v2, job({ upgradeMode: 'stateless' }));
    const opId = await begin(b, 'upgrade', v2);
    for (let i = 0; i < 3; i++) await step(opId); // cancel, await-stopped, submit
    const jobId = (await b.get()).status.jobId ?? '';
    b.flink.getJob.mockResolvedValue(jobDetail('RUNNING', jobId, b.now().getTime()));
    b.advance(10 * 60 * SEC);
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(`file:/data/chk/${jobId}/chk-12`, 12));
    expect(await step(opId)).toMatchObject({ event: 'stable' });
    expect((await b.get()).status.checkpointLocation).toBe(`file:/data/chk/${jobId}`);
  });
});

describe('planning a job that needs a restore point', () => {
  it('waits instead of retrying, until the spec changes', async () => {
    const record = await seed(b, v1, v1, { phase: 'NEEDS_RESTORE_POINT' });
    const cluster: ClusterObservation = {
      reachable: true,
      jobs: new Map(),
      unreadable: [],
      at: b.now(),
    };
    const observations = new Map([[v1.spec.clusterRef, cluster]]);
    const waiting = planJob({ record, desired: v1, lastApplied: v1 }, observations, b.now());
    expect(waiting.kind).toBe('none');
    expect(waiting.reason).toContain('no restorable state');
    const v2 = job({ restartNonce: 1 });
    const changed = { ...record, specHash: snap(v2, 2).specHash };
    expect(
      planJob({ record: changed, desired: v2, lastApplied: v1 }, observations, b.now()),
    ).toMatchObject({ kind: 'recover' });
  });
});

describe('resuming a suspended job', () => {
  it('resumes from the newest savepoint only while it exists, else the next newest', async () => {
    const t = b.now().getTime();
    const older = await snapshotOnDisk('resume/sp-old');
    await catalogue(older, new Date(t - 120 * SEC));
    await seed(b, v1, v1, {
      phase: 'SUSPENDED',
      newestSavepoint: { path: 'file:///resume/sp-disposed', at: new Date(t - SEC).toISOString() },
    });
    const opId = await begin(b, 'resume', v1);
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(undefined, 0));
    for (let i = 0; i < 3 && b.flink.runJar.mock.calls.length === 0; i++) await step(opId);
    expect(b.flink.runJar.mock.calls[0]?.[1]).toMatchObject({ savepointPath: older });
  });

  it('does not resume a job that ran before empty when no savepoint is left', async () => {
    await seed(b, v1, v1, {
      phase: 'SUSPENDED',
      newestSavepoint: { path: 'file:///resume/gone', at: b.now().toISOString() },
    });
    const opId = await begin(b, 'resume', v1);
    b.flink.getCheckpoints.mockResolvedValue(checkpoints(undefined, 0));
    for (let i = 0; i < 3 && (await b.get()).status.operation !== undefined; i++) await step(opId);
    expect((await b.get()).status.phase).toBe('NEEDS_RESTORE_POINT');
    expect(b.flink.runJar).not.toHaveBeenCalled();
  });
});
