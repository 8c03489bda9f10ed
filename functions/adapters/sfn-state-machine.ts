import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionAction, StateMachinePort } from '../core/ports/index.js';

/**
 * Starts the control-loop state machine in AWS Step Functions. The execution is named after the
 * correlation id, so a reconcile retried by Lambda cannot start the same work twice.
 */
export class SfnStateMachine implements StateMachinePort {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: { correlationId: string; actions: ExecutionAction[] }): Promise<void> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: input.correlationId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80),
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
