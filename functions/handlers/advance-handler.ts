import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ValidationError } from '../commons/errors.js';
import { METRIC } from '../commons/metric-names.js';
import { withCorrelation, type Observability } from '../commons/observability.js';
import {
  advanceOperation,
  recordStepFailure,
  type AdvanceOutcome,
} from '../core/operations/advance.js';
import type { ControlContext } from '../core/ports/index.js';
import { stepStateSchema, type StepReply } from './step-state.js';

export interface AdvanceHandlerDeps extends Observability {
  context: () => Promise<ControlContext>;
}

/**
 * The body shared by the deploy and verify functions: parse the state, advance (or record the
 * failure of) the job's operation by one step, and say where the state machine goes next.
 */
export function createAdvanceHandler(
  deps: AdvanceHandlerDeps,
): (event: unknown) => Promise<StepReply> {
  return async (event) => {
    const parsed = stepStateSchema.safeParse(event);
    if (!parsed.success)
      throw new ValidationError(
        'The state machine passed a state this function cannot read',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    const { correlationId, action, failure } = parsed.data;
    return withCorrelation(
      deps,
      { correlationId, jobName: action.jobName, operationId: action.operationId },
      async () => {
        const ctx = await deps.context();
        const outcome: AdvanceOutcome = failure
          ? await recordStepFailure(ctx, action.jobName, action.operationId, action.owner, {
              error: failure.Error,
              cause: failure.Cause ?? '',
            })
          : await advanceOperation(ctx, action.jobName, action.operationId, action.owner);
        deps.logger.info('step', {
          next: outcome.next,
          summary: outcome.summary,
          event: outcome.event,
        });
        if (outcome.next === 'done')
          deps.metrics.addMetric(METRIC.ActionsSucceeded, MetricUnit.Count, 1);
        if (outcome.next === 'failed')
          deps.metrics.addMetric(METRIC.ActionsFailed, MetricUnit.Count, 1);
        if (outcome.event === 'rollback-started')
          deps.metrics.addMetric(METRIC.Rollbacks, MetricUnit.Count, 1);
        return {
          correlationId,
          action,
          next: outcome.next,
          waitSeconds: outcome.waitSeconds,
          summary: outcome.summary,
        };
      },
    );
  };
}
