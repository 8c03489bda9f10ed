import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaReconcileTrigger } from '../adapters/lambda-reconcile-trigger.js';
import type { LambdaEnvironment } from '../commons/env.js';
import { METRIC } from '../commons/metric-names.js';
import type { ReconcileTrigger } from '../core/ports/index.js';

/** Where a failed hand-off is told: a warning and a count, both picked up by the handler. */
export interface TriggerFailureSink {
  logger: { warn(message: string, attributes: Record<string, unknown>): void };
  metrics?: Pick<Metrics, 'addMetric'>;
}

/**
 * The event path of the api and ingest Lambdas: the reconcile function from
 * `FJC_RECONCILE_FUNCTION`, invoked asynchronously. Undefined when the variable is unset (the
 * scheduled cycle alone picks changes up). The client gives up quickly: a hand-off that takes
 * longer than a second or two is worth less than the answer the caller is waiting for.
 */
export function awsReconcileTrigger(
  env: Pick<LambdaEnvironment, 'FJC_RECONCILE_FUNCTION'>,
  sink: TriggerFailureSink,
): ReconcileTrigger | undefined {
  const functionName = env.FJC_RECONCILE_FUNCTION;
  if (functionName === undefined) return undefined;
  return new LambdaReconcileTrigger({
    client: new LambdaClient({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
    }),
    functionName,
    onFailure: (error, jobNames) => {
      sink.logger.warn('targeted reconcile not requested; the scheduled cycle will do it', {
        jobNames,
        error: error instanceof Error ? { name: error.name, message: error.message } : error,
      });
      sink.metrics?.addMetric(METRIC.ReconcileTriggerFailures, MetricUnit.Count, 1);
    },
  });
}
