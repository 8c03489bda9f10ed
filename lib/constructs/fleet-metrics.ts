import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  METRICS_NAMESPACE,
  SERVICE_DIMENSION,
  SERVICE_NAME,
  type MetricName,
} from '../metric-names.js';

/** A custom fjc metric as Powertools emits it (namespace `fjc`, dimension `service=fjc`). */
export function fleetMetric(
  name: MetricName,
  options: { statistic?: string; period?: Duration; label?: string } = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? Duration.minutes(1),
    ...(options.label === undefined ? {} : { label: options.label }),
  });
}
