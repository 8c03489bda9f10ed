import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../functions/core/model/index.js';
import { renderStatusTable } from '../../../scripts/local/status-table.js';

const now = new Date('2026-11-26T12:00:00Z');
const record = (
  over: Partial<JobRecord['status']>,
  history: JobRecord['recentHistory'] = [],
): JobRecord => ({
  name: 'stateful-counter',
  team: 'platform',
  clusterRef: 'local',
  spec: {},
  specHash: 'h',
  generation: 2,
  status: { phase: 'STABLE', attempt: 1, ...over },
  version: 3,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  recentHistory: history,
});

describe('renderStatusTable', () => {
  it('shows phase, job id, newest savepoint and the last action', () => {
    const text = renderStatusTable(
      [
        record(
          {
            jobId: 'a'.repeat(32),
            newestSavepoint: { path: 'file:/sp/savepoint-ab12-cd34', at: '2026-11-26T11:59:00Z' },
          },
          [{ version: 3, actor: 'fjc:upgrade', action: 'stable', at: '2026-11-26T11:59:30Z' }],
        ),
      ],
      now,
    );
    const [header, row] = text.split('\n');
    expect(header).toMatch(/^JOB\s+CLUSTER\s+PHASE\s+FLINK-JOB\s+NEWEST-SAVEPOINT\s+LAST-EVENT$/);
    expect(row).toContain('STABLE');
    expect(row).toContain('a'.repeat(32));
    expect(row).toContain('savepoint-ab12-cd34 (60s ago)');
    expect(row).toContain('upgrade.succeeded (30s ago)');
  });

  it('shows the step of an operation in flight and the error of a failed job', () => {
    const upgrading = renderStatusTable(
      [
        record({
          phase: 'UPGRADING',
          operation: {
            id: 'o',
            kind: 'upgrade',
            step: 'await-savepoint',
            startedAt: now.toISOString(),
          },
        }),
      ],
      now,
    );
    expect(upgrading).toContain('upgrade, at step await-savepoint');
    const failed = renderStatusTable(
      [
        record({
          phase: 'FAILED',
          lastError: { code: 'NOT_STABLE', message: 'the job ended FAILED', at: now.toISOString() },
        }),
      ],
      now,
    );
    expect(failed).toContain('  ! NOT_STABLE: the job ended FAILED');
    expect(renderStatusTable([], now)).toContain('(no jobs yet)');
  });

  it('shows a long error in full, wrapped under its job, never cut', () => {
    const message = `Could not execute application: ${'word '.repeat(60)}the end`;
    const text = renderStatusTable(
      [
        record({
          phase: 'FAILED',
          lastError: { code: 'SUBMIT_FAILED', message, at: now.toISOString() },
        }),
      ],
      now,
      60,
    );
    const lines = text.split('\n').slice(2);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    expect(lines.map((l) => l.trim().replace(/^! /, '')).join(' ')).toBe(
      `SUBMIT_FAILED: ${message.trim()}`.replace(/\s+/g, ' '),
    );
  });

  it('shows what the stability gate waits for while a version soaks', () => {
    const soaking = renderStatusTable(
      [
        record({
          phase: 'UPGRADING',
          operation: {
            id: 'o',
            kind: 'upgrade',
            step: 'await-stable',
            startedAt: now.toISOString(),
          },
          gate: {
            specHash: 'h',
            jobId: 'b'.repeat(32),
            verdict: 'pending',
            at: now.toISOString(),
            state: 'RUNNING',
            soakMs: { done: 12_400, required: 60_000 },
            checkpoints: { done: 1, required: 2 },
            restarts: { done: 0, required: 1 },
            conditions: [{ name: 'minRecordsOut', bound: 1 }],
          },
        }),
      ],
      now,
    );
    expect(soaking).toContain(
      'upgrade, at step await-stable (soak 12s/60s, checkpoints 1/2, restarts 0/1, minRecordsOut not reported yet (need ≥ 1) …)',
    );
  });
});
