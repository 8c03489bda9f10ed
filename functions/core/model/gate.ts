/**
 * The stability gate's progress as the job's status shows it: written by the verify step each
 * time it looks, so `fjc get`, the API and the local status table can say what the gate is
 * waiting for instead of a bare UPGRADING.
 */

/** The metric conditions of a stability gate, as the spec names them. */
export type GateConditionName =
  'minRecordsOut' | 'maxBusyTimeRatio' | 'maxBackpressuredTimeRatio' | 'maxCheckpointDuration';

/** Where one metric condition stands. */
export interface GateConditionProgress {
  name: GateConditionName;
  /** The value the verdict rests on (ms for durations); absent while Flink reported none. */
  value?: number;
  /** The spec's bound (ms for durations). */
  bound: number;
  /** Absent while it cannot be told (no value yet). */
  met?: boolean;
}

/** A `done of required` count. */
export interface GateCount {
  done: number;
  required: number;
}

/** The gate's progress for one version of the job. */
export interface GateProgress {
  /** The spec version being judged. */
  specHash: string;
  /** The Flink job being judged. */
  jobId: string;
  verdict: 'pending' | 'stable' | 'unstable';
  /** ISO-8601: when the verify step last looked. */
  at: string;
  /** The Flink job state it saw. */
  state: string;
  /** RUNNING time without interruption, ms: done of required. */
  soakMs: GateCount;
  checkpoints: GateCount;
  /** Restarts in the soak window: used (`done`) of allowed (`required`). */
  restarts: GateCount;
  conditions: GateConditionProgress[];
}
