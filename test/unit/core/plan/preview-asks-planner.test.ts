/**
 * The plan preview has no rules of its own: each FlinkJob entry's effect is the answer of the
 * planner reconcile runs (planJob) and of the operation it would start (beginOperation). Both are
 * wrapped in spies here (the real functions still answer), so a preview that re-derived the
 * decisions itself would fail this test.
 */
import { describe, expect, it, vi } from 'vitest';
import { beginOperation } from '../../../../functions/core/operations/begin.js';
import { planJob, type JobView } from '../../../../functions/core/plan/plan-actions.js';
import { effectOf, previewDocuments } from '../../../../functions/core/plan/preview.js';
import { flinkJobSchema, type FlinkJob } from '../../../../functions/core/spec/index.js';

vi.mock('../../../../functions/core/plan/plan-actions.js', { spy: true });
vi.mock('../../../../functions/core/operations/begin.js', { spy: true });

const job = (spec: Record<string, unknown> = {}): FlinkJob =>
  flinkJobSchema.parse({
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name: 'orders' },
    spec: {
      team: 'payments',
      clusterRef: 'eu-1',
      artifact: { uri: 's3://fjc-artifacts/app/app-1.0.jar' },
      ...spec,
    },
  });

describe('the plan preview asks the planner', () => {
  it('plans every FlinkJob document with planJob and beginOperation', () => {
    vi.mocked(planJob).mockClear();
    vi.mocked(beginOperation).mockClear();
    const preview = previewDocuments([job({ parallelism: 2 })], {
      jobs: new Map(),
      clusters: new Map([['eu-1', { name: 'eu-1', spec: {}, version: 1, updatedAt: '' }]]),
    });
    expect(preview.ok).toBe(true);
    expect(planJob).toHaveBeenCalled();
    // The preview plans parsed documents, never summaries.
    const view = vi.mocked(planJob).mock.calls[0]?.[0] as JobView | undefined;
    expect(view?.desired.spec.parallelism).toBe(2);
    expect(vi.mocked(beginOperation).mock.results[0]?.value).toMatchObject({ kind: 'deploy' });
  });

  it('states the operation the planner starts, whatever the planner decides', () => {
    const upgrade = effectOf(job({ args: ['x'] }), job());
    expect(upgrade).toMatchObject({ restart: true, savepoint: true });
    // Were the planner to decide differently, the preview would say so.
    vi.mocked(planJob).mockImplementationOnce((view) => ({
      jobName: view.record.name,
      kind: 'none',
      reason: 'held back',
      expectedVersion: view.record.version,
      clusterRef: 'eu-1',
    }));
    expect(effectOf(job({ args: ['x'] }), job())).toMatchObject({
      restart: false,
      savepoint: false,
      summary: 'no effect on the running job',
    });
  });
});

describe('the plan warns when state may not restore', () => {
  it('says so when the job type changes', () => {
    const sql = job({ artifact: undefined, sql: { statements: 'INSERT INTO a SELECT 1;' } });
    expect(effectOf(sql, job()).summary).toMatch(
      /note: the job type changes from jar to sql: .*restore\.allowNonRestoredState/,
    );
  });

  it('says so when SQL statements change, and not for a changed jar', () => {
    const sql = (statements: string) => job({ artifact: undefined, sql: { statements } });
    expect(
      effectOf(sql('INSERT INTO a SELECT 2;'), sql('INSERT INTO a SELECT 1;')).summary,
    ).toMatch(/note: the SQL changes: Flink matches state to operators by uid/);
    expect(
      effectOf(job({ artifact: { uri: 's3://fjc-artifacts/app/app-2.0.jar' } }), job()).summary,
    ).not.toMatch(/note:/);
  });
});
