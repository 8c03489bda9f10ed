import './promise-polyfill.js';
import { StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionAction, StateMachinePort } from '../../functions/core/ports/index.js';

type Task = (input: unknown) => Promise<unknown>;

/** The Lambda behind each Task state of the control-loop definition. */
export interface LocalTasks {
  deploy: Task;
  verify: Task;
}

/**
 * Runs the control-loop state machine in-process: the very definition CDK synthesizes (ARN
 * tokens resolved), executed by aws-local-stepfunctions, with each Task state calling the same
 * handler code the Lambda runs. Executions run in the background, like Step Functions'.
 */
export class LocalStateMachine implements StateMachinePort {
  private readonly machine: StateMachine;
  private readonly running = new Set<Promise<unknown>>();
  private readonly aborts = new Set<() => void>();
  /** Results and failures of finished executions, newest last (for tests and the status view). */
  readonly finished: { correlationId: string; ok: boolean; detail: string }[] = [];

  constructor(
    definition: object,
    private readonly tasks: LocalTasks,
  ) {
    this.machine = new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0], {
      validationOptions: { checkArn: false },
    });
  }

  start(input: { correlationId: string; actions: ExecutionAction[] }): Promise<void> {
    const execution = this.machine.run(input as unknown as Parameters<StateMachine['run']>[0], {
      overrides: {
        taskResourceLocalHandlers: {
          Step: (i) => this.tasks.deploy(i) as never,
          RecordFailure: (i) => this.tasks.deploy(i) as never,
          Verify: (i) => this.tasks.verify(i) as never,
        },
      },
    });
    const done = execution.result.then(
      () =>
        this.finished.push({ correlationId: input.correlationId, ok: true, detail: 'succeeded' }),
      (error: unknown) =>
        this.finished.push({
          correlationId: input.correlationId,
          ok: false,
          detail: error instanceof Error ? error.message : String(error),
        }),
    );
    const abort = () => {
      execution.abort();
    };
    this.running.add(done);
    this.aborts.add(abort);
    void done.finally(() => {
      this.running.delete(done);
      this.aborts.delete(abort);
    });
    return Promise.resolve();
  }

  /**
   * Stops every running execution where it is. Safe: each job's operation is recorded step by
   * step, so the next run takes it over: at once when it keeps this run's worker identity,
   * otherwise when the lease expires.
   */
  abortAll(): void {
    for (const abort of this.aborts) abort();
  }

  /** Resolves when no execution is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
