import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../functions/commons/errors.js';
import { purgeJob, requestJobDeletion } from '../../../functions/core/deletion.js';
import { flinkJobSchema } from '../../../functions/core/spec/index.js';
import { JOB_ID, NAME, useBench, job, seed, type Bench } from './operations/harness.js';

let b: Bench;
useBench((fresh) => (b = fresh));

async function withSavepoint(): Promise<void> {
  await b.store.addSavepoint({
    jobName: NAME,
    triggerKind: 'manual',
    generation: 1,
    flinkJobId: JOB_ID,
    status: 'COMPLETED',
    path: 'file:///sp/1',
  });
}

describe('requestJobDeletion', () => {
  it('releases a keep-running job: record gone, savepoints and history kept', async () => {
    const keep = job({ deletionPolicy: 'keep-running' });
    await seed(b, keep, keep);
    await withSavepoint();
    expect(await requestJobDeletion(b.store, NAME, { actor: 'alice' })).toEqual({
      action: 'released',
    });
    expect(await b.store.getJob(NAME)).toBeUndefined();
    expect((await b.store.listSavepoints(NAME)).items).toHaveLength(1);
    expect((await b.store.listHistory(NAME)).items.length).toBeGreaterThan(0);
  });

  it('by default, makes the desired state suspended and keeps everything', async () => {
    const v1 = job();
    const before = await seed(b, v1, v1);
    await withSavepoint();
    const outcome = await requestJobDeletion(b.store, NAME, {
      actor: 'alice',
      expectedGeneration: before.generation,
    });
    expect(outcome).toEqual({ action: 'suspending', generation: before.generation + 1 });
    const record = await b.get();
    expect(flinkJobSchema.parse(record.spec).spec.state).toBe('suspended');
    expect(record.status.jobId).toBe(JOB_ID);
    expect(record.recentHistory.at(-1)).toMatchObject({
      actor: 'alice',
      details: { deletion: 'suspend-with-savepoint' },
    });
    expect((await b.store.listSavepoints(NAME)).items).toHaveLength(1);
  });

  it('refuses a stale generation with a ConflictError, changing nothing', async () => {
    const v1 = job();
    const before = await seed(b, v1, v1);
    const error: unknown = await requestJobDeletion(b.store, NAME, {
      actor: 'alice',
      expectedGeneration: before.generation + 5,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).remedy).toMatch(/current generation/);
    expect((await b.get()).version).toBe(before.version);
  });

  it('refuses an unknown job with a NotFoundError', async () => {
    await expect(requestJobDeletion(b.store, 'ghost', { actor: 'alice' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('purgeJob', () => {
  it('removes a SUSPENDED deleted job, keeping savepoints and history', async () => {
    const suspended = job({ state: 'suspended' });
    await seed(b, suspended, job(), { phase: 'SUSPENDED' });
    await withSavepoint();
    await expect(
      purgeJob(b.store, NAME, { actor: 'alice', expectedGeneration: 9 }),
    ).rejects.toBeInstanceOf(ConflictError);
    await purgeJob(b.store, NAME, { actor: 'alice', expectedGeneration: 1 });
    expect(await b.store.getJob(NAME)).toBeUndefined();
    expect((await b.store.listSavepoints(NAME)).items).toHaveLength(1);
    expect((await b.store.listHistory(NAME)).items[0]).toMatchObject({
      actor: 'alice',
      action: 'job.purged',
    });
    await expect(purgeJob(b.store, NAME, { actor: 'alice' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a job that runs, is being suspended, or rests with an operation in flight', async () => {
    const v1 = job();
    await seed(b, v1, v1);
    await expect(purgeJob(b.store, NAME, { actor: 'alice' })).rejects.toThrow(
      /cannot be purged: it is STABLE and its desired state is running/,
    );
    await requestJobDeletion(b.store, NAME, { actor: 'alice' });
    await expect(purgeJob(b.store, NAME, { actor: 'alice' })).rejects.toThrow(
      /desired state is suspended/,
    );
    expect(await b.store.getJob(NAME)).toBeDefined();
  });
});
