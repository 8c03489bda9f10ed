/**
 * Lambda `api` (API Gateway REST API, IAM authorization): the REST API over the AWS composition,
 * built on the first request.
 */
import { createObservability } from '../commons/observability.js';
import { awsApi } from '../runtime/aws-api-runtime.js';
import { createApiHandler } from './api-handler.js';

const observability = createObservability('api');

export const handler = createApiHandler({
  ...observability,
  api: (logger) => awsApi(logger, observability.metrics),
});
