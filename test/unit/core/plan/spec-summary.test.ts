import { describe, expect, it } from 'vitest';
import { FjcError } from '../../../../functions/commons/errors.js';
import { desiredJobOf } from '../../../../functions/core/desired-job.js';
import { planJob, type SummaryView } from '../../../../functions/core/plan/plan-actions.js';
import {
  planSpecOf,
  specSummaryOf,
  usableSummary,
} from '../../../../functions/core/plan/spec-summary.js';
import { NOW, job } from './fixtures.js';

describe('spec summaries', () => {
  it('are stored by every door with the spec they summarize', () => {
    const desired = desiredJobOf(job({ savepointPolicy: { interval: '10m' }, savepointNonce: 4 }));
    expect(desired.specSummary).toEqual({
      format: 1,
      specHash: desired.specHash,
      clusterRef: 'local',
      state: 'running',
      savepointNonce: 4,
      savepointInterval: { text: '10m', ms: 600_000 },
    });
    const parsed = job({ state: 'suspended' });
    expect(planSpecOf(specSummaryOf(parsed, 'h')).spec).toEqual({
      clusterRef: parsed.spec.clusterRef,
      state: 'suspended',
      savepointNonce: 0,
      savepointPolicy: { interval: 'off' },
    });
  });

  it('stand for a spec only next to its hash and in today’s format', () => {
    const summary = specSummaryOf(job(), 'h1');
    expect(usableSummary({ specHash: 'h1', specSummary: summary })).toBe(summary);
    expect(usableSummary({ specHash: 'h2', specSummary: summary })).toBeUndefined();
    expect(
      usableSummary({ specHash: 'h1', specSummary: { ...summary, format: 2 } }),
    ).toBeUndefined();
    expect(usableSummary({ specHash: 'h1' })).toBeUndefined();
  });

  it('are never used to classify a change: planning one whose spec changed is refused', () => {
    const desired = planSpecOf(specSummaryOf(job(), 'h2'));
    const view: SummaryView = {
      summary: true,
      desired,
      lastApplied: desired,
      record: {
        name: 'counter',
        team: 'platform',
        clusterRef: 'local',
        specHash: 'h2',
        generation: 2,
        version: 5,
        updatedAt: NOW.toISOString(),
        status: {
          phase: 'RUNNING',
          attempt: 1,
          jobId: 'a'.repeat(32),
          lastApplied: { specHash: 'h1', generation: 1 },
        },
      },
    };
    const observations = new Map([
      [
        'local',
        {
          reachable: true as const,
          at: NOW,
          jobs: new Map([
            ['a'.repeat(32), { jobId: 'a'.repeat(32), state: 'RUNNING', startTime: 0 }],
          ]),
        },
      ],
    ]);
    expect(() => planJob(view, observations, NOW)).toThrow(FjcError);
  });
});
