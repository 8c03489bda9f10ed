/** One action handed to the state machine: which job, which recorded operation, whose lease. */
export interface ExecutionAction {
  jobName: string;
  clusterRef: string;
  kind: string;
  operationId: string;
  owner: string;
}

/** Starts the control-loop state machine (Step Functions in AWS, in-process locally). */
export interface StateMachinePort {
  start(input: { correlationId: string; actions: ExecutionAction[] }): Promise<void>;
}
