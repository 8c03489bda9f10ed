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
  warnings.push(...metricGateWarnings(job));
  warnings.push(...restoreWarnings(job));
  return warnings;
}

/**
 * Both restore sources on one spec: a pending `restore.from` wins at a first deploy
 * (core/restore-source.ts START_PRECEDENCE), so the initial savepoint is not what the job starts
 * from, which its owner may not expect.
 */
function restoreWarnings(job: FlinkJob): SpecWarning[] {
  const { initialSavepointPath, from } = job.spec.restore;
  if (initialSavepointPath === undefined || from === undefined) return [];
  const chosen = from.savepointId === undefined ? from.path : `savepoint ${from.savepointId}`;
  return [
    {
      path: 'spec.restore.initialSavepointPath',
      message: `both spec.restore.initialSavepointPath and spec.restore.from are set: a first deploy or a resume starts from spec.restore.from (${chosen ?? ''}) while its nonce ${from.nonce} is not yet applied, not from ${initialSavepointPath}; remove the one you do not mean`,
    },
  ];
}

/** Flink's default `metrics.fetcher.update-interval`: how stale its REST metrics may be. */
const METRIC_REFRESH_MS = 10_000;

/** A gate with metric conditions whose soak window ends before Flink may have any reading. */
function metricGateWarnings(job: FlinkJob): SpecWarning[] {
  const gate = job.spec.stabilityGate;
  const metrics = [
    gate.minRecordsOut,
    gate.maxBusyTimeRatio,
    gate.maxBackpressuredTimeRatio,
    gate.maxCheckpointDuration,
  ].some((condition) => condition !== undefined);
  if (!metrics || gate.soakWindow.ms > METRIC_REFRESH_MS) return [];
  return [
    {
      path: 'spec.stabilityGate.soakWindow',
      message: `"${gate.soakWindow.text}" is not longer than the 10s in which Flink refreshes the metrics its REST API serves (metrics.fetcher.update-interval): the soak may end before the metric conditions have a reading, and the gate then waits up to readinessTimeout; use a soakWindow above 10s`,
    },
  ];
}
