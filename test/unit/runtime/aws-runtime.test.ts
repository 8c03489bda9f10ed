import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { S3ArtifactSource } from '../../../functions/adapters/s3-artifact-source.js';
import { SfnStateMachine } from '../../../functions/adapters/sfn-state-machine.js';
import { ConfigurationError } from '../../../functions/commons/errors.js';
import { DynamoJobStore } from '../../../functions/store/index.js';

/** A fresh module each time: the composition is cached per cold start. */
async function fresh() {
  vi.resetModules();
  return import('../../../functions/runtime/aws-runtime.js');
}

beforeEach(() => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDUMMY');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'dummy');
  vi.stubEnv('FJC_TABLE_NAME', 'fjc-test');
  vi.stubEnv('FJC_SECRET_PREFIX', 'fjc/clusters/');
  vi.stubEnv('FJC_STATE_MACHINE_ARN', 'arn:aws:states:eu-west-1:123456789012:stateMachine:fjc');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('awsControlContext', () => {
  it('puts the AWS adapters behind the ports, once per cold start', async () => {
    const { awsControlContext } = await fresh();
    const ctx = await awsControlContext();
    // Modules were reset: compare by name, not by class identity.
    expect(ctx.store.constructor.name).toBe(DynamoJobStore.name);
    expect(ctx.artifacts.constructor.name).toBe(S3ArtifactSource.name);
    expect(ctx.stateMachine.constructor.name).toBe(SfnStateMachine.name);
    expect(ctx.now()).toBeInstanceOf(Date);
    expect(ctx.newId()).toMatch(/^[0-9a-f]{32}$/);
    expect(ctx.newId()).not.toBe(ctx.newId());
    expect(await awsControlContext()).toBe(ctx);
  });

  it('asks the store for the cluster behind flink() and savepointDirectory()', async () => {
    const { awsControlContext } = await fresh();
    const ctx = await awsControlContext();
    const getCluster = vi.spyOn(ctx.store, 'getCluster').mockResolvedValue(undefined);
    await expect(ctx.flink('eu-1')).rejects.toThrow(/Cluster eu-1 is not declared/);
    await expect(ctx.savepointDirectory('eu-1')).rejects.toThrow(/is not declared/);
    expect(getCluster).toHaveBeenCalledWith('eu-1');
  });

  it('refuses to start executions without FJC_STATE_MACHINE_ARN', async () => {
    vi.stubEnv('FJC_STATE_MACHINE_ARN', undefined);
    const { awsControlContext } = await fresh();
    const ctx = await awsControlContext();
    const error: unknown = await ctx.stateMachine
      .start({ correlationId: 'c', actions: [] })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe(ConfigurationError.name);
    expect((error as Error).message).toContain('FJC_STATE_MACHINE_ARN');
  });

  it('fails with a ConfigurationError naming a bad variable', async () => {
    vi.stubEnv('FJC_TABLE_NAME', '');
    vi.stubEnv('FJC_AUDIT_RETENTION_DAYS', 'forever');
    const { awsControlContext } = await fresh();
    const error: unknown = await Promise.resolve()
      .then(() => awsControlContext())
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe(ConfigurationError.name);
    expect((error as Error).message).toMatch(/FJC_TABLE_NAME/);
    expect((error as Error).message).toMatch(/FJC_AUDIT_RETENTION_DAYS/);
  });
});
