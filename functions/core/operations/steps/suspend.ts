import { defineStep } from './step.js';

/** The job is stopped (its savepoint, if any, recorded): the job rests SUSPENDED. */
export const finishSuspend = defineStep(['finish'], (input) =>
  Promise.resolve({
    type: 'finish',
    outcome: 'done',
    change: { phase: 'SUSPENDED' },
    audit: 'suspended',
    details: { restorePath: input.data.restorePath ?? null },
  }),
);
