import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaClusterProber } from '../adapters/lambda-cluster-prober.js';
import type { LambdaEnvironment } from '../commons/env.js';
import type { ClusterProber } from '../core/ports/cluster-prober.js';

/**
 * The cluster probe of the api Lambda: the deploy function's `probe` alias from
 * `FJC_PROBE_FUNCTION`, invoked synchronously. Undefined when the variable is unset (the API
 * then says the probe is not available). One attempt, up to 27 s: the API Gateway gives a
 * request 29 s, and a probe is bounded to fit (core/cluster-probe.ts, `probeBudgetMs`); a retry
 * could only answer too late.
 */
export function awsClusterProber(
  env: Pick<LambdaEnvironment, 'FJC_PROBE_FUNCTION'>,
): ClusterProber | undefined {
  const functionName = env.FJC_PROBE_FUNCTION;
  if (functionName === undefined) return undefined;
  return new LambdaClusterProber({
    client: new LambdaClient({
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 2_000, requestTimeout: 27_000 },
    }),
    functionName,
  });
}
