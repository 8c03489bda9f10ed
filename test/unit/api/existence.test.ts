/**
 * Existence is not leaked: to a caller outside its team, another team's job is answered on every
 * job route exactly as a job that does not exist: same status, same body (but for the name and
 * the correlation id), nothing written. Admins see everything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, jobDoc, useApiHarness } from './harness.js';

const h = useApiHarness();

beforeAll(async () => {
  const put = await h.call('PUT', '/v1/jobs/secret-payments-job', {
    as: 'alice',
    body: jobDoc('secret-payments-job', 'payments'),
  });
  expect(put.status, put.text).toBe(201);
});

interface Probe {
  route: string;
  request: (name: string) => { method: string; path: string; body?: unknown[] };
}

const PROBES: Probe[] = [
  { route: 'get', request: (n) => ({ method: 'GET', path: `/v1/jobs/${n}` }) },
  { route: 'delete', request: (n) => ({ method: 'DELETE', path: `/v1/jobs/${n}` }) },
  { route: 'history', request: (n) => ({ method: 'GET', path: `/v1/jobs/${n}/history` }) },
  { route: 'savepoints', request: (n) => ({ method: 'GET', path: `/v1/jobs/${n}/savepoints` }) },
  ...['savepoint', 'suspend', 'resume', 'rollback', 'redeploy'].map((action) => ({
    route: `action ${action}`,
    request: (n: string) => ({ method: 'POST', path: `/v1/jobs/${n}/actions/${action}` }),
  })),
];

/** The error body with the job's name and the correlation id taken out. */
function comparable(json: unknown, name: string): string {
  const error = { ...(json as { error: Record<string, unknown> }).error, correlationId: '<id>' };
  return JSON.stringify(error).replaceAll(name, '<name>');
}

describe("another team's job is answered as a missing one", () => {
  it.each(PROBES)('$route', async ({ request }) => {
    const before = await h.snapshot();
    const hidden = request('secret-payments-job');
    const missing = request('no-such-job-here');
    const replyHidden = await h.call(hidden.method, hidden.path, { as: 'bob' });
    const replyMissing = await h.call(missing.method, missing.path, { as: 'bob' });
    expectError(replyHidden, 404, 'NOT_FOUND');
    expect(replyHidden.status).toBe(replyMissing.status);
    expect(comparable(replyHidden.json, 'secret-payments-job')).toBe(
      comparable(replyMissing.json, 'no-such-job-here'),
    );
    // Not a word about the owner.
    expect(replyHidden.text).not.toMatch(/payments\b(?!-job)/);
    expect(await h.snapshot()).toBe(before);
  });

  it('PUT of a job of the caller team under a name another team uses: 404 like GET of a missing job', async () => {
    const before = await h.snapshot();
    const put = await h.call('PUT', '/v1/jobs/secret-payments-job', {
      as: 'bob',
      body: jobDoc('secret-payments-job', 'search'),
    });
    const get = await h.call('GET', '/v1/jobs/secret-payments-job-2', { as: 'bob' });
    expectError(put, 404, 'NOT_FOUND');
    expect(comparable(put.json, 'secret-payments-job')).toBe(
      comparable(get.json, 'secret-payments-job-2'),
    );
    expect(await h.snapshot()).toBe(before);
  });

  it('PUT naming a team the caller is not in: 403, whether or not the job exists', async () => {
    const existing = await h.call('PUT', '/v1/jobs/secret-payments-job', {
      as: 'bob',
      body: jobDoc('secret-payments-job', 'payments', { parallelism: 7 }),
    });
    const fresh = await h.call('PUT', '/v1/jobs/fresh-job', {
      as: 'bob',
      body: jobDoc('fresh-job', 'payments'),
    });
    expectError(existing, 403, 'FORBIDDEN');
    expect(comparable(existing.json, 'secret-payments-job')).toBe(
      comparable(fresh.json, 'fresh-job'),
    );
  });

  it('a plan naming the job: 404 like GET of a missing job', async () => {
    const plan = await h.call('POST', '/v1/plan', {
      as: 'bob',
      body: [jobDoc('secret-payments-job', 'search')],
    });
    const get = await h.call('GET', '/v1/jobs/no-such-job-here', { as: 'bob' });
    expectError(plan, 404, 'NOT_FOUND');
    expect(comparable(plan.json, 'secret-payments-job')).toBe(
      comparable(get.json, 'no-such-job-here'),
    );
  });

  it('the list shows only the caller teams; admins and the owner see the job', async () => {
    const listed = await h.call('GET', '/v1/jobs', { as: 'bob' });
    expect(listed.text).not.toContain('secret-payments-job');
    expect((await h.call('GET', '/v1/jobs/secret-payments-job', { as: 'root' })).status).toBe(200);
    expect((await h.call('GET', '/v1/jobs/secret-payments-job', { as: 'alice' })).status).toBe(200);
  });
});
