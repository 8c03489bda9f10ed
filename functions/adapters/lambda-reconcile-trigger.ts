import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ReconcileTrigger } from '../core/ports/index.js';
import { targetedEvents } from '../core/reconcile-jobs.js';

/** Options of {@link LambdaReconcileTrigger}. */
export interface LambdaReconcileTriggerOptions {
  client: Pick<LambdaClient, 'send'>;
  /** The reconcile function's name or ARN (`FJC_RECONCILE_FUNCTION`). */
  functionName: string;
  /**
   * Told about every request that could not be handed to Lambda (log it, count it): the jobs
   * then wait for the scheduled cycle, so the caller's apply goes on regardless.
   */
  onFailure(error: unknown, jobNames: readonly string[]): void;
}

/**
 * The event path in AWS: an asynchronous invocation (`InvocationType: 'Event'`) of the reconcile
 * Lambda with a targeted event. Lambda queues it and answers at once (202), so the API and ingest
 * wait only for the hand-off, never for the reconcile; Lambda's own queue retries a throttled
 * invocation (the function's concurrency is reserved) until the event's maximum age.
 */
export class LambdaReconcileTrigger implements ReconcileTrigger {
  constructor(private readonly options: LambdaReconcileTriggerOptions) {}

  async requestReconcile(jobNames: readonly string[], correlationId?: string): Promise<void> {
    for (const event of targetedEvents(jobNames, correlationId)) {
      try {
        await this.options.client.send(
          new InvokeCommand({
            FunctionName: this.options.functionName,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify(event)),
          }),
        );
      } catch (error) {
        this.options.onFailure(error, event.jobNames);
      }
    }
  }
}
