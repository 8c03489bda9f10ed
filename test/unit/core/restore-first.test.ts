/**
 * `spec.restore.from` at a first deploy and at a resume, through the controller's own path: a
 * reconcile cycle plans and starts the operation (real store on dynalite), each step runs as the
 * state machine runs it, and restore points are checked on disk. Flink is a stub (error paths
 * and call shapes); test/flink/savepoint-restore.test.ts shows the state on a real cluster.
 */
import { describe, expect, it } from 'vitest';
import { describeHistoryEntry } from '../../../functions/core/model/history-events.js';
import { advanceOperation } from '../../../functions/core/operations/advance.js';
import { reconcile } from '../../../functions/core/reconcile.js';
import type { ClusterJobList, ExecutionAction } from '../../../functions/core/ports/index.js';
import { decideRestore } from '../../../functions/core/restore-request.js';
import { appliedRestoreNonce } from '../../../functions/core/savepoint-choice.js';
import { specHash } from '../../../functions/core/change/index.js';
import {
  encodeSpecDocument,
  flinkJobSchema,
  type FlinkJob,
} from '../../../functions/core/spec/index.js';
import {
  JOB_ID,
  MUTATIONS,
  NAME,
  actions,
  checkpoints,
  job,
  jobDetail,
  seed,
  snapshotOnDisk,
  useBench,
  type Bench,
} from './operations/harness.js';

let b: Bench;
useBench((fresh) => (b = fresh));

const MIN = 60_000;

/** One reconcile cycle; the operations it started (the state machine is not run). */
async function cycle(): Promise<{ kinds: string[]; started: ExecutionAction[] }> {
  const started: ExecutionAction[] = [];
  const report = await reconcile(
    {
      ...b.ctx,
      stateMachine: {
        start: (input) => {
          started.push(...input.actions);
          return Promise.resolve();
        },
      },
    },
    { correlationId: 'cycle' },
  );
  return { kinds: report.planned.map((p) => p.kind), started };
}

/** Runs one step of the started operation, exactly as one state-machine task does. */
const step = (action: ExecutionAction) =>
  advanceOperation(b.ctx, NAME, action.operationId, action.owner, 0);

const listed = (jobId: string, state: string): ClusterJobList => ({
  jobs: [{ jobId, state, startTime: 1 }],
  unreadable: [],
});

async function catalogued(
  path: string,
  jobName = NAME,
  status: 'COMPLETED' | 'FAILED' = 'COMPLETED',
) {
  return b.store.addSavepoint({
    jobName,
    generation: 1,
    flinkJobId: 'b'.repeat(32),
    triggerKind: 'manual',
    status,
    path,
    createdAt: b.now(),
  });
}

/** Starts the one operation a cycle plans for the job, and names its first step. */
async function started(kind: string): Promise<ExecutionAction> {
  const { started: actions } = await cycle();
  expect(actions).toMatchObject([{ jobName: NAME, kind }]);
  const [action] = actions;
  if (!action) throw new Error('nothing started');
  return action;
}

/** The new Flink job of the operation runs, checkpoints and soaks: the gate passes. */
async function passGate(action: ExecutionAction): Promise<void> {
  const jobId = (await b.get()).status.jobId ?? '';
  b.flink.getJob.mockResolvedValue(jobDetail('RUNNING', jobId, b.now().getTime()));
  b.flink.getCheckpoints.mockResolvedValue(checkpoints(`file:///c/${jobId}/chk-2`, 2));
  b.advance(2 * MIN);
  expect(await step(action)).toMatchObject({ next: 'done', event: 'stable' });
  b.flink.listJobs.mockResolvedValue(listed(jobId, 'RUNNING'));
}

describe('a first deploy with spec.restore.from', () => {
  it('starts from the chosen savepoint, not restore.initialSavepointPath, and only once', async () => {
    const chosen = await snapshotOnDisk('first/chosen');
    const entry = await catalogued(chosen);
    const seedPath = await snapshotOnDisk('first/seed');
    const desired = job({
      restore: { initialSavepointPath: seedPath, from: { savepointId: entry.id, nonce: 1 } },
    });
    await seed(b, desired);

    const action = await started('deploy');
    expect((await b.get()).status).toMatchObject({
      phase: 'DEPLOYING',
      operation: { kind: 'deploy', step: 'resolve-chosen-savepoint' },
    });
    expect(
      (await b.get()).recentHistory.find((e) => e.action === 'deploy-started')?.details,
    ).toMatchObject({ savepointId: entry.id });
    expect(await step(action)).toMatchObject({ event: 'chosen-savepoint-resolved' });
    expect((await b.get()).status.restorePoint).toMatchObject({
      path: chosen,
      reason: expect.stringContaining(entry.id) as string,
    });
    expect(await step(action)).toMatchObject({ event: 'job-submitted' });
    expect(b.flink.runJar).toHaveBeenCalledTimes(1);
    expect(b.flink.runJar.mock.calls[0]?.[1]).toMatchObject({
      savepointPath: chosen,
      claimMode: 'NO_CLAIM',
    });
    const submitted = await b.get();
    expect(submitted.status.restoredFrom).toBe(chosen);
    // Consumed as an upgrade's restore is: the applied spec carries the nonce.
    expect(appliedRestoreNonce(submitted.status)).toBe(1);
    await passGate(action);

    // The next cycles restore nothing again.
    expect((await cycle()).kinds).toEqual(['none']);
    expect(b.flink.runJar).toHaveBeenCalledTimes(1);
    expect(await actions(b)).toEqual(
      expect.arrayContaining([
        'deploy-started',
        'chosen-savepoint-resolved',
        'job-submitted',
        'stable',
      ]),
    );
  });

  it('still starts from restore.initialSavepointPath when no restore.from is set', async () => {
    const seedPath = await snapshotOnDisk('first/only-seed');
    await seed(b, job({ restore: { initialSavepointPath: seedPath } }));
    const action = await started('deploy');
    expect((await b.get()).status.operation?.step).toBe('submit');
    expect(await step(action)).toMatchObject({ event: 'job-submitted' });
    expect(b.flink.runJar.mock.calls[0]?.[1]).toMatchObject({ savepointPath: seedPath });
  });

  const refusals: [string, () => Promise<FlinkJob>, RegExp][] = [
    [
      'does not exist',
      () =>
        Promise.resolve(
          job({ restore: { from: { savepointId: '20200101T000000000Z-nope', nonce: 1 } } }),
        ),
      /^spec\.restore\.from\.savepointId: Savepoint 20200101T000000000Z-nope of job counter does not exist/,
    ],
    [
      'is another job’s',
      async () => {
        const other = await catalogued(await snapshotOnDisk('first/other'), 'other-job');
        return job({ restore: { from: { savepointId: other.id, nonce: 1 } } });
      },
      /^spec\.restore\.from\.savepointId: Savepoint .* of job counter does not exist/,
    ],
    [
      'is not restorable',
      async () => {
        const failed = await catalogued('file:///sp/failed', NAME, 'FAILED');
        return job({ restore: { from: { savepointId: failed.id, nonce: 1 } } });
      },
      /^spec\.restore\.from\.savepointId: Savepoint .* cannot be restored: it is FAILED/,
    ],
    [
      'has no _metadata on storage',
      () =>
        Promise.resolve(job({ restore: { from: { path: 'file:///sp/never-written', nonce: 1 } } })),
      /^spec\.restore\.from\.path: file:\/\/\/sp\/never-written holds no savepoint/,
    ],
  ];
  it.each(refusals)(
    'refuses a chosen savepoint that %s: nothing starts, the spec is rejected, not retried',
    async (_why, desired, reason) => {
      await seed(b, await desired());
      const action = await started('deploy');
      expect(await step(action)).toMatchObject({ next: 'failed', event: 'restore-refused' });
      const record = await b.get();
      expect(record.status).toMatchObject({
        phase: 'PENDING',
        rejected: { reason: expect.stringMatching(reason) as string },
        lastError: { code: 'RESTORE_REFUSED', message: expect.stringMatching(reason) as string },
      });
      expect(record.status.operation).toBeUndefined();
      expect(record.status.jobId).toBeUndefined();
      const entry = record.recentHistory.find((e) => e.action === 'restore-refused');
      expect(entry && describeHistoryEntry(entry)).toMatchObject({
        event: 'restore.refused',
        message: expect.stringMatching(
          /before anything started; nothing runs: spec\.restore\.from/,
        ) as string,
      });
      for (const call of MUTATIONS) expect(b.flink[call]).not.toHaveBeenCalled();
      expect((await cycle()).kinds).toEqual(['none']);
    },
  );
});

describe('a resume with spec.restore.from', () => {
  /** A job suspended with a savepoint, `applied` last run, `desired` now asking to run. */
  async function suspended(desired: FlinkJob, applied: FlinkJob): Promise<string> {
    const newest = await snapshotOnDisk('resume/newest');
    await seed(b, desired, applied, {
      phase: 'SUSPENDED',
      newestSavepoint: { path: newest, at: b.now().toISOString() },
    });
    b.flink.listJobs.mockResolvedValue(listed(JOB_ID, 'FINISHED'));
    return newest;
  }

  it('starts from the chosen path instead of the newest savepoint, consuming the nonce', async () => {
    const chosen = await snapshotOnDisk('resume/chosen');
    const from = { path: chosen, nonce: 2 };
    const was = job({ state: 'suspended', restore: { from: { path: chosen, nonce: 1 } } });
    await suspended(job({ restore: { from } }), was);

    const action = await started('resume');
    expect((await b.get()).status.operation?.step).toBe('resolve-chosen-savepoint');
    expect(await step(action)).toMatchObject({ event: 'chosen-savepoint-resolved' });
    expect(await step(action)).toMatchObject({ event: 'job-submitted' });
    expect(b.flink.runJar.mock.calls[0]?.[1]).toMatchObject({ savepointPath: chosen });
    const record = await b.get();
    expect(appliedRestoreNonce(record.status)).toBe(2);
    expect(record.recentHistory.find((e) => e.action === 'job-submitted')?.details).toMatchObject({
      restorePath: chosen,
    });
  });

  it('keeps a restore asked for while suspended until the resume, then starts from it', async () => {
    const chosen = await catalogued(await snapshotOnDisk('resume/asked-while-suspended'));
    const was = job({ state: 'suspended' });
    await suspended(was, was);
    // The restore action on the suspended job: the choice is recorded, the job stays suspended.
    const asked = await decideRestore(b.store, await b.get(), was, {
      choice: { savepointId: chosen.id },
      resume: false,
    });
    expect(asked.takesEffect).toBe('on-resume');
    const put = async (doc: FlinkJob) =>
      b.store.putDesired(
        {
          name: NAME,
          team: doc.spec.team,
          clusterRef: doc.spec.clusterRef,
          spec: encodeSpecDocument(doc),
          specHash: specHash(doc),
        },
        { actor: 'test', now: b.now() },
      );
    const recorded = flinkJobSchema.parse(asked.spec);
    await put(recorded);
    expect((await cycle()).kinds).toEqual(['none']);
    expect(appliedRestoreNonce((await b.get()).status)).toBeUndefined();

    await put(job({ restore: { from: { savepointId: chosen.id, nonce: 1 } } }));
    const action = await started('resume');
    const record = await b.get();
    expect(record.status.operation?.step).toBe('resolve-chosen-savepoint');
    // The started entry names the source already, in its details and its sentence.
    const start = record.recentHistory.find((e) => e.action === 'resume-started');
    expect(start?.details).toMatchObject({ savepointId: chosen.id });
    expect(start && describeHistoryEntry(start).message).toBe(
      `resume started: desired state is running; restores the chosen savepoint ${chosen.id}`,
    );
    expect(await step(action)).toMatchObject({ event: 'chosen-savepoint-resolved' });
    expect(await step(action)).toMatchObject({ event: 'job-submitted' });
    expect(b.flink.runJar.mock.calls[0]?.[1]).toMatchObject({
      savepointPath: chosen.path,
    });
  });

  it('resumes from the newest savepoint when the nonce was applied already', async () => {
    const chosen = await snapshotOnDisk('resume/old-choice');
    const from = { path: chosen, nonce: 1 };
    await suspended(job({ restore: { from } }), job({ state: 'suspended', restore: { from } }));
    await started('resume');
    expect((await b.get()).status.operation?.step).toBe('locate-restore-point');
  });

  it('refuses a chosen savepoint that is gone: stays SUSPENDED, rejected, not retried', async () => {
    const from = { path: 'file:///sp/gone', nonce: 1 };
    await suspended(job({ restore: { from } }), job({ state: 'suspended' }));
    const action = await started('resume');
    expect(await step(action)).toMatchObject({ next: 'failed', event: 'restore-refused' });
    const record = await b.get();
    expect(record.status).toMatchObject({
      phase: 'SUSPENDED',
      lastError: { code: 'RESTORE_REFUSED' },
      rejected: { reason: expect.stringMatching(/^spec\.restore\.from\.path: /) as string },
    });
    for (const call of MUTATIONS) expect(b.flink[call]).not.toHaveBeenCalled();
    expect((await cycle()).kinds).toEqual(['none']);
    // A changed spec is planned again.
    const fixed = job({
      restore: { from: { path: 'file:///sp/gone', nonce: 1 } },
      restartNonce: 1,
    });
    await b.store.putDesired(
      {
        name: NAME,
        team: fixed.spec.team,
        clusterRef: fixed.spec.clusterRef,
        spec: encodeSpecDocument(fixed),
        specHash: specHash(fixed),
      },
      { actor: 'test', now: b.now() },
    );
    expect((await cycle()).kinds).toEqual(['resume']);
  });
});

describe('a recovery with spec.restore.from', () => {
  it('brings a job waiting in NEEDS_RESTORE_POINT back from the chosen savepoint', async () => {
    const chosen = await snapshotOnDisk('recover/chosen');
    const from = { path: chosen, nonce: 1 };
    await seed(b, job({ restore: { from } }), job(), { phase: 'NEEDS_RESTORE_POINT' });
    const action = await started('restart');
    const record = await b.get();
    expect(record.status.operation?.step).toBe('resolve-chosen-savepoint');
    const start = record.recentHistory.find((e) => e.action === 'restart-started');
    expect(start?.details).toMatchObject({ path: chosen });
    expect(start && describeHistoryEntry(start).message).toMatch(
      new RegExp(`^restart started: .*; restores the chosen savepoint at ${chosen}$`),
    );
    expect(await step(action)).toMatchObject({ event: 'chosen-savepoint-resolved' });
    expect(await step(action)).toMatchObject({ event: 'job-submitted' });
    expect(b.flink.runJar.mock.calls[0]?.[1]).toMatchObject({ savepointPath: chosen });
    expect(appliedRestoreNonce((await b.get()).status)).toBe(1);
  });

  it('refuses a chosen savepoint that is gone, then recovers what was applied as before', async () => {
    const from = { path: 'file:///sp/recover-gone', nonce: 1 };
    await seed(b, job({ restore: { from } }), job());
    const action = await started('restart');
    expect(await step(action)).toMatchObject({ next: 'failed', event: 'restore-refused' });
    const record = await b.get();
    expect(record.status).toMatchObject({
      phase: 'FAILED',
      lastError: { code: 'RESTORE_REFUSED' },
      rejected: { reason: expect.stringMatching(/^spec\.restore\.from\.path: /) as string },
    });
    for (const call of MUTATIONS) expect(b.flink[call]).not.toHaveBeenCalled();
    // The refused spec is not tried again; what last ran is recovered from what storage holds.
    await started('restart');
    expect((await b.get()).status.operation?.step).toBe('locate-restore-point');
  });
});

describe('the history of a refused restore', () => {
  it('says a running job was left untouched, and that nothing started otherwise', () => {
    const details = { reason: 'spec.restore.from.path: gone' };
    expect(
      describeHistoryEntry({ action: 'restore-refused', actor: 'fjc:restore', details }),
    ).toMatchObject({ message: expect.stringContaining('the running job is untouched') as string });
    expect(
      describeHistoryEntry({ action: 'restore-refused', actor: 'fjc:resume', details }),
    ).toMatchObject({ message: expect.stringContaining('nothing runs') as string });
  });
});

describe('the started entry of a start from a chosen savepoint', () => {
  it('names it for the restore of a running job too', async () => {
    const from = { path: 'file:///sp/running-choice', nonce: 1 };
    await seed(b, job({ restore: { from } }), job());
    b.flink.listJobs.mockResolvedValue(listed(JOB_ID, 'RUNNING'));
    await started('restore');
    const start = (await b.get()).recentHistory.find((e) => e.action === 'restore-started');
    expect(start?.details).toMatchObject({ path: from.path });
  });

  it('names the source in words; other started entries stay as they were', () => {
    const id = '20261126T120000000Z-a';
    expect(
      describeHistoryEntry({
        action: 'restore-started',
        actor: 'fjc:reconcile',
        details: { reason: 'restore from a chosen savepoint', savepointId: id },
      }).message,
    ).toBe(`restore started: restore from a chosen savepoint; restores the chosen savepoint ${id}`);
    expect(
      describeHistoryEntry({
        action: 'deploy-started',
        actor: 'fjc:reconcile',
        details: { reason: 'new job' },
      }).message,
    ).toBe('deploy started: new job');
  });
});
