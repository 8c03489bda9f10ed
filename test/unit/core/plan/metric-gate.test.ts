import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_METRIC_SAMPLES,
  hasMetricConditions,
  judgeMetricConditions,
  keepSamples,
  type MetricSample,
} from '../../../../functions/core/plan/metric-gate.js';
import { flinkJobSchema, validateSpecDocuments } from '../../../../functions/core/spec/index.js';
import { specWarnings } from '../../../../functions/core/spec/warnings.js';
import { minimalJob } from '../../spec/fixtures.js';
import {
  judgeStability,
  type StabilityEvidence,
} from '../../../../functions/core/plan/stability.js';

const t0 = 1_000_000;
const gate = {
  minCompletedCheckpoints: 1,
  maxRestarts: 0,
  soakWindowMs: 10_000,
  readinessTimeoutMs: 60_000,
};
const ev = (samples: MetricSample[], e: Partial<StabilityEvidence> = {}): StabilityEvidence => ({
  state: 'RUNNING',
  runningSince: t0,
  completedCheckpoints: 1,
  failureTimes: [],
  latestFailure: undefined,
  samples,
  ...e,
});

describe('metric conditions in the spec', () => {
  it('are off by default and refused out of range, naming the field', () => {
    const job = minimalJob();
    const withGate = (stabilityGate: Record<string, unknown>) => ({
      ...job,
      spec: { ...(job.spec as Record<string, unknown>), stabilityGate },
    });
    const ok = validateSpecDocuments([withGate({})]);
    expect(ok.ok).toBe(true);
    const bad = validateSpecDocuments([
      withGate({
        minRecordsOut: -1,
        maxBusyTimeRatio: 1.5,
        maxBackpressuredTimeRatio: 'high',
        maxCheckpointDuration: 'soon',
      }),
    ]);
    expect(bad.ok ? [] : bad.issues.map((issue) => issue.path)).toEqual([
      'documents[0].spec.stabilityGate.minRecordsOut',
      'documents[0].spec.stabilityGate.maxBusyTimeRatio',
      'documents[0].spec.stabilityGate.maxBackpressuredTimeRatio',
      'documents[0].spec.stabilityGate.maxCheckpointDuration',
    ]);
  });
});

describe('a metric gate whose soak is shorter than Flink refreshes metrics', () => {
  it('is warned about, naming the field; a longer soak or no metric condition is not', () => {
    const job = minimalJob();
    const parsed = (stabilityGate: Record<string, unknown>) =>
      flinkJobSchema.parse({
        ...job,
        spec: { ...(job.spec as Record<string, unknown>), stabilityGate },
      });
    expect(specWarnings(parsed({ soakWindow: '5s', minRecordsOut: 1 }))).toEqual([
      {
        path: 'spec.stabilityGate.soakWindow',
        message: expect.stringContaining('"5s" is not longer than the 10s') as string,
      },
    ]);
    expect(specWarnings(parsed({ soakWindow: '15s', minRecordsOut: 1 }))).toEqual([]);
    expect(specWarnings(parsed({ soakWindow: '5s' }))).toEqual([]);
  });
});

describe('metric conditions of the stability gate', () => {
  it('are off unless set: a gate without them passes as before and reports none', () => {
    expect(hasMetricConditions(undefined)).toBe(false);
    expect(hasMetricConditions({})).toBe(false);
    expect(hasMetricConditions({ minRecordsOut: 0 })).toBe(true);
    const verdict = judgeStability(gate, ev([]), t0, t0 + 11_000);
    expect(verdict.verdict).toBe('stable');
    expect(verdict.progress.conditions).toEqual([]);
  });

  it('fail a job that runs but emits nothing at the end of the soak, naming the condition', () => {
    const metrics = { minRecordsOut: 1 };
    const samples = [{ at: t0 + 3_000, recordsOut: 0 }];
    // Before the end of the soak a slow start is no failure.
    expect(judgeStability({ ...gate, metrics }, ev(samples), t0, t0 + 5_000).verdict).toBe(
      'pending',
    );
    const verdict = judgeStability({ ...gate, metrics }, ev(samples), t0, t0 + 11_000);
    expect(verdict).toMatchObject({
      verdict: 'unstable',
      reason: expect.stringContaining('minRecordsOut 0 (≥ 1)') as string,
    });
    expect(verdict.progress.conditions).toEqual([
      { name: 'minRecordsOut', value: 0, bound: 1, met: false },
    ]);
    const emitting = [...samples, { at: t0 + 10_500, recordsOut: 420 }];
    expect(judgeStability({ ...gate, metrics }, ev(emitting), t0, t0 + 11_000).verdict).toBe(
      'stable',
    );
  });

  it('wait for metrics Flink has not reported yet, up to the readiness timeout', () => {
    const metrics = { minRecordsOut: 1, maxBusyTimeRatio: 0.9 };
    const unknown = [{ at: t0 + 10_500 }];
    const verdict = judgeStability({ ...gate, metrics }, ev(unknown), t0, t0 + 11_000);
    expect(verdict).toMatchObject({ verdict: 'pending', recheckInMs: 1_000 });
    expect(verdict.progress.conditions).toEqual([
      { name: 'minRecordsOut', bound: 1 },
      { name: 'maxBusyTimeRatio', bound: 0.9 },
    ]);
    expect(judgeStability({ ...gate, metrics }, ev(unknown), t0, t0 + 61_000)).toMatchObject({
      verdict: 'unstable',
      reason: expect.stringContaining('minRecordsOut not reported yet') as string,
    });
  });

  it('judge busy and backpressured time as sustained: one sample under the bound passes', () => {
    const conditions = { maxBusyTimeRatio: 0.8, maxBackpressuredTimeRatio: 0.5 };
    const always = [
      { at: 1, busyRatio: 0.95, backpressuredRatio: 0.7 },
      { at: 2, busyRatio: 1, backpressuredRatio: 0.9 },
    ];
    expect(judgeMetricConditions(conditions, always)).toEqual([
      { name: 'maxBusyTimeRatio', value: 0.95, bound: 0.8, met: false },
      { name: 'maxBackpressuredTimeRatio', value: 0.7, bound: 0.5, met: false },
    ]);
    const burst = [...always, { at: 3, busyRatio: 0.2, backpressuredRatio: 0 }];
    expect(judgeMetricConditions(conditions, burst).every((c) => c.met)).toBe(true);
  });

  it('bound the longest checkpoint seen during the soak', () => {
    const samples = [
      { at: 1, checkpointDurationMs: 40 },
      { at: 2, checkpointDurationMs: 2_500 },
      { at: 3 },
    ];
    expect(judgeMetricConditions({ maxCheckpointDurationMs: 1_000 }, samples)).toEqual([
      { name: 'maxCheckpointDuration', value: 2_500, bound: 1_000, met: false },
    ]);
    expect(judgeMetricConditions({ maxCheckpointDurationMs: 1_000 }, [{ at: 1 }])).toEqual([
      { name: 'maxCheckpointDuration', bound: 1_000 },
    ]);
  });

  it('report the gate progress with every verdict', () => {
    const verdict = judgeStability(
      { ...gate, maxRestarts: 2, metrics: { minRecordsOut: 5 } },
      ev([{ at: t0 + 1_000, recordsOut: 3 }], { failureTimes: [t0 + 500] }),
      t0,
      t0 + 4_000,
    );
    expect(verdict.progress).toEqual({
      state: 'RUNNING',
      soakMs: { done: 4_000, required: 10_000 },
      checkpoints: { done: 1, required: 1 },
      restarts: { done: 1, required: 2 },
      conditions: [{ name: 'minRecordsOut', value: 3, bound: 5, met: false }],
    });
  });

  it('keep the samples bounded and within the soak window (property)', () => {
    const sample = fc.record({ at: fc.integer({ min: 0, max: 1_000 }) });
    fc.assert(
      fc.property(
        fc.array(sample, { maxLength: 60 }),
        sample,
        fc.integer({ min: 0, max: 1_000 }),
        (recorded, next, windowStart) => {
          const kept = keepSamples(recorded, next, windowStart);
          expect(kept.length).toBeLessThanOrEqual(MAX_METRIC_SAMPLES);
          expect(kept.every((s) => s.at >= windowStart)).toBe(true);
          if (next.at >= windowStart) expect(kept.at(-1)).toBe(next);
        },
      ),
    );
  });

  it('never pass a sustained bound that every sample breaks, whatever the samples (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (bound, ratios) => {
          const [condition] = judgeMetricConditions(
            { maxBusyTimeRatio: bound },
            ratios.map((busyRatio, at) => ({ at, busyRatio })),
          );
          expect(condition?.met).toBe(ratios.some((r) => r <= bound));
        },
      ),
    );
  });
});
