import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from '../commons/metric-names.js';

/**
 * Powertools Tracer (X-Ray). Every AWS SDK client the Lambdas build goes through {@link traced},
 * so DynamoDB, S3 and Step Functions calls show as subsegments of the invocation. Outside Lambda
 * the tracer is off and `traced` returns the client unchanged.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
