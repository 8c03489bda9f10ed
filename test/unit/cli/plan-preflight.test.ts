/** `fjc plan --preflight`: asks the API for the pre-flight and prints each job's verdict. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { PreflightRunner } from '../../../functions/api/router.js';
import { jobYaml, clusterYaml, useCliHarness } from './harness.js';

const runner = vi.fn<PreflightRunner>((job) =>
  Promise.resolve(
    job.metadata.name === 'orders'
      ? {
          verdict: 'refused' as const,
          program: 'built' as const,
          vertices: 2,
          summary: 'the new version has no operator for the state of counter (0da0)',
        }
      : {
          verdict: 'passed' as const,
          program: 'not-checked' as const,
          summary: 'SQL jobs: not checked',
        },
  ),
);
const h = useCliHarness({ preflight: runner });
const bare = useCliHarness();
let file: string;

beforeAll(async () => {
  file = await h.file(
    'v1.yaml',
    `${clusterYaml()}---\n${jobYaml('orders', ['args: ["--rate", "50"]'])}`,
  );
  // The plan checks cluster references against the stored clusters: store the cluster first.
  for (const api of [h, bare]) expect((await api.run(['apply', file])).code).toBe(0);
});

describe('fjc plan --preflight', () => {
  it('prints each job’s pre-flight verdict, and runs none without the flag', async () => {
    runner.mockClear();
    const plain = await h.run(['plan', file]);
    expect(plain.stdout).not.toContain('pre-flight');
    expect(runner).not.toHaveBeenCalled();

    const plan = await h.run(['plan', '--preflight', file]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      '    pre-flight: refused: the new version has no operator for the state of counter (0da0)\n',
    );
    expect(runner).toHaveBeenCalledTimes(1);
  });

  it('says when the API cannot run it', async () => {
    const plan = await bare.run(['plan', '--preflight', file]);
    expect(plan.stdout).toContain(
      '    pre-flight: not run: this fjc API cannot reach the clusters',
    );
  });
});
