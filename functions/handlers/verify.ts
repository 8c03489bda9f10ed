/**
 * Lambda `verify`: runs the checking step of a job's operation (savepoint done? job stopped?
 * stability gate passed?) after a pause, and records what it found.
 */
import { createObservability } from '../commons/observability.js';
import { awsControlContext } from '../runtime/aws-runtime.js';
import { createAdvanceHandler } from './advance-handler.js';

export const handler = createAdvanceHandler({
  ...createObservability('verify'),
  context: awsControlContext,
});
