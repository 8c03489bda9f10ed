/**
 * The API's side of the event path: after a change of a job's desired state is committed, the
 * trigger is asked for a targeted reconcile of that job; a request that changed nothing asks for
 * nothing; a trigger that fails never fails the request.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ReconcileTrigger } from '../../../functions/core/ports/index.js';
import { jobDoc, useApiHarness } from './harness.js';

let requests: { names: readonly string[]; correlationId?: string; generation?: number }[];
let failing = false;

const trigger: ReconcileTrigger = {
  async requestReconcile(names, correlationId) {
    // What the reconcile will read: the change must already be committed when it is asked.
    const generation = (await h.store.getJob(names[0] ?? ''))?.generation;
    requests.push({
      names,
      ...(correlationId === undefined ? {} : { correlationId }),
      ...(generation === undefined ? {} : { generation }),
    });
    // The contract says never reject; an adapter that breaks it still must not fail the apply.
    if (failing) throw new Error('trigger down');
  },
};

const h = useApiHarness({ reconcile: trigger });
beforeEach(() => {
  requests = [];
  failing = false;
});

describe('the event path from the API', () => {
  it('asks for a targeted reconcile after a create and a change, not after an unchanged put', async () => {
    const created = await h.call('PUT', '/v1/jobs/orders', {
      body: jobDoc('orders'),
      headers: { 'x-correlation-id': 'request-0001' },
    });
    expect(created.status).toBe(201);
    expect(requests).toEqual([{ names: ['orders'], correlationId: 'request-0001', generation: 1 }]);

    await h.call('PUT', '/v1/jobs/orders', { body: jobDoc('orders') });
    expect(requests).toHaveLength(1);

    await h.call('PUT', '/v1/jobs/orders', {
      body: jobDoc('orders', 'payments', { parallelism: 2 }),
    });
    expect(requests.at(-1)).toMatchObject({ names: ['orders'], generation: 2 });
  });

  it('asks after an action that changed the desired state', async () => {
    await h.call('PUT', '/v1/jobs/actions-job', { body: jobDoc('actions-job') });
    requests = [];
    const reply = await h.call('POST', '/v1/jobs/actions-job/actions/suspend', { body: {} });
    expect(reply.status, reply.text).toBe(202);
    expect(requests).toMatchObject([{ names: ['actions-job'], generation: 2 }]);
  });

  it('asks after a deletion that suspends the job, not after a refused request', async () => {
    await h.call('PUT', '/v1/jobs/gone', { body: jobDoc('gone') });
    requests = [];
    const refused = await h.call('DELETE', '/v1/jobs/gone', { headers: { 'if-match': '"9"' } });
    expect(refused.status).toBe(412);
    expect(requests).toEqual([]);
    const reply = await h.call('DELETE', '/v1/jobs/gone');
    expect(reply.status, reply.text).toBe(202);
    expect(requests).toMatchObject([{ names: ['gone'], generation: 2 }]);
  });

  it('answers a change even when asking for the reconcile fails', async () => {
    failing = true;
    const reply = await h.call('PUT', '/v1/jobs/failing', { body: jobDoc('failing') });
    expect(reply.status, reply.text).toBe(201);
    expect(requests).toHaveLength(1);
    expect((await h.store.getJob('failing'))?.generation).toBe(1);
  });
});
