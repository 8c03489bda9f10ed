import type { JobRecord, JobStatusPatch, JsonObject, OperationKind } from '../../model/index.js';
import type { ControlContext } from '../../ports/index.js';
import type { OperationData } from '../operation-data.js';

/** Status changes a step makes besides moving the operation on. */
export type StatusChange = Omit<JobStatusPatch, 'operation'>;

/** What a step read and decided, recorded with the move in one write. */
interface Recorded {
  change?: StatusChange;
  /** The audit action (`job-submitted`, `stable`, …). */
  audit: string;
  details?: JsonObject;
}

/**
 * The ways a step can leave: the sequence table, not the step, says where each one leads. A step
 * declares its exits, and its results are typed by them, so a step cannot take a way out that
 * the table was not checked against (test/unit/core/operations/sequences.test.ts).
 */
export interface Exits {
  /** On to the next stage of the operation's sequence. */
  next: Recorded & { type: 'next'; data: OperationData };
  /** The new version did not become stable: start the rollback sequence. */
  rollback: Recorded & { type: 'rollback'; data: OperationData };
  /** The operation ends, done or failed. */
  finish: Recorded & { type: 'finish'; outcome: 'done' | 'failed'; change: StatusChange };
}
export type Exit = keyof Exits;

/**
 * Not yet: look again after `seconds`, writing nothing, or with `progress` what the look saw (the
 * stability gate's progress and samples), recorded without an audit entry.
 */
export interface Wait {
  type: 'wait';
  seconds: number;
  summary: string;
  progress?: { change: StatusChange; data: OperationData };
}

export type StepResult<E extends Exit = Exit> = Exits[E] | Wait;

export interface StepInput {
  ctx: ControlContext;
  record: JobRecord;
  kind: OperationKind;
  data: OperationData;
}

/** One step, registered by name in ./index.ts. */
export interface StepDefinition<E extends Exit = Exit> {
  exits: readonly E[];
  run(input: StepInput): Promise<StepResult<E>>;
}

/** Declares a step: what it does and the exits it may take (checked against its results). */
export function defineStep<const E extends Exit>(
  exits: readonly E[],
  run: (input: StepInput) => Promise<StepResult<NoInfer<E>>>,
): StepDefinition<E> {
  return { exits, run };
}
