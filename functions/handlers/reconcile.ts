/**
 * Lambda `reconcile` (EventBridge schedule): observe every cluster once, plan every job, start
 * the work in the control-loop state machine. Also answers targeted events (the event path);
 * probe events are the deploy function's (it reads the checkpoint storage).
 */
import { readEnvironment } from '../commons/env.js';
import { createObservability } from '../commons/observability.js';
import { awsReconcileContext } from '../runtime/aws-runtime.js';
import { createReconcileHandler } from './reconcile-handler.js';

export const handler = createReconcileHandler({
  ...createObservability('reconcile'),
  context: awsReconcileContext,
  notRunningLimitMs: readEnvironment().FJC_JOB_NOT_RUNNING_MINUTES * 60_000,
});
