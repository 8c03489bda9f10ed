/**
 * Lambda `deploy`: runs the acting step of a job's operation (stop with savepoint, upload, run,
 * cancel, dispose…) and records it before the next; also records a step's final failure. Its
 * `probe` alias answers cluster probes (`POST /v1/clusters/probe`, invoked synchronously).
 */
import { createObservability } from '../commons/observability.js';
import { awsControlContext, awsProbeContext } from '../runtime/aws-runtime.js';
import { createDeployHandler } from './deploy-handler.js';

export const handler = createDeployHandler({
  ...createObservability('deploy'),
  context: awsControlContext,
  probe: awsProbeContext,
});
