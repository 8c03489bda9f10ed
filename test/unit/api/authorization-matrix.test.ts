/**
 * The authorization matrix: each role × each endpoint → the expected status, through real HTTP.
 * Denials leave the table untouched, and every decision (allow and deny) leaves an audit line. A
 * job outside the caller's teams is answered 404, as if it did not exist.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { specHash } from '../../../functions/core/change/index.js';
import { encodeSpecDocument, flinkJobSchema } from '../../../functions/core/spec/index.js';
import { clusterDoc, jobDoc, useApiHarness, type Role } from './harness.js';

const h = useApiHarness({ cluster: false });
let counter = 0;

async function seedJob(team = 'payments'): Promise<string> {
  const name = `job-${++counter}`;
  const job = flinkJobSchema.parse(jobDoc(name, team));
  await h.store.putDesired(
    { name, team, clusterRef: 'eu-1', spec: encodeSpecDocument(job), specHash: specHash(job) },
    { actor: 'seed' },
  );
  return name;
}

beforeAll(async () => {
  await h.store.putCluster({
    name: 'eu-1',
    spec: clusterDoc(),
  });
});

type Expect = Record<Role, number>;
interface Case {
  name: string;
  request: (job: string) => {
    method: string;
    path: string;
    body?: Record<string, unknown> | unknown[];
  };
  expected: Expect;
}

const owner = (ok: number): Expect => ({
  alice: ok,
  bob: 403,
  root: ok,
  nobody: 403,
  anonymous: 401,
});
/** A route about one stored job: outside its team, the job is not there at all (404, as missing). */
const jobOwner = (ok: number): Expect => ({ ...owner(ok), bob: 404, nobody: 404 });
const anyone = (ok: number): Expect => ({
  alice: ok,
  bob: ok,
  root: ok,
  nobody: ok,
  anonymous: 401,
});

const CASES: Case[] = [
  {
    name: 'list jobs',
    request: () => ({ method: 'GET', path: '/v1/jobs' }),
    expected: { ...anyone(200), nobody: 403 },
  },
  {
    name: 'list jobs of a team',
    request: () => ({ method: 'GET', path: '/v1/jobs?team=payments' }),
    expected: owner(200),
  },
  {
    name: 'get job',
    request: (j) => ({ method: 'GET', path: `/v1/jobs/${j}` }),
    expected: jobOwner(200),
  },
  {
    name: 'change job',
    request: (j) => ({
      method: 'PUT',
      path: `/v1/jobs/${j}`,
      body: jobDoc(j, 'payments', { parallelism: 2 }),
    }),
    expected: owner(200),
  },
  {
    name: 'create job',
    request: (j) => ({ method: 'PUT', path: `/v1/jobs/${j}-new`, body: jobDoc(`${j}-new`) }),
    expected: owner(201),
  },
  {
    name: 'hand job to another team',
    request: (j) => ({ method: 'PUT', path: `/v1/jobs/${j}`, body: jobDoc(j, 'search') }),
    // bob may write search jobs, but may not see this payments job: not found. alice sees it
    // and may not hand it to search; nobody is refused for the team it names, job or no job.
    expected: { ...jobOwner(200), alice: 403, nobody: 403 },
  },
  {
    name: 'delete job',
    request: (j) => ({ method: 'DELETE', path: `/v1/jobs/${j}` }),
    expected: jobOwner(202),
  },
  {
    name: 'purge job',
    // Decided before the job's state is looked at: owners learn it still runs (409), others
    // learn nothing.
    request: (j) => ({ method: 'DELETE', path: `/v1/jobs/${j}?purge=true` }),
    expected: jobOwner(409),
  },
  {
    name: 'job action',
    request: (j) => ({ method: 'POST', path: `/v1/jobs/${j}/actions/suspend` }),
    expected: jobOwner(202),
  },
  {
    name: 'job history',
    request: (j) => ({ method: 'GET', path: `/v1/jobs/${j}/history` }),
    expected: jobOwner(200),
  },
  {
    name: 'job savepoints',
    request: (j) => ({ method: 'GET', path: `/v1/jobs/${j}/savepoints` }),
    expected: jobOwner(200),
  },
  {
    name: 'plan over a stored job',
    request: (j) => ({
      method: 'POST',
      path: '/v1/plan',
      body: [jobDoc(j, 'payments', { parallelism: 4 })],
    }),
    expected: jobOwner(200),
  },
  {
    name: 'list clusters',
    request: () => ({ method: 'GET', path: '/v1/clusters' }),
    expected: anyone(200),
  },
  {
    name: 'get cluster',
    request: () => ({ method: 'GET', path: '/v1/clusters/eu-1' }),
    expected: anyone(200),
  },
  {
    name: 'put cluster',
    request: () => ({
      method: 'PUT',
      path: '/v1/clusters/eu-2',
      body: clusterDoc('eu-2'),
    }),
    expected: { alice: 403, bob: 403, root: 201, nobody: 403, anonymous: 401 },
  },
  {
    // Admins only; this harness wires no prober, so an admin learns that it cannot run here.
    name: 'probe clusters',
    request: () => ({ method: 'POST', path: '/v1/clusters/probe?clusters=eu-1' }),
    expected: { alice: 403, bob: 403, root: 503, nobody: 403, anonymous: 401 },
  },
  {
    name: 'openapi',
    request: () => ({ method: 'GET', path: '/v1/openapi.json' }),
    expected: anyone(200),
  },
];

const ROLES: Role[] = ['alice', 'bob', 'root', 'nobody', 'anonymous'];

describe('authorization matrix', () => {
  const rows = CASES.flatMap((c) =>
    ROLES.map((role) => ({ ...c, role, status: c.expected[role] })),
  );
  it.each(rows)('$name as $role → $status', async ({ request, role, status }) => {
    const job = await seedJob();
    const { method, path, body } = request(job);
    const before = await h.snapshot();
    const reply = await h.call(method, path, { as: role, ...(body === undefined ? {} : { body }) });
    expect(reply.status, reply.text).toBe(status);
    if (status >= 400) expect(await h.snapshot()).toBe(before);
    const correlationId = reply.headers.get('x-correlation-id');
    const decisions = h.logger.lines.filter(
      (l) => l.message === 'authorization' && l.attributes.correlationId === correlationId,
    );
    const denied = status === 403 || status === 404;
    if (role === 'anonymous' || path === '/v1/openapi.json') expect(decisions).toEqual([]);
    else {
      expect(decisions.length).toBeGreaterThan(0);
      expect(decisions.some((d) => d.attributes.allowed === !denied)).toBe(true);
      // A job answered as not found was seen and refused: the audit line says so.
      if (denied) expect(decisions.at(-1)?.attributes.allowed).toBe(false);
    }
  });
});
