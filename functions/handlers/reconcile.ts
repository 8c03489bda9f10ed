/**
 * Lambda `reconcile` (EventBridge schedule): observe every cluster once, plan every job, start
 * the work in the control-loop state machine. Also answers targeted events (the event path) and
 * probe events (the API's `POST /v1/clusters/probe`, invoked synchronously).
 */
import { readEnvironment } from '../commons/env.js';
import { createObservability } from '../commons/observability.js';
import { awsProbeContext, awsReconcileContext } from '../runtime/aws-runtime.js';
import { createReconcileHandler } from './reconcile-handler.js';

export const handler = createReconcileHandler({
  ...createObservability('reconcile'),
  context: awsReconcileContext,
  probe: awsProbeContext,
  notRunningLimitMs: readEnvironment().FJC_JOB_NOT_RUNNING_MINUTES * 60_000,
});
