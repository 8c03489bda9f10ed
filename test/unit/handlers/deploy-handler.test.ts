/**
 * The deploy Lambda's factory: a state machine state advances a step (advance-handler.test.ts),
 * a probe event is answered with every check, storage included, as deploy reads the checkpoint
 * locations. Real store on dynalite, scripted Flink.
 */
import { describe, expect, it, vi } from 'vitest';
import { createObservability } from '../../../functions/commons/observability.js';
import type { CheckpointStorage } from '../../../functions/core/ports/index.js';
import { createDeployHandler } from '../../../functions/handlers/deploy-handler.js';
import { useBench, type Bench } from '../core/operations/harness.js';
import { PROBED_TOKEN, probeContextOf, registerMain } from './probe-fixtures.js';

let b: Bench;
useBench((fresh) => (b = fresh));

function deployHandler(listCompleted: CheckpointStorage['listCompleted']) {
  const observability = createObservability('test');
  const info = vi.spyOn(observability.logger, 'info');
  const checkpoints: CheckpointStorage = { ...b.ctx.checkpoints, listCompleted };
  const handler = createDeployHandler({
    ...observability,
    context: () => Promise.resolve(b.ctx),
    probe: () => Promise.resolve(probeContextOf(b, { checkpoints })),
  });
  return { handler, info };
}

describe('createDeployHandler', () => {
  it('answers a probe event with the storage checked, never a secret, and runs no step', async () => {
    await registerMain(b, { defaultSavepointDirectory: 's3://ckpt/savepoints' });
    const listCompleted = vi.fn<CheckpointStorage['listCompleted']>(() => Promise.resolve([]));
    const { handler, info } = deployHandler(listCompleted);
    const report = await handler({ source: 'fjc.probe', clusters: ['main'], correlationId: 'r-1' });
    expect(report).toMatchObject({ clusters: [{ cluster: 'main', ok: true }] });
    const storage = (
      report as { clusters: { checks: { check: string }[] }[] }
    ).clusters[0]?.checks.filter((c) => c.check === 'storage');
    expect(storage).toContainEqual({
      check: 'storage',
      outcome: 'ok',
      detail: 'savepoint directory s3://ckpt/savepoints listable',
    });
    expect(listCompleted).toHaveBeenCalledWith('s3://ckpt/savepoints');
    expect(JSON.stringify(report)).not.toContain(PROBED_TOKEN);
    expect(info).toHaveBeenCalledWith('probed', { clusters: [{ cluster: 'main', ok: true }] });
    expect(b.flink.cancelJob).not.toHaveBeenCalled();
  });

  it('answers a probe it cannot run with a refusal, not a failed invocation, and refuses a state it cannot read', async () => {
    const { handler } = deployHandler(() => Promise.resolve([]));
    // A failed invocation would count toward deploy's Errors alarm, a rollback alarm of the
    // control-loop release: a probe must never roll a release back.
    await expect(handler({ source: 'fjc.probe', clusters: [] })).resolves.toEqual({
      refused: {
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('Invalid probe event') as unknown,
        remedy: expect.stringContaining('"source": "fjc.probe"') as unknown,
      },
    });
    await expect(handler({ correlationId: 'c' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('answers an unexpected failure of the probe as a refusal that tells nothing of its cause', async () => {
    const observability = createObservability('test');
    const logged = vi.spyOn(observability.logger, 'error');
    const handler = createDeployHandler({
      ...observability,
      context: () => Promise.resolve(b.ctx),
      probe: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:8000 (token=abc)')),
    });
    const answer = await handler({ source: 'fjc.probe', clusters: ['main'] });
    expect(answer).toEqual({
      refused: { code: 'PROBE_FAILED', message: 'The probe failed unexpectedly' },
    });
    expect(logged).toHaveBeenCalledWith('probe refused', expect.anything());
  });
});
