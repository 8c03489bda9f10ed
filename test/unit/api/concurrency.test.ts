/**
 * Optimistic concurrency and idempotency keys, through real HTTP; plus server faults, which must
 * answer with a correlation id and nothing internal.
 */
import { describe, expect, it } from 'vitest';
import { actionResultSchema, historyListSchema } from '../../../functions/api/schemas.js';
import { DynamoIdempotencyStore } from '../../../functions/store/idempotency.js';
import { MemoryIdempotencyStore } from '../../../functions/api/idempotency.js';
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
} from '../../../functions/core/ports/index.js';
import { StoreUnavailableError } from '../../../functions/core/ports/index.js';
import type { JobStore } from '../../../functions/core/ports/index.js';
import { expectError, expectShape, jobDoc, startHarness, useApiHarness } from './harness.js';

const h = useApiHarness();

describe('optimistic concurrency', () => {
  it('answers a stale If-Match with 412 on PUT, DELETE and actions', async () => {
    await h.call('PUT', '/v1/jobs/stale', { body: jobDoc('stale') });
    await h.call('PUT', '/v1/jobs/stale', {
      body: jobDoc('stale', 'payments', { parallelism: 2 }),
    });
    const headers = { 'if-match': '"1"' };
    expectError(
      await h.call('PUT', '/v1/jobs/stale', {
        body: jobDoc('stale', 'payments', { parallelism: 3 }),
        headers,
      }),
      412,
    );
    expectError(await h.call('DELETE', '/v1/jobs/stale', { headers }), 412);
    expectError(await h.call('POST', '/v1/jobs/stale/actions/savepoint', { headers }), 412);
    const ok = await h.call('POST', '/v1/jobs/stale/actions/savepoint', {
      headers: { 'if-match': '"2"' },
    });
    expect(ok.status).toBe(202);
  });

  it('lets exactly one of two concurrent PUTs with the same If-Match win', async () => {
    await h.call('PUT', '/v1/jobs/race', { body: jobDoc('race') });
    for (let round = 0; round < 3; round++) {
      const etag = (await h.call('GET', '/v1/jobs/race')).headers.get('etag') ?? '';
      const replies = await Promise.all(
        [10 + round * 2, 11 + round * 2].map((parallelism) =>
          h.call('PUT', '/v1/jobs/race', {
            body: jobDoc('race', 'payments', { parallelism }),
            headers: { 'if-match': etag },
          }),
        ),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 412]);
    }
  });

  it('lets exactly one of two concurrent creates (If-None-Match: *) win', async () => {
    const replies = await Promise.all(
      [1, 2].map((parallelism) =>
        h.call('PUT', '/v1/jobs/born-twice', {
          body: jobDoc('born-twice', 'payments', { parallelism }),
          headers: { 'if-none-match': '*' },
        }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 412]);
  });
});

describe('idempotency keys', () => {
  it('replays the first response for the same key and body, writing once', async () => {
    await h.call('PUT', '/v1/jobs/idem', { body: jobDoc('idem') });
    const headers = { 'idempotency-key': 'key-1' };
    const first = await h.call('POST', '/v1/jobs/idem/actions/savepoint', { headers });
    const second = await h.call('POST', '/v1/jobs/idem/actions/savepoint', { headers });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(expectShape(actionResultSchema, first.json).generation).toBe(2);
    const history = expectShape(
      historyListSchema,
      (await h.call('GET', '/v1/jobs/idem/history')).json,
    );
    expect(history.items.map((e) => e.action)).toEqual(['spec.changed', 'job.created']);
  });

  it('refuses the same key with another body (422), and scopes keys per caller', async () => {
    const headers = { 'idempotency-key': 'key-2' };
    expect(
      (await h.call('POST', '/v1/jobs/idem/actions/savepoint', { headers, body: { reason: 'a' } }))
        .status,
    ).toBe(202);
    const before = await h.snapshot();
    expectError(
      await h.call('POST', '/v1/jobs/idem/actions/savepoint', { headers, body: { reason: 'b' } }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(await h.snapshot()).toBe(before);
    // alice's key-2 is not root's key-2.
    const alice = await h.call('POST', '/v1/jobs/idem/actions/savepoint', {
      as: 'alice',
      headers,
      body: { reason: 'b' },
    });
    expect(alice.status).toBe(202);
    expect(alice.headers.get('idempotent-replayed')).toBeNull();
  });

  it('does not store failures: a retry after a 4xx runs again', async () => {
    const headers = { 'idempotency-key': 'key-3' };
    expectError(await h.call('POST', '/v1/jobs/ghost/actions/savepoint', { headers }), 404);
    await h.call('PUT', '/v1/jobs/ghost', { body: jobDoc('ghost') });
    expect((await h.call('POST', '/v1/jobs/ghost/actions/savepoint', { headers })).status).toBe(
      202,
    );
  });

  it('applies to plan too, and refuses malformed keys', async () => {
    const headers = { 'idempotency-key': 'plan-1' };
    const first = await h.call('POST', '/v1/plan', { headers, body: [jobDoc('idem')] });
    const second = await h.call('POST', '/v1/plan', { headers, body: [jobDoc('idem')] });
    expect(second.json).toEqual(first.json);
    expectError(
      await h.call('POST', '/v1/plan', {
        headers: { 'idempotency-key': 'x'.repeat(256) },
        body: [jobDoc('idem')],
      }),
      400,
    );
  });
});

/** The behaviour both adapters of the port must have. */
function idempotencyContract(name: string, make: () => IdempotencyStore): void {
  describe(`${name} idempotency store`, () => {
    const t0 = new Date('2025-05-01T00:00:00Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);
    const response = { status: 202, headers: { etag: '"3"' }, body: { ok: true } };

    it('reserves, refuses while in progress, replays once complete, and expires', async () => {
      const store = make();
      expect(await store.reserve('me', 'k', 'fp', t0)).toEqual({ state: 'reserved' });
      expect(await store.reserve('me', 'k', 'fp', t0)).toEqual({ state: 'in-progress' });
      expect(await store.reserve('me', 'k', 'other', t0)).toEqual({ state: 'mismatch' });
      expect(await store.reserve('you', 'k', 'other', t0)).toEqual({ state: 'reserved' });
      await store.complete('me', 'k', 'fp', response, t0);
      expect(await store.reserve('me', 'k', 'fp', later(1000))).toEqual({
        state: 'replay',
        response,
      });
      expect(await store.reserve('me', 'k', 'fp', later(IDEMPOTENCY_TTL_MS + 1000))).toEqual({
        state: 'reserved',
      });
    });

    it('releases a reservation, and lets a dead holder be taken over', async () => {
      const store = make();
      await store.reserve('me', 'r', 'fp', t0);
      await store.release('me', 'r', 'fp');
      expect(await store.reserve('me', 'r', 'fp', t0)).toEqual({ state: 'reserved' });
      expect(await store.reserve('me', 'r', 'fp', later(IDEMPOTENCY_LOCK_MS + 1))).toEqual({
        state: 'reserved',
      });
      await store.complete('me', 'r', 'fp', response, t0);
      await store.release('me', 'r', 'fp');
      expect((await store.reserve('me', 'r', 'fp', t0)).state).toBe('replay');
    });
  });
}

idempotencyContract('in-memory', () => new MemoryIdempotencyStore());
idempotencyContract(
  'DynamoDB',
  () => new DynamoIdempotencyStore({ client: h.dynamo.client, tableName: h.tableName }),
);

describe('server faults', () => {
  it('answer 5xx with a correlation id and no internals', async () => {
    const secret = 'arn:aws:dynamodb:eu-west-1:123456789012:table/secret-table';
    const faulty = await startHarness({
      wrapStore: (store: JobStore) =>
        new Proxy(store, {
          get(target, property, receiver) {
            if (property === 'getJob')
              return (name: string) =>
                name === 'boom'
                  ? Promise.reject(new Error(`exploded at ${secret}`))
                  : name === 'busy'
                    ? Promise.reject(
                        new StoreUnavailableError(`table ${secret} throttled`, { cause: secret }),
                      )
                    : target.getJob(name);
            return Reflect.get(target, property, receiver) as unknown;
          },
        }),
    });
    try {
      const boom = await faulty.call('GET', '/v1/jobs/boom', {
        headers: { 'x-correlation-id': 'trace-0123456789' },
      });
      const error = expectError(boom, 500, 'INTERNAL');
      expect(error.correlationId).toBe('trace-0123456789');
      expect(boom.text).not.toContain('secret');
      expect(boom.text).not.toContain('exploded');
      expect(boom.text).not.toContain('stack');
      const busy = await faulty.call('GET', '/v1/jobs/busy');
      expectError(busy, 503, 'SERVICE_UNAVAILABLE');
      expect(busy.text).not.toContain('secret');
      // The logs do keep the whole error, under the same id.
      expect(
        faulty.logger.lines.some(
          (l) => l.level === 'error' && l.attributes.correlationId === 'trace-0123456789',
        ),
      ).toBe(true);
    } finally {
      await faulty.stop();
    }
  });

  it('throttles per caller with 429 when a rate limit is set', async () => {
    const limited = await startHarness({ rateLimit: { ratePerSecond: 0.001, burst: 2 } });
    try {
      expect((await limited.call('GET', '/v1/clusters')).status).toBe(200);
      expect((await limited.call('GET', '/v1/clusters')).status).toBe(200);
      const third = await limited.call('GET', '/v1/clusters');
      expectError(third, 429, 'TOO_MANY_REQUESTS');
      expect(third.headers.get('retry-after')).toBeTruthy();
      expect((await limited.call('GET', '/v1/clusters', { as: 'alice' })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
