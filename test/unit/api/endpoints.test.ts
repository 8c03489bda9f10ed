/**
 * Every endpoint through real HTTP (local server, dynalite), with responses held to the zod
 * response schemas the OpenAPI document is generated from.
 */
import { describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../../functions/api/routes/index.js';
import {
  actionResultSchema,
  clusterListSchema,
  clusterPutResultSchema,
  clusterViewSchema,
  deletionResultSchema,
  historyListSchema,
  jobListSchema,
  jobPutResultSchema,
  jobViewSchema,
  openApiDocumentSchema,
  planResultSchema,
  savepointListSchema,
} from '../../../functions/api/schemas.js';
import { specHash } from '../../../functions/core/change/index.js';
import { flinkJobSchema } from '../../../functions/core/spec/index.js';
import { clusterDoc, expectError, expectShape, jobDoc, useApiHarness } from './harness.js';

const h = useApiHarness();

describe('PUT /v1/jobs/{name}', () => {
  it('creates (201 + ETag), updates (200, new generation) and keeps an unchanged re-put (200)', async () => {
    const created = await h.call('PUT', '/v1/jobs/orders', { body: jobDoc('orders') });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const body = expectShape(jobPutResultSchema, created.json);
    expect(body).toMatchObject({ name: 'orders', team: 'payments', generation: 1, created: true });
    expect(created.headers.get('x-correlation-id')).toBeTruthy();

    const again = await h.call('PUT', '/v1/jobs/orders', { body: jobDoc('orders') });
    expect(again.status).toBe(200);
    expect(expectShape(jobPutResultSchema, again.json)).toMatchObject({
      generation: 1,
      created: false,
      changed: false,
    });

    const updated = await h.call('PUT', '/v1/jobs/orders', {
      body: jobDoc('orders', 'payments', { parallelism: 3 }),
      headers: { 'if-match': '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe('"2"');
    expect(expectShape(jobPutResultSchema, updated.json)).toMatchObject({
      generation: 2,
      changed: true,
    });
  });

  it('accepts YAML with application/yaml', async () => {
    const yaml = `apiVersion: fjc.dev/v1
kind: FlinkJob
metadata:
  name: yaml-job
spec:
  team: payments
  clusterRef: eu-1
  artifact:
    uri: s3://fjc-artifacts/app/app-1.0.jar
`;
    const reply = await h.call('PUT', '/v1/jobs/yaml-job', {
      body: yaml,
      contentType: 'application/yaml; charset=utf-8',
    });
    expect(reply.status, reply.text).toBe(201);
  });

  it('lists every field error with its path (400)', async () => {
    const reply = await h.call('PUT', '/v1/jobs/orders', {
      body: jobDoc('orders', 'Payments!', { parallelism: 0, bogus: 1, state: 'paused' }),
    });
    const error = expectError(reply, 400, 'VALIDATION_FAILED');
    expect(error.issues?.map((i) => i.path).sort()).toEqual(
      ['spec.bogus', 'spec.parallelism', 'spec.state', 'spec.team'].sort(),
    );
  });

  it('refuses a name that differs from the path, another kind, and an unknown cluster', async () => {
    expect(
      expectError(await h.call('PUT', '/v1/jobs/orders', { body: jobDoc('other') }), 400).issues,
    ).toEqual([{ path: 'metadata.name', message: expect.stringContaining('orders') as string }]);
    expect(
      expectError(await h.call('PUT', '/v1/jobs/eu-1', { body: clusterDoc('eu-1') }), 400).issues,
    ).toEqual([{ path: 'kind', message: 'must be FlinkJob at this path' }]);
    const missing = await h.call('PUT', '/v1/jobs/nowhere', {
      body: jobDoc('nowhere', 'payments', { clusterRef: 'us-9' }),
    });
    expect(expectError(missing, 400).issues?.[0]?.path).toBe('spec.clusterRef');
    expect((await h.call('GET', '/v1/jobs/nowhere')).status).toBe(404);
  });

  it('honours If-None-Match: * (create only) and If-Match (412 when stale)', async () => {
    const first = await h.call('PUT', '/v1/jobs/once', {
      body: jobDoc('once'),
      headers: { 'if-none-match': '*' },
    });
    expect(first.status).toBe(201);
    const second = await h.call('PUT', '/v1/jobs/once', {
      body: jobDoc('once'),
      headers: { 'if-none-match': '*' },
    });
    expectError(second, 412, 'PRECONDITION_FAILED');
    const stale = await h.call('PUT', '/v1/jobs/once', {
      body: jobDoc('once', 'payments', { parallelism: 2 }),
      headers: { 'if-match': '"7"' },
    });
    expectError(stale, 412, 'PRECONDITION_FAILED');
    expectError(
      await h.call('PUT', '/v1/jobs/once', { body: jobDoc('once'), headers: { 'if-match': '7' } }),
      400,
    );
    expectError(
      await h.call('PUT', '/v1/jobs/never', {
        body: jobDoc('never'),
        headers: { 'if-match': '*' },
      }),
      412,
    );
  });
});

describe('GET /v1/jobs and /v1/jobs/{name}', () => {
  it('reads a job with its stored spec and ETag', async () => {
    const reply = await h.call('GET', '/v1/jobs/orders', { as: 'alice' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('etag')).toBe('"2"');
    const job = expectShape(jobViewSchema, reply.json);
    expect(job.spec.spec.parallelism).toBe(3);
    expect(job.status.phase).toBe('PENDING');
    expect(job.specHash).toBe(
      specHash(flinkJobSchema.parse(jobDoc('orders', 'payments', { parallelism: 3 }))),
    );
  });

  it('lists from the listing projection, never reading whole records', async () => {
    const whole = [
      vi.spyOn(h.store, 'listJobs'),
      vi.spyOn(h.store, 'listJobsByTeam'),
      vi.spyOn(h.store, 'listJobsByCluster'),
    ];
    const lean = vi.spyOn(h.store, 'listJobListings');
    for (const [path, as] of [
      ['/v1/jobs', undefined],
      ['/v1/jobs', 'alice'],
      ['/v1/jobs?team=payments', 'alice'],
      ['/v1/jobs?cluster=eu-1', 'bob'],
      ['/v1/jobs?cluster=eu-1', undefined],
    ] as const) {
      const reply = await h.call('GET', path, as === undefined ? {} : { as });
      expect(reply.status).toBe(200);
      expectShape(jobListSchema, reply.json);
    }
    expect(lean).toHaveBeenCalledTimes(5);
    for (const spy of whole) expect(spy).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('lists with summaries, filters and cursors', async () => {
    await h.call('PUT', '/v1/jobs/search-a', { body: jobDoc('search-a', 'search') });
    const all = expectShape(jobListSchema, (await h.call('GET', '/v1/jobs')).json);
    expect(all.items.map((j) => j.name)).toEqual(
      expect.arrayContaining(['orders', 'once', 'yaml-job', 'search-a']),
    );
    const mine = expectShape(
      jobListSchema,
      (await h.call('GET', '/v1/jobs', { as: 'alice' })).json,
    );
    expect(mine.items.every((j) => j.team === 'payments')).toBe(true);
    expect(mine.items.length).toBe(3);

    const byTeam = expectShape(
      jobListSchema,
      (await h.call('GET', '/v1/jobs?team=search&cluster=eu-1', { as: 'bob' })).json,
    );
    expect(byTeam.items.map((j) => j.name)).toEqual(['search-a']);
    const byCluster = expectShape(
      jobListSchema,
      (await h.call('GET', '/v1/jobs?cluster=eu-1', { as: 'bob' })).json,
    );
    expect(byCluster.items.map((j) => j.name)).toEqual(['search-a']);
    const adminByCluster = expectShape(
      jobListSchema,
      (await h.call('GET', '/v1/jobs?cluster=eu-1')).json,
    );
    expect(adminByCluster.items).toHaveLength(4);

    // Paging one by one through alice's teams yields every job exactly once.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = expectShape(
        jobListSchema,
        (
          await h.call(
            'GET',
            `/v1/jobs?limit=1${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
            { as: 'alice' },
          )
        ).json,
      );
      seen.push(...page.items.map((j) => j.name));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual(['once', 'orders', 'yaml-job']);
    expectError(await h.call('GET', '/v1/jobs?cursor=garbage', { as: 'alice' }), 400);
    expectError(await h.call('GET', '/v1/jobs?cursor=garbage'), 400);
  });

  it('refuses bad queries with every problem', async () => {
    const reply = await h.call('GET', '/v1/jobs?limit=0&team=BAD&extra=1&cluster=a&cluster=b');
    const issues = expectError(reply, 400)
      .issues?.map((i) => i.path)
      .sort();
    expect(issues).toEqual(['query.cluster', 'query.extra', 'query.limit', 'query.team']);
  });
});

describe('actions', () => {
  it('savepoint and redeploy bump nonces; suspend/resume set the state; each a new generation', async () => {
    const savepoint = await h.call('POST', '/v1/jobs/orders/actions/savepoint', {
      body: { reason: 'before the migration' },
    });
    expect(savepoint.status, savepoint.text).toBe(202);
    expect(expectShape(actionResultSchema, savepoint.json)).toMatchObject({
      action: 'savepoint',
      generation: 3,
      changed: true,
    });
    const redeploy = await h.call('POST', '/v1/jobs/orders/actions/redeploy');
    expect(expectShape(actionResultSchema, redeploy.json).generation).toBe(4);
    const job = expectShape(jobViewSchema, (await h.call('GET', '/v1/jobs/orders')).json);
    expect(job.spec.spec.savepointNonce).toBe(1);
    expect(job.spec.spec.restartNonce).toBe(1);

    expect((await h.call('POST', '/v1/jobs/orders/actions/suspend')).status).toBe(202);
    const again = await h.call('POST', '/v1/jobs/orders/actions/suspend');
    expect(expectShape(actionResultSchema, again.json).changed).toBe(false);
    expectError(await h.call('POST', '/v1/jobs/orders/actions/savepoint'), 409, 'CONFLICT');
    expectError(await h.call('POST', '/v1/jobs/orders/actions/redeploy'), 409, 'CONFLICT');
    expect((await h.call('POST', '/v1/jobs/orders/actions/resume')).status).toBe(202);
    const resumed = expectShape(jobViewSchema, (await h.call('GET', '/v1/jobs/orders')).json);
    expect(resumed.spec.spec.state).toBe('running');
  });

  it('rollback re-applies the last stable spec, 409 without one', async () => {
    expectError(await h.call('POST', '/v1/jobs/once/actions/rollback'), 409, 'CONFLICT');
    const stable = flinkJobSchema.parse(jobDoc('once'));
    const record = await h.store.getJob('once');
    if (!record) throw new Error('seeded job missing');
    await h.store.putDesired(
      {
        name: 'once',
        team: 'payments',
        clusterRef: 'eu-1',
        spec: jobDoc('once', 'payments', { parallelism: 8 }),
        specHash: specHash(flinkJobSchema.parse(jobDoc('once', 'payments', { parallelism: 8 }))),
      },
      { actor: 'test' },
    );
    // The controller marks what was stable; here the first spec, before the bad parallelism.
    const fresh = await h.store.getJob('once');
    await h.store.transition(
      'once',
      fresh?.version ?? 0,
      {
        lastStable: {
          spec: record.spec,
          specHash: specHash(stable),
          generation: record.generation,
        },
      },
      { actor: 'test', action: 'stable' },
    );
    const rollback = await h.call('POST', '/v1/jobs/once/actions/rollback');
    expect(rollback.status, rollback.text).toBe(202);
    const job = expectShape(jobViewSchema, (await h.call('GET', '/v1/jobs/once')).json);
    expect(job.spec.spec.parallelism).toBe(1);
  });

  it('404 for an unknown action or job; 400 for a bad body', async () => {
    expectError(await h.call('POST', '/v1/jobs/orders/actions/explode'), 404);
    expectError(await h.call('POST', '/v1/jobs/ghost/actions/suspend'), 404);
    expectError(
      await h.call('POST', '/v1/jobs/orders/actions/suspend', { body: { why: 'x' } }),
      400,
    );
  });
});

describe('history and savepoints', () => {
  it('lists the audit trail newest first, with the API as actor', async () => {
    const reply = await h.call('GET', '/v1/jobs/orders/history?limit=2', { as: 'alice' });
    const page = expectShape(historyListSchema, reply.json);
    expect(page.items).toHaveLength(2);
    expect(page.cursor).toBeDefined();
    expect(page.items[0]?.version).toBeGreaterThan(page.items[1]?.version ?? 0);
    expect(page.items[0]?.actor).toBe('arn:aws:iam::111122223333:role/fjc-admin');
    const next = await h.call(
      'GET',
      `/v1/jobs/orders/history?cursor=${encodeURIComponent(page.cursor ?? '')}`,
    );
    expect(expectShape(historyListSchema, next.json).items.length).toBeGreaterThan(0);
  });

  it('lists the savepoint catalog newest first', async () => {
    for (const at of ['2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z'])
      await h.store.addSavepoint({
        jobName: 'orders',
        triggerKind: 'manual',
        generation: 1,
        flinkJobId: 'a'.repeat(32),
        status: 'COMPLETED',
        path: `s3://sp/orders/${at}`,
        createdAt: new Date(at),
      });
    const page = expectShape(
      savepointListSchema,
      (await h.call('GET', '/v1/jobs/orders/savepoints', { as: 'alice' })).json,
    );
    expect(page.items.map((s) => s.path)).toEqual([
      's3://sp/orders/2025-01-02T00:00:00Z',
      's3://sp/orders/2025-01-01T00:00:00Z',
    ]);
  });
});

describe('DELETE /v1/jobs/{name}', () => {
  it('suspends by the default policy (202), honours If-Match, releases keep-running jobs', async () => {
    expectError(
      await h.call('DELETE', '/v1/jobs/yaml-job', { headers: { 'if-match': '"9"' } }),
      412,
    );
    const reply = await h.call('DELETE', '/v1/jobs/yaml-job', { headers: { 'if-match': '"1"' } });
    expect(reply.status).toBe(202);
    expect(expectShape(deletionResultSchema, reply.json)).toEqual({
      name: 'yaml-job',
      action: 'suspending',
      generation: 2,
    });
    await h.call('PUT', '/v1/jobs/loose', {
      body: jobDoc('loose', 'payments', { deletionPolicy: 'keep-running' }),
    });
    const released = await h.call('DELETE', '/v1/jobs/loose', { as: 'alice' });
    expect(expectShape(deletionResultSchema, released.json).action).toBe('released');
    expectError(await h.call('GET', '/v1/jobs/loose'), 404);
    // The trail of a deleted job stays readable, by admins only.
    expect((await h.call('GET', '/v1/jobs/loose/history')).status).toBe(200);
    expectError(await h.call('GET', '/v1/jobs/loose/history', { as: 'alice' }), 404);
  });
});

describe('DELETE /v1/jobs/{name}?purge=true', () => {
  it('removes a deleted job once it is SUSPENDED, keeping its history; refuses before', async () => {
    await h.call('PUT', '/v1/jobs/old', { body: jobDoc('old', 'payments') });
    const early = await h.call('DELETE', '/v1/jobs/old?purge=true', { as: 'alice' });
    expectError(early, 409);
    expect(JSON.stringify(early.json)).toContain('fjc delete NAME --purge');
    expect((await h.call('DELETE', '/v1/jobs/old', { as: 'alice' })).status).toBe(202);
    // Still being suspended (the controller has not acted): not yet.
    expectError(await h.call('DELETE', '/v1/jobs/old?purge=true', { as: 'alice' }), 409);
    const record = await h.store.getJob('old');
    if (!record) throw new Error('no record');
    await h.store.transition(
      'old',
      record.version,
      { phase: 'SUSPENDED' },
      {
        actor: 'fjc:suspend',
        action: 'suspended',
      },
    );
    expectError(await h.call('DELETE', '/v1/jobs/old?purge=maybe', { as: 'alice' }), 400);
    const purged = await h.call('DELETE', '/v1/jobs/old?purge=true', { as: 'alice' });
    expect(purged.status).toBe(200);
    expect(expectShape(deletionResultSchema, purged.json)).toEqual({
      name: 'old',
      action: 'purged',
    });
    expectError(await h.call('GET', '/v1/jobs/old'), 404);
    const list = (await h.call('GET', '/v1/jobs')).json as { items: { name: string }[] };
    expect(list.items.map((j) => j.name)).not.toContain('old');
    const history = (await h.call('GET', '/v1/jobs/old/history')).json as {
      items: { action: string; outcome: string }[];
    };
    expect(history.items[0]).toMatchObject({ action: 'job.purged', outcome: 'succeeded' });
  });
});

describe('POST /v1/plan', () => {
  it('previews every document without writing anything', async () => {
    const before = await h.snapshot();
    const file = [
      jobDoc('orders', 'payments', {
        parallelism: 5,
        state: 'running',
        savepointNonce: 1,
        restartNonce: 1,
      }),
      jobDoc('brand-new'),
      clusterDoc('eu-1'),
      clusterDoc('us-1', 'https://flink.example.com'),
    ];
    const reply = await h.call('POST', '/v1/plan', { body: file });
    expect(reply.status, reply.text).toBe(200);
    const plan = expectShape(planResultSchema, reply.json);
    expect(plan.documents.map((d) => [d.name, d.action])).toEqual([
      ['orders', 'update'],
      ['brand-new', 'create'],
      ['eu-1', 'noop'],
      ['us-1', 'create'],
    ]);
    expect(plan.documents[0]).toMatchObject({
      changeClass: 'SCALE',
      changedFields: [{ field: 'spec.parallelism', class: 'SCALE' }],
      effect: { basis: 'initial', restart: false },
    });
    expect(await h.snapshot()).toBe(before);
  });

  it('reads YAML files and reports every error of every document', async () => {
    const reply = await h.call('POST', '/v1/plan', {
      contentType: 'application/yaml',
      body: 'apiVersion: fjc.dev/v1\nkind: FlinkJob\nmetadata: {name: a}\nspec: {team: x}\n---\nkind: Nope\n',
    });
    const paths = expectError(reply, 400).issues?.map((i) => i.path) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(['documents[0].spec.clusterRef', 'documents[1].kind']),
    );
    const unknownCluster = await h.call('POST', '/v1/plan', {
      body: [jobDoc('x', 'payments', { clusterRef: 'mars' })],
    });
    expect(expectError(unknownCluster, 400).issues?.[0]?.path).toBe('documents[0].spec.clusterRef');
  });
});

describe('clusters', () => {
  it('reads, lists and changes clusters with version ETags', async () => {
    const reply = await h.call('GET', '/v1/clusters/eu-1', { as: 'nobody' });
    expect(reply.headers.get('etag')).toBe('"1"');
    expectShape(clusterViewSchema, reply.json);
    const unchanged = await h.call('PUT', '/v1/clusters/eu-1', { body: clusterDoc() });
    expect(expectShape(clusterPutResultSchema, unchanged.json).changed).toBe(false);
    const changed = await h.call('PUT', '/v1/clusters/eu-1', {
      body: clusterDoc('eu-1', 'http://127.0.0.1:9091'),
      headers: { 'if-match': '"1"' },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expectError(
      await h.call('PUT', '/v1/clusters/eu-1', {
        body: clusterDoc(),
        headers: { 'if-match': '"1"' },
      }),
      412,
    );
    const list = expectShape(clusterListSchema, (await h.call('GET', '/v1/clusters')).json);
    expect(list.items.map((c) => c.name)).toContain('eu-1');
    expectError(await h.call('GET', '/v1/clusters/mars'), 404);
    expect(h.logger.lines.some((l) => l.message === 'cluster changed')).toBe(true);
  });
});

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route, every response schema a component', async () => {
    const reply = await h.call('GET', '/v1/openapi.json', { as: 'nobody' });
    const doc = expectShape(openApiDocumentSchema, reply.json);
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(listed).toEqual(
      expect.arrayContaining([
        'GET /v1/jobs',
        'GET /v1/jobs/{name}',
        'PUT /v1/jobs/{name}',
        'DELETE /v1/jobs/{name}',
        'POST /v1/plan',
        'POST /v1/jobs/{name}/actions/{action}',
        'GET /v1/jobs/{name}/history',
        'GET /v1/jobs/{name}/savepoints',
        'GET /v1/clusters/{name}',
        'PUT /v1/clusters/{name}',
        'GET /v1/openapi.json',
      ]),
    );
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g))
      expect((doc.components as { schemas: Record<string, unknown> }).schemas).toHaveProperty(
        ref ?? '',
      );
  });
});

describe('transport-level errors', () => {
  it('401 without identity, 404 unknown route, 405 wrong method, 413 oversized, 415 media type', async () => {
    expectError(await h.call('GET', '/v1/jobs', { as: 'anonymous' }), 401, 'UNAUTHENTICATED');
    expectError(await h.call('GET', '/v2/jobs'), 404);
    const wrong = await h.call('PATCH', '/v1/jobs/orders');
    expectError(wrong, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toBe('GET, PUT, DELETE');
    expectError(
      await h.call('PUT', '/v1/jobs/orders', { body: 'x'.repeat(1_048_577) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectError(
      await h.call('PUT', '/v1/jobs/orders', { body: 'a', contentType: 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });
});
