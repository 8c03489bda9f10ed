/**
 * The restore action's decision without a store: what it writes for a running and a suspended job,
 * and that a refusal names the field while a store fault passes through unchanged.
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../functions/commons/errors.js';
import type { JobRecord } from '../../../../functions/core/model/index.js';
import { decideRestore } from '../../../../functions/core/restore-request.js';
import { job, snapshot } from '../plan/fixtures.js';

const ID = '20261126T115800000Z-a';
const record = (status: Partial<JobRecord['status']> = {}) =>
  ({ name: 'counter', status: { phase: 'SUSPENDED', attempt: 1, ...status } }) as Pick<
    JobRecord,
    'name' | 'status'
  >;
const none = { getSavepoint: () => Promise.resolve(undefined) };

describe('decideRestore', () => {
  it('keeps the state unless resume is asked, with a nonce past the applied one', async () => {
    const suspended = job({ state: 'suspended' });
    const applied = record({
      lastApplied: snapshot(job({ restore: { from: { path: '/sp/a', nonce: 4 } } })),
    });
    const waits = await decideRestore(none, applied, suspended, {
      choice: { path: '/sp/b' },
      resume: false,
    });
    expect(waits.takesEffect).toBe('on-resume');
    expect(waits.spec.spec).toMatchObject({
      state: 'suspended',
      restore: { from: { path: '/sp/b', nonce: 5 } },
    });
    const now = await decideRestore(none, applied, suspended, {
      choice: { path: '/sp/b' },
      resume: true,
    });
    expect(now).toMatchObject({ takesEffect: 'now', spec: { spec: { state: 'running' } } });
    expect(
      (await decideRestore(none, record(), job(), { choice: { path: '/sp/b' }, resume: false }))
        .takesEffect,
    ).toBe('now');
  });

  it('names the field in a refusal and lets a store fault through as it is', async () => {
    const refused = decideRestore(none, record(), job(), {
      choice: { savepointId: ID },
      resume: true,
    });
    await expect(refused).rejects.toBeInstanceOf(NotFoundError);
    await expect(refused).rejects.toThrow(/^savepointId: Savepoint .* does not exist/);
    const fault = new Error('table unreachable');
    const broken = { getSavepoint: () => Promise.reject(fault) };
    await expect(
      decideRestore(broken, record(), job(), { choice: { savepointId: ID }, resume: false }),
    ).rejects.toBe(fault);
  });
});
