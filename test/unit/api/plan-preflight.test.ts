/** `POST /v1/plan?preflight=true`: the upgrade pre-flight, asked for, authorized, and reported. */
import { describe, expect, it, vi } from 'vitest';
import type { PreflightRunner } from '../../../functions/api/router.js';
import { planResultSchema } from '../../../functions/api/schemas.js';
import type { PreflightResult } from '../../../functions/core/plan/preflight.js';
import { ClusterUnavailableError } from '../../../functions/core/ports/index.js';
import { clusterDoc, expectError, expectShape, jobDoc, useApiHarness } from './harness.js';

const REFUSED: PreflightResult = {
  verdict: 'refused',
  program: 'failed',
  summary: 'Flink could not build the new job graph: ProgramInvocationException: boom',
};
const runner = vi.fn<PreflightRunner>(() => Promise.resolve(REFUSED));
const h = useApiHarness({ preflight: runner });
const bare = useApiHarness();

describe('POST /v1/plan?preflight=true', () => {
  it('runs no pre-flight unless asked', async () => {
    runner.mockClear();
    const reply = await h.call('POST', '/v1/plan', { body: [jobDoc('orders')] });
    expect(reply.status, reply.text).toBe(200);
    expect(expectShape(planResultSchema, reply.json).documents[0]?.preflight).toBeUndefined();
    expect(runner).not.toHaveBeenCalled();
  });

  it('reports each running job’s pre-flight, writing nothing', async () => {
    runner.mockClear();
    const before = await h.snapshot();
    const reply = await h.call('POST', '/v1/plan?preflight=true', {
      body: [
        jobDoc('orders'),
        jobDoc('paused', 'payments', { state: 'suspended' }),
        clusterDoc('eu-1'),
      ],
    });
    expect(reply.status, reply.text).toBe(200);
    const plan = expectShape(planResultSchema, reply.json);
    expect(plan.documents.map((d) => d.preflight)).toEqual([REFUSED, undefined, undefined]);
    expect(runner).toHaveBeenCalledTimes(1);
    expect(runner.mock.calls[0]?.[0].metadata.name).toBe('orders');
    expect(await h.snapshot()).toBe(before);
  });

  it('needs the right to change the job: it uploads and runs the program', async () => {
    runner.mockClear();
    const reply = await h.call('POST', '/v1/plan?preflight=true', {
      as: 'bob',
      body: [jobDoc('orders', 'payments')],
    });
    expectError(reply, 403);
    expect(runner).not.toHaveBeenCalled();
  });

  it('says when the pre-flight cannot run here or the cluster cannot be reached', async () => {
    const unavailable = await bare.call('POST', '/v1/plan?preflight=true', {
      body: [jobDoc('orders')],
    });
    expect(unavailable.status, unavailable.text).toBe(200);
    expect(expectShape(planResultSchema, unavailable.json).documents[0]?.preflight).toMatchObject({
      unavailable: expect.stringContaining('cannot reach the clusters') as string,
    });

    runner.mockRejectedValueOnce(new ClusterUnavailableError('connection refused'));
    const down = await h.call('POST', '/v1/plan?preflight=true', { body: [jobDoc('orders')] });
    expect(expectShape(planResultSchema, down.json).documents[0]?.preflight).toEqual({
      unavailable: 'the cluster could not be reached: connection refused',
    });
  });

  it('refuses a preflight value that is not true or false, naming the parameter', async () => {
    const reply = await h.call('POST', '/v1/plan?preflight=yes', { body: [jobDoc('orders')] });
    expect(expectError(reply, 400).issues?.[0]?.path).toBe('query.preflight');
  });
});
