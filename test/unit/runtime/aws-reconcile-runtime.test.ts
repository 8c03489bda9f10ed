import { describe, expect, it, vi } from 'vitest';
import { SfnStateMachine } from '../../../functions/adapters/sfn-state-machine.js';
import { ConfigurationError } from '../../../functions/commons/errors.js';
import { DynamoJobStore } from '../../../functions/store/index.js';
import { CONTROL_ENV, freshAwsRuntime, useAwsEnv } from './aws-env.js';

useAwsEnv(CONTROL_ENV);

describe('awsReconcileContext', () => {
  it('is the control context without S3: reconcile plans and starts, deploy reads artifacts', async () => {
    const { awsReconcileContext } = await freshAwsRuntime();
    const ctx = await awsReconcileContext();
    expect(ctx.store.constructor.name).toBe(DynamoJobStore.name);
    expect(ctx.stateMachine.constructor.name).toBe(SfnStateMachine.name);
    expect(await awsReconcileContext()).toBe(ctx);
    for (const attempt of [
      () => ctx.artifacts.open('s3://bucket/artifacts/job.jar'),
      () => ctx.checkpoints.listCompleted('s3://bucket/checkpoints/abc'),
      () => ctx.checkpoints.isRestorable('s3://bucket/savepoints/sp-1'),
    ]) {
      const error: unknown = await attempt().catch((e: unknown) => e);
      // Modules were reset: compare by name, not by class identity.
      expect((error as Error).name).toBe(ConfigurationError.name);
      expect((error as ConfigurationError).message).toContain('reconcile');
      expect((error as ConfigurationError).remedy).toMatch(/deploy|verify/);
    }
  });

  it('the deploy function probes with the same store and secrets, and reads checkpoint storage', async () => {
    const { awsProbeContext, awsControlContext } = await freshAwsRuntime();
    const probe = await awsProbeContext();
    const ctx = await awsControlContext();
    expect(probe.store).toBe(ctx.store);
    expect(probe.secrets).toBe(ctx.secrets);
    expect(probe.checkpoints).toBe(ctx.checkpoints);
    expect(probe.noStorageReason).toBeUndefined();
  });

  it('fails with a ConfigurationError naming a bad variable, like the others', async () => {
    vi.stubEnv('FJC_TABLE_NAME', '');
    const { awsReconcileContext } = await freshAwsRuntime();
    const error: unknown = await awsReconcileContext().catch((e: unknown) => e);
    expect((error as Error).name).toBe(ConfigurationError.name);
    expect((error as Error).message).toMatch(/FJC_TABLE_NAME/);
  });
});
