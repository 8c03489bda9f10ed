/**
 * Per-team quotas through the API: configured with the team directory, enforced by the one core
 * check at PUT and at the actions, with an error naming the team, the limit and the usage; a
 * change that does not grow the team's usage always passes.
 */
import { describe, expect, it } from 'vitest';
import { StaticTeamDirectory } from '../../../functions/api/team-directory.js';
import { DIRECTORY, expectError, jobDoc, useApiHarness } from './harness.js';

const h = useApiHarness({
  teams: new StaticTeamDirectory({
    ...DIRECTORY,
    quotas: { payments: { maxJobs: 2, maxParallelism: 4 } },
  }),
});

const put = (name: string, team: string, spec: Record<string, unknown> = {}) =>
  h.call('PUT', `/v1/jobs/${name}`, {
    as: team === 'payments' ? 'alice' : 'bob',
    body: jobDoc(name, team, spec),
  });

describe('per-team quotas at the API', () => {
  it('refuses the job beyond maxJobs and the parallelism beyond maxParallelism, naming both', async () => {
    expect((await put('orders', 'payments', { parallelism: 2 })).status).toBe(201);
    expect((await put('refunds', 'payments', { parallelism: 1 })).status).toBe(201);

    const before = await h.snapshot();
    const third = await put('ledger', 'payments');
    const error = expectError(third, 400, 'QUOTA_EXCEEDED');
    expect(error.issues).toEqual([
      {
        path: 'metadata.name',
        message: 'team "payments" may have at most 2 jobs (maxJobs); it has 2, this would make 3',
      },
    ]);
    expect(error.remedy).toMatch(/raise the quota/);
    expect(await h.snapshot()).toBe(before);

    const grow = await put('refunds', 'payments', { parallelism: 3 });
    expect(expectError(grow, 400, 'QUOTA_EXCEEDED').issues).toEqual([
      {
        path: 'spec.parallelism',
        message:
          'team "payments" may run at most 4 parallel tasks in total (maxParallelism); its running jobs use 3, this would make 5',
      },
    ]);
    // Within the quota, and shrinking, pass.
    expect((await put('refunds', 'payments', { parallelism: 2 })).status).toBe(200);
    expect((await put('orders', 'payments', { parallelism: 1 })).status).toBe(200);
  });

  it('counts a suspended job as a job but not its parallelism; resuming is checked too', async () => {
    // payments: orders (1) + refunds (2) = 3 of 4.
    expect((await put('orders', 'payments', { parallelism: 2, state: 'suspended' })).status).toBe(
      200,
    );
    expect((await put('refunds', 'payments', { parallelism: 4 })).status).toBe(200);
    const resume = await h.call('POST', '/v1/jobs/orders/actions/resume', { as: 'alice' });
    expect(expectError(resume, 400, 'QUOTA_EXCEEDED').issues?.[0]?.message).toContain(
      'its running jobs use 4, this would make 6',
    );
  });

  it('leaves teams without a quota alone', async () => {
    for (const name of ['s1', 's2', 's3'])
      expect((await put(name, 'search', { parallelism: 100 })).status).toBe(201);
  });

  it('fjc plan (POST /v1/plan) shows the refusal before anything is written', async () => {
    const before = await h.snapshot();
    const plan = await h.call('POST', '/v1/plan', {
      as: 'alice',
      body: [jobDoc('ledger', 'payments')],
    });
    expect(expectError(plan, 400, 'QUOTA_EXCEEDED').issues).toContainEqual({
      path: 'documents[0].metadata.name',
      message: 'team "payments" may have at most 2 jobs (maxJobs); it has 2, this would make 3',
    });
    expect(await h.snapshot()).toBe(before);
  });
});

describe('GET /v1/whoami', () => {
  it('tells the caller its principal, admin flag, teams and their quotas', async () => {
    const alice = await h.call('GET', '/v1/whoami', { as: 'alice' });
    expect(alice.status).toBe(200);
    expect(alice.json).toEqual({
      principal: 'arn:aws:sts::111122223333:assumed-role/payments-dev/alice',
      admin: false,
      teams: ['payments'],
      quotas: { payments: { maxJobs: 2, maxParallelism: 4 } },
    });
    expect((await h.call('GET', '/v1/whoami', { as: 'bob' })).json).toMatchObject({
      teams: ['search'],
      quotas: {},
    });
    expect((await h.call('GET', '/v1/whoami', { as: 'root' })).json).toMatchObject({
      admin: true,
      quotas: { payments: { maxJobs: 2, maxParallelism: 4 } },
    });
    expect((await h.call('GET', '/v1/whoami', { as: 'nobody' })).json).toMatchObject({
      admin: false,
      teams: [],
    });
    expectError(await h.call('GET', '/v1/whoami', { as: 'anonymous' }), 401);
  });
});
