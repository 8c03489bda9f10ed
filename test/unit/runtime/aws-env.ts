/**
 * The environment the stack gives the Lambdas, stubbed per test for the AWS composition tests,
 * and a fresh copy of the composition module (it caches its context per cold start).
 */
import { afterEach, beforeEach, vi } from 'vitest';

/** What the reconcile and deploy Lambdas get besides the table: secrets and the state machine. */
export const CONTROL_ENV: Readonly<Record<string, string>> = {
  FJC_SECRET_PREFIX: 'fjc/clusters/',
  FJC_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:fjc',
};

/** Stubs a region, dummy credentials, the table and `extra` before each test; unstubs after. */
export function useAwsEnv(extra: Readonly<Record<string, string>> = {}): void {
  beforeEach(() => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDUMMY');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'dummy');
    vi.stubEnv('FJC_TABLE_NAME', 'fjc-test');
    for (const [name, value] of Object.entries(extra)) vi.stubEnv(name, value);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
}

/** A fresh composition module: modules are reset, so its per-cold-start cache is empty. */
export async function freshAwsRuntime() {
  vi.resetModules();
  return import('../../../functions/runtime/aws-runtime.js');
}
