/**
 * The metric conditions of the stability gate: "RUNNING" is not "healthy". Judged from samples of
 * Flink's metrics that the verify step takes during the soak window and keeps in the operation's
 * recorded data, so the judgement stays a pure function of what was recorded.
 */
import type { GateConditionName, GateConditionProgress } from '../model/index.js';

/** The metric conditions a spec may set; each is off when absent. */
export interface MetricConditions {
  minRecordsOut?: number;
  maxBusyTimeRatio?: number;
  maxBackpressuredTimeRatio?: number;
  maxCheckpointDurationMs?: number;
}

/** One look at the job's metrics (absent values: Flink did not report them yet). */
export interface MetricSample {
  /** Epoch ms of the look. */
  at: number;
  /** Records emitted toward the sinks since the job started. */
  recordsOut?: number;
  /** The busiest vertex's busy time, as a share of a second (0–1). */
  busyRatio?: number;
  /** The most backpressured vertex's backpressured time, as a share of a second (0–1). */
  backpressuredRatio?: number;
  /** End-to-end duration (ms) of the newest completed checkpoint. */
  checkpointDurationMs?: number;
}

/** Where one condition stands (the job status's own shape). */
export type MetricConditionProgress = GateConditionProgress;
type MetricConditionName = GateConditionName;

/** How many samples an operation keeps: enough for "sustained", small enough for one item. */
export const MAX_METRIC_SAMPLES = 20;

/** Whether any metric condition is set (only then are metrics read at all). */
export function hasMetricConditions(conditions: MetricConditions | undefined): boolean {
  return conditions !== undefined && Object.values(conditions).some((value) => value !== undefined);
}

/**
 * Adds `sample` to the recorded ones, keeping only those of the soak window (from
 * `windowStart`) and at most {@link MAX_METRIC_SAMPLES}, newest last.
 */
export function keepSamples(
  samples: readonly MetricSample[],
  sample: MetricSample,
  windowStart: number,
): MetricSample[] {
  return [...samples, sample].filter((s) => s.at >= windowStart).slice(-MAX_METRIC_SAMPLES);
}

const values = (samples: readonly MetricSample[], pick: (s: MetricSample) => number | undefined) =>
  samples.map(pick).filter((v): v is number => v !== undefined);

/**
 * "Sustained above": the bound is broken only when every sample of the window is above it, so a
 * burst (a catch-up after a restore) is not a failure; the value shown is the lowest sample.
 */
function sustained(
  name: MetricConditionName,
  bound: number,
  seen: readonly number[],
): MetricConditionProgress {
  if (seen.length === 0) return { name, bound };
  const value = Math.min(...seen);
  return { name, bound, value, met: value <= bound };
}

/** Where each set condition stands on the samples of the soak window, in a fixed order. */
export function judgeMetricConditions(
  conditions: MetricConditions,
  samples: readonly MetricSample[],
): MetricConditionProgress[] {
  const progress: MetricConditionProgress[] = [];
  if (conditions.minRecordsOut !== undefined) {
    const seen = values(samples, (s) => s.recordsOut);
    const bound = conditions.minRecordsOut;
    // A counter: the newest reading is the total so far.
    const value = seen.at(-1);
    progress.push(
      value === undefined
        ? { name: 'minRecordsOut', bound }
        : { name: 'minRecordsOut', bound, value, met: value >= bound },
    );
  }
  if (conditions.maxBusyTimeRatio !== undefined)
    progress.push(
      sustained(
        'maxBusyTimeRatio',
        conditions.maxBusyTimeRatio,
        values(samples, (s) => s.busyRatio),
      ),
    );
  if (conditions.maxBackpressuredTimeRatio !== undefined)
    progress.push(
      sustained(
        'maxBackpressuredTimeRatio',
        conditions.maxBackpressuredTimeRatio,
        values(samples, (s) => s.backpressuredRatio),
      ),
    );
  if (conditions.maxCheckpointDurationMs !== undefined) {
    const seen = values(samples, (s) => s.checkpointDurationMs);
    const bound = conditions.maxCheckpointDurationMs;
    const value = seen.length === 0 ? undefined : Math.max(...seen);
    progress.push(
      value === undefined
        ? { name: 'maxCheckpointDuration', bound }
        : { name: 'maxCheckpointDuration', bound, value, met: value <= bound },
    );
  }
  return progress;
}

/** One line for a condition: `minRecordsOut 0 (≥ 1) ✗`. */
export function describeCondition(c: MetricConditionProgress): string {
  const op = c.name.startsWith('min') ? '≥' : '≤';
  const value = c.value === undefined ? 'not reported yet' : String(round(c.value));
  return `${c.name} ${value} (${op} ${round(c.bound)})`;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
