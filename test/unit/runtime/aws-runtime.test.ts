import { describe, expect, it, vi } from 'vitest';
import { S3ArtifactSource } from '../../../functions/adapters/s3-artifact-source.js';
import { SfnStateMachine } from '../../../functions/adapters/sfn-state-machine.js';
import { ConfigurationError } from '../../../functions/commons/errors.js';
import { DynamoJobStore } from '../../../functions/store/index.js';
import { CONTROL_ENV, freshAwsRuntime, useAwsEnv } from './aws-env.js';

useAwsEnv(CONTROL_ENV);

describe('awsControlContext', () => {
  it('puts the AWS adapters behind the ports, once per cold start', async () => {
    const { awsControlContext } = await freshAwsRuntime();
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
    const { awsControlContext } = await freshAwsRuntime();
    const ctx = await awsControlContext();
    const getCluster = vi.spyOn(ctx.store, 'getCluster').mockResolvedValue(undefined);
    await expect(ctx.flink('eu-1')).rejects.toThrow(/Cluster eu-1 is not declared/);
    await expect(ctx.savepointDirectory('eu-1')).rejects.toThrow(/is not declared/);
    expect(getCluster).toHaveBeenCalledWith('eu-1');
  });

  it('refuses to start executions without FJC_STATE_MACHINE_ARN', async () => {
    vi.stubEnv('FJC_STATE_MACHINE_ARN', undefined);
    const { awsControlContext } = await freshAwsRuntime();
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
    const { awsControlContext } = await freshAwsRuntime();
    const error: unknown = await Promise.resolve()
      .then(() => awsControlContext())
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe(ConfigurationError.name);
    expect((error as Error).message).toMatch(/FJC_TABLE_NAME/);
    expect((error as Error).message).toMatch(/FJC_AUDIT_RETENTION_DAYS/);
  });
});
