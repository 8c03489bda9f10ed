import { z } from 'zod';

/**
 * The state one iteration of the control-loop state machine carries from task to task:
 * which action it drives, and (set by the functions) where to go next. Step Functions adds
 * `failure` when a task failed after its retries.
 */
export const stepStateSchema = z.looseObject({
  correlationId: z.string().min(1),
  action: z.object({
    jobName: z.string().min(1),
    clusterRef: z.string().min(1),
    kind: z.string().min(1),
    operationId: z.string().min(1),
    owner: z.string().min(1),
  }),
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});
export type StepState = z.infer<typeof stepStateSchema>;

/** What a task returns: the same action, and the route to take. */
export interface StepReply {
  correlationId: string;
  action: StepState['action'];
  next: 'step' | 'wait' | 'done' | 'failed';
  waitSeconds: number;
  summary: string;
}
