import type { FlinkJob } from './job.js';

/** Something a valid spec asks for that cannot work as written: shown, never refused. */
export interface SpecWarning {
  path: string;
  message: string;
}

const INTERVAL_KEY = 'execution.checkpointing.interval';

/** Whether a Flink duration value (`0`, `0 ms`, `-1`) turns periodic checkpointing off. */
function disablesCheckpointing(value: string): boolean {
  const amount = /^\s*(-?\d+(?:\.\d+)?)/.exec(value)?.[1];
  return amount !== undefined && Number(amount) <= 0;
}

/**
 * Warnings about a job spec that validates but cannot do what it says. Today: a configuration
 * that turns checkpointing off under a stability gate that waits for checkpoints, which would
 * fail every deploy. Checkpointing left unset is not warned about: the job's code may enable it.
 */
export function specWarnings(job: FlinkJob): SpecWarning[] {
  const warnings: SpecWarning[] = [];
  const interval = job.spec.flinkConfiguration[INTERVAL_KEY];
  const needed = job.spec.stabilityGate.minCompletedCheckpoints;
  if (interval !== undefined && disablesCheckpointing(interval) && needed > 0)
    warnings.push({
      path: `spec.flinkConfiguration.${INTERVAL_KEY}`,
      message: `"${interval}" disables checkpointing, but stabilityGate.minCompletedCheckpoints is ${needed}: no version of this job can pass its stability gate; set a positive interval or stabilityGate.minCompletedCheckpoints: 0`,
    });
  return warnings;
}
