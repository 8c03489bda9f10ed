/**
 * Lambda `deploy`: runs the acting step of a job's operation (stop with savepoint, upload, run,
 * cancel, dispose…) and records it before the next; also records a step's final failure.
 */
import { createObservability } from '../commons/observability.js';
import { awsControlContext } from '../runtime/aws-runtime.js';
import { createAdvanceHandler } from './advance-handler.js';

export const handler = createAdvanceHandler({
  ...createObservability('deploy'),
  context: awsControlContext,
});
