import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metric-names.js';

/** The logger and metrics of one Lambda (or of the local runtime standing in for it). */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

/**
 * Powertools Logger (structured JSON, a correlation id added per invocation) and Metrics (EMF on
 * stdout) for the function `name`. Created once per cold start.
 */
export function createObservability(name: string): Observability {
  return {
    logger: new Logger({ serviceName: SERVICE_NAME, persistentKeys: { function: name } }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  };
}

/** Runs `work` with the correlation id on every log line, and always flushes the metrics. */
export async function withCorrelation<T>(
  { logger, metrics }: Observability,
  keys: { correlationId: string } & Record<string, string>,
  work: () => Promise<T>,
): Promise<T> {
  logger.appendKeys(keys);
  try {
    return await work();
  } finally {
    // Publishing nothing would only log a warning on every quiet invocation.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}
