import { describe, expect, it } from 'vitest';
import { LambdaReconcileTrigger } from '../../../functions/adapters/lambda-reconcile-trigger.js';
import { readEnvironment } from '../../../functions/commons/env.js';
import { awsReconcileTrigger } from '../../../functions/runtime/aws-reconcile-trigger.js';

const sink = { logger: { warn: () => undefined } };

describe('awsReconcileTrigger', () => {
  it('is the Lambda trigger when FJC_RECONCILE_FUNCTION names the reconcile function', () => {
    const env = readEnvironment({ FJC_TABLE_NAME: 't', FJC_RECONCILE_FUNCTION: 'fjc-reconcile' });
    expect(awsReconcileTrigger(env, sink)).toBeInstanceOf(LambdaReconcileTrigger);
  });

  it('is absent without it: the scheduled cycle alone picks changes up', () => {
    expect(awsReconcileTrigger(readEnvironment({ FJC_TABLE_NAME: 't' }), sink)).toBeUndefined();
  });

  it('refuses an empty function name at cold start', () => {
    expect(() => readEnvironment({ FJC_TABLE_NAME: 't', FJC_RECONCILE_FUNCTION: '' })).toThrow(
      /FJC_RECONCILE_FUNCTION/,
    );
  });
});
