/**
 * The deploy/verify Lambdas' factory: the state machine's state in, one step of the job's
 * operation (or the record of a caught failure), the route out, metrics and a correlated log.
 * The engine bench gives it the real store on dynalite and a scripted Flink.
 */
import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../../functions/commons/errors.js';
import { METRIC } from '../../../functions/commons/metric-names.js';
import { createObservability } from '../../../functions/commons/observability.js';
import { createAdvanceHandler } from '../../../functions/handlers/advance-handler.js';
import {
  JOB_ID,
  NAME,
  OWNER,
  begin,
  job,
  jobDetail,
  seed,
  useBench,
  type Bench,
} from '../core/operations/harness.js';

let b: Bench;
useBench((fresh) => (b = fresh));

function handlerWithSpies() {
  const observability = createObservability('test');
  const addMetric = vi.spyOn(observability.metrics, 'addMetric');
  const info = vi.spyOn(observability.logger, 'info');
  const handler = createAdvanceHandler({ ...observability, context: () => Promise.resolve(b.ctx) });
  return { handler, addMetric, info };
}

function state(operationId: string, extra: Record<string, unknown> = {}) {
  return {
    correlationId: 'corr-1',
    action: { jobName: NAME, clusterRef: 'local', kind: 'upgrade', operationId, owner: OWNER },
    ...extra,
  };
}

describe('createAdvanceHandler', () => {
  it('refuses a state it cannot read, naming the fields', async () => {
    const { handler } = handlerWithSpies();
    const error = await handler({ correlationId: '', action: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['correlationId', 'action.jobName', 'action.operationId']),
    );
  });

  it('advances the operation one step and says where the state machine goes next', async () => {
    const v1 = job();
    const v2 = job({ upgradeMode: 'stateless', args: ['--x'] });
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    const { handler, info } = handlerWithSpies();
    b.flink.getJob.mockResolvedValue(jobDetail('RUNNING', JOB_ID));
    const reply = await handler(state(opId));
    expect(reply).toMatchObject({
      correlationId: 'corr-1',
      action: { jobName: NAME, operationId: opId },
      next: 'wait',
    });
    expect(b.flink.cancelJob).toHaveBeenCalledWith(JOB_ID);
    expect(info).toHaveBeenCalledWith('step', expect.objectContaining({ next: 'wait' }));
  });

  it('records a failure the state machine caught, and counts the failed action', async () => {
    const v1 = job();
    const v2 = job({ args: ['--x'] });
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    const { handler, addMetric } = handlerWithSpies();
    const reply = await handler(
      state(opId, { failure: { Error: 'FlinkUnreachableError', Cause: 'connection refused' } }),
    );
    expect(reply).toMatchObject({ next: 'failed' });
    expect((await b.get()).status.lastError).toMatchObject({
      code: 'FlinkUnreachableError',
      message: 'connection refused',
    });
    expect(addMetric).toHaveBeenCalledWith(METRIC.ActionsFailed, expect.anything(), 1);
  });

  it('counts a finished action as succeeded', async () => {
    const { handler, addMetric } = handlerWithSpies();
    // No such operation: superseded, which ends the state machine's work for it as done.
    await seed(b, job());
    const reply = await handler(state('f'.repeat(32)));
    expect(reply).toMatchObject({ next: 'done' });
    expect(addMetric).toHaveBeenCalledWith(METRIC.ActionsSucceeded, expect.anything(), 1);
  });
});
