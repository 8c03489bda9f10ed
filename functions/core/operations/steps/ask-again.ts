import { TRANSIENT_STEP_BUDGET_MS, isTransient, stepRetrySeconds } from '../retry-policy.js';
import { sinceStart } from './shared.js';
import type { Exit, StepDefinition } from './step.js';

/**
 * A checking step that asks again after a transient fault (a 5xx, a reset, a lost answer) instead
 * of failing: the fault says nothing about the job. Past the step's budget the fault goes to the
 * state machine like any other error, so a cluster that stays away is reported.
 */
export function askingAgain<E extends Exit>(step: StepDefinition<E>): StepDefinition<E> {
  return {
    exits: step.exits,
    async run(input) {
      try {
        return await step.run(input);
      } catch (error) {
        const elapsed = sinceStart(input);
        if (!isTransient(error) || elapsed > TRANSIENT_STEP_BUDGET_MS) throw error;
        return {
          type: 'wait',
          seconds: stepRetrySeconds(elapsed),
          summary: `asking again after a transient fault (${error.code})`,
        };
      }
    },
  };
}
