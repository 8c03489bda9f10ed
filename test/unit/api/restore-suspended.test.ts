/**
 * The restore action on a SUSPENDED job (real HTTP, dynalite): the choice is recorded and the job
 * stays suspended until it is resumed, or, with `resume: true`, resumes from it in the same write.
 * The catalog is checked before anything is written, with the rule of every other change.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { actionResultSchema, jobViewSchema } from '../../../functions/api/schemas.js';
import type { SavepointRecord } from '../../../functions/core/model/index.js';
import { expectError, expectShape, jobDoc, useApiHarness } from './harness.js';

const h = useApiHarness();

async function catalogued(
  jobName: string,
  suffix: string,
  status: 'COMPLETED' | 'FAILED' = 'COMPLETED',
): Promise<SavepointRecord> {
  return h.store.addSavepoint({
    jobName,
    generation: 1,
    flinkJobId: 'b'.repeat(32),
    triggerKind: 'periodic',
    status,
    path: `s3://sp/${jobName}/${suffix}`,
    idSuffix: suffix,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, suffix.length)),
  });
}

const desired = async (name: string) =>
  expectShape(jobViewSchema, (await h.call('GET', `/v1/jobs/${name}`)).json);

beforeAll(async () => {
  for (const name of ['paused', 'resumed', 'guarded', 'running'])
    expect((await h.call('PUT', `/v1/jobs/${name}`, { body: jobDoc(name) })).status).toBe(201);
  for (const name of ['paused', 'resumed', 'guarded'])
    expect((await h.call('POST', `/v1/jobs/${name}/actions/suspend`)).status).toBe(202);
});

describe('POST /v1/jobs/{name}/actions/restore on a suspended job', () => {
  it('records the choice; the job stays suspended and restores from it when resumed', async () => {
    const sp = await catalogued('paused', 'chosen');
    const before = await desired('paused');
    const reply = await h.call('POST', '/v1/jobs/paused/actions/restore', {
      as: 'alice',
      body: { savepointId: sp.id, reason: 'bad data since Tuesday' },
    });
    expect(reply.status, reply.text).toBe(202);
    expect(expectShape(actionResultSchema, reply.json)).toMatchObject({
      action: 'restore',
      changed: true,
      takesEffect: 'on-resume',
      generation: before.generation + 1,
    });
    const after = await desired('paused');
    expect(after.spec.spec.state).toBe('suspended');
    expect(after.spec.spec.restore.from).toEqual({ savepointId: sp.id, nonce: 1 });
    // A plain resume afterwards starts from it: the spec keeps the choice and its nonce.
    expect((await h.call('POST', '/v1/jobs/paused/actions/resume')).status).toBe(202);
    const resumed = await desired('paused');
    expect(resumed.spec.spec).toMatchObject({
      state: 'running',
      restore: { from: { savepointId: sp.id, nonce: 1 } },
    });
  });

  it('with resume: true also sets the job running, in one write', async () => {
    const before = await desired('resumed');
    const reply = await h.call('POST', '/v1/jobs/resumed/actions/restore', {
      body: { path: 's3://elsewhere/sp-7', resume: true },
    });
    expect(reply.status, reply.text).toBe(202);
    expect(expectShape(actionResultSchema, reply.json)).toMatchObject({
      takesEffect: 'now',
      generation: before.generation + 1,
    });
    const after = await desired('resumed');
    expect(after.spec.spec).toMatchObject({
      state: 'running',
      restore: { from: { path: 's3://elsewhere/sp-7', nonce: 1 } },
    });
    // One change, one history entry, naming the action.
    const history = (await h.store.getJob('resumed'))?.recentHistory ?? [];
    const restores = history.filter((e) => e.details?.action === 'restore');
    expect(restores).toHaveLength(1);
    expect(restores[0]).toMatchObject({
      action: 'desired.updated',
      details: { via: 'api', resume: true },
    });
  });

  it('checks the catalog before anything is written, naming the field', async () => {
    const failed = await catalogued('guarded', 'failed', 'FAILED');
    const leaving = await catalogued('guarded', 'leaving');
    await h.store.requestSavepointDeletion('guarded', leaving.id);
    const others = await catalogued('resumed', 'others');
    const table = await h.snapshot();
    const refusals: [string, number, RegExp][] = [
      ['20200101T000000000Z-nope', 404, /does not exist/],
      [others.id, 404, /does not exist/],
      [failed.id, 409, /it is FAILED/],
      [leaving.id, 409, /its deletion was asked for/],
    ];
    for (const [savepointId, status, reason] of refusals) {
      const error = expectError(
        await h.call('POST', '/v1/jobs/guarded/actions/restore', {
          body: { savepointId, resume: true },
        }),
        status,
      );
      expect(error.message).toMatch(/^savepointId: Savepoint /);
      expect(error.message).toMatch(reason);
    }
    // Same authorization as every change: another team's member sees no such job.
    expectError(
      await h.call('POST', '/v1/jobs/guarded/actions/restore', {
        as: 'bob',
        body: { path: 's3://elsewhere/x', resume: true },
      }),
      404,
    );
    expect(await h.snapshot()).toBe(table);
    expect((await desired('guarded')).spec.spec.state).toBe('suspended');
  });

  it('takes resume only on restore, as a boolean', async () => {
    const misplaced = expectError(
      await h.call('POST', '/v1/jobs/running/actions/savepoint', { body: { resume: true } }),
      400,
    );
    expect(misplaced.issues?.[0]?.path).toBe('resume');
    const wrong = expectError(
      await h.call('POST', '/v1/jobs/running/actions/restore', {
        body: { path: 's3://a/b', resume: 'yes' },
      }),
      400,
    );
    expect(wrong.issues?.[0]?.path).toBe('resume');
  });

  it('restores a running job now, with or without resume', async () => {
    const reply = await h.call('POST', '/v1/jobs/running/actions/restore', {
      body: { path: 's3://elsewhere/sp-1' },
    });
    expect(expectShape(actionResultSchema, reply.json).takesEffect).toBe('now');
    const again = await h.call('POST', '/v1/jobs/running/actions/restore', {
      body: { path: 's3://elsewhere/sp-1', resume: true },
    });
    expect(expectShape(actionResultSchema, again.json)).toMatchObject({ takesEffect: 'now' });
    expect((await desired('running')).spec.spec.restore.from?.nonce).toBe(2);
  });
});
