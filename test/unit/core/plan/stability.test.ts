import { describe, expect, it } from 'vitest';
import {
  judgeStability,
  type StabilityEvidence,
} from '../../../../functions/core/plan/stability.js';
import { retentionCandidates } from '../../../../functions/core/plan/retention.js';

const gate = {
  minCompletedCheckpoints: 2,
  maxRestarts: 0,
  soakWindowMs: 60_000,
  readinessTimeoutMs: 300_000,
};
const t0 = 1_000_000;
const ev = (e: Partial<StabilityEvidence>): StabilityEvidence => ({
  state: 'RUNNING',
  runningSince: t0,
  completedCheckpoints: 2,
  failureTimes: [],
  latestFailure: undefined,
  ...e,
});

describe('judgeStability', () => {
  it('is not satisfied by "seen RUNNING once"', () => {
    expect(judgeStability(gate, ev({}), t0, t0 + 1_000).verdict).toBe('pending');
  });
  it('needs the soak window and the checkpoints', () => {
    expect(judgeStability(gate, ev({ completedCheckpoints: 1 }), t0, t0 + 61_000).verdict).toBe(
      'pending',
    );
    expect(judgeStability(gate, ev({}), t0, t0 + 61_000)).toMatchObject({
      verdict: 'stable',
      summary: expect.stringContaining('2/2 checkpoints') as string,
    });
  });
  it('does not pass a job running below the requested parallelism, and says so at the timeout', () => {
    const wants4 = { ...gate, parallelism: 4 };
    expect(judgeStability(wants4, ev({ parallelism: 1 }), t0, t0 + 61_000)).toMatchObject({
      verdict: 'pending',
      summary: expect.stringContaining('parallelism 1 of 4') as string,
    });
    expect(judgeStability(wants4, ev({ parallelism: 1 }), t0, t0 + 301_000)).toMatchObject({
      verdict: 'unstable',
      reason: expect.stringContaining('parallelism 1 of 4') as string,
    });
    expect(judgeStability(wants4, ev({ parallelism: 4 }), t0, t0 + 61_000).verdict).toBe('stable');
  });
  it('says plainly, at once, that a job without checkpointing cannot pass a gate that needs checkpoints', () => {
    const verdict = judgeStability(
      gate,
      ev({ completedCheckpoints: 0, checkpointing: false }),
      t0,
      t0 + 1_000,
    );
    expect(verdict).toMatchObject({ verdict: 'unstable' });
    expect(verdict.verdict === 'unstable' && verdict.reason).toMatch(
      /checkpointing is disabled.*minCompletedCheckpoints/,
    );
    const none = { ...gate, minCompletedCheckpoints: 0 };
    expect(
      judgeStability(none, ev({ completedCheckpoints: 0, checkpointing: false }), t0, t0 + 61_000)
        .verdict,
    ).toBe('stable');
  });
  it('fails on restarts beyond the budget, with the cause', () => {
    const verdict = judgeStability(
      gate,
      ev({ failureTimes: [t0 + 5_000], latestFailure: 'RuntimeException: boom' }),
      t0,
      t0 + 10_000,
    );
    expect(verdict).toMatchObject({
      verdict: 'unstable',
      reason: '1 restart(s) in the soak window, 0 allowed: RuntimeException: boom',
    });
  });
  it('ignores failures before the submission', () => {
    expect(judgeStability(gate, ev({ failureTimes: [t0 - 5_000] }), t0, t0 + 61_000).verdict).toBe(
      'stable',
    );
  });
  it('fails a terminal or vanished job at once', () => {
    expect(judgeStability(gate, ev({ state: 'FAILED', latestFailure: 'x' }), t0, t0)).toMatchObject(
      {
        verdict: 'unstable',
        reason: 'the job ended FAILED: x',
      },
    );
    expect(judgeStability(gate, ev({ state: 'MISSING' }), t0, t0).verdict).toBe('unstable');
  });
  it('fails when not stable within the readiness timeout', () => {
    const verdict = judgeStability(
      gate,
      ev({ state: 'INITIALIZING', runningSince: undefined }),
      t0,
      t0 + 301_000,
    );
    expect(verdict).toMatchObject({
      verdict: 'unstable',
      reason: expect.stringContaining('readiness timeout of 300s') as string,
    });
  });
});

describe('retentionCandidates', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const sp = (id: string, hoursAgo: number, status = 'COMPLETED') => ({
    id,
    status,
    createdAt: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString(),
  });
  it('keeps maxCount newest completed ones', () => {
    const list = [
      sp('a', 1),
      sp('b', 2),
      sp('c', 3),
      sp('d', 4, 'IN_PROGRESS'),
      sp('e', 5, 'DISPOSED'),
    ];
    expect(
      retentionCandidates(list, { maxCount: 2, maxAgeMs: 1e12 }, now).map((s) => s.id),
    ).toEqual(['c']);
  });
  it('disposes of old ones but never the newest', () => {
    const list = [sp('old1', 100), sp('old2', 200)];
    expect(
      retentionCandidates(list, { maxCount: 10, maxAgeMs: 3_600_000 }, now).map((s) => s.id),
    ).toEqual(['old2']);
  });
});
