/**
 * `fjc restore` against the real local API: on a suspended job it records the choice and says it
 * takes effect at the resume; `--resume` resumes from it at once; --wait waits only for what the
 * action does (a suspended job stays SUSPENDED).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterYaml, jobController, jobYaml, snapshotOf, useCliHarness } from './harness.js';

const h = useCliHarness();

beforeAll(async () => {
  const file = await h.file(
    'jobs.yaml',
    `${clusterYaml()}---\n${jobYaml('paused', ['state: suspended'])}---\n${jobYaml('waking', ['state: suspended'])}`,
  );
  const applied = await h.run(['apply', file]);
  expect(applied.code, applied.stderr).toBe(0);
});

describe('fjc restore on a suspended job', () => {
  it('records the choice and says it takes effect when the job is resumed', async () => {
    const result = await h.run(['restore', 'paused', '--path', 's3://sp/paused/sp-1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'paused: restore from the chosen savepoint recorded (generation 2); the job stays suspended and starts from it when resumed (fjc resume paused, or fjc restore paused --resume)\n',
    );
    const spec = (await h.store.getJob('paused'))?.spec as { spec: Record<string, unknown> };
    expect(spec.spec).toMatchObject({
      state: 'suspended',
      restore: { from: { path: 's3://sp/paused/sp-1', nonce: 1 } },
    });
  });

  it('--wait on a job that stays suspended waits for SUSPENDED, not for a start', async () => {
    const { controller } = jobController(h, () => 'paused');
    await controller((r) => ({ phase: 'SUSPENDED', lastApplied: snapshotOf(r) }));
    const result = await h.run(['restore', 'paused', '--path', 's3://sp/paused/sp-2', '--wait']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/SUSPENDED at generation 3/);
  });

  it('--resume resumes it from the choice in the same change', async () => {
    const result = await h.run([
      'restore',
      'waking',
      '--path',
      's3://sp/waking/sp-1',
      '--resume',
      '--reason',
      'replay',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^waking: restore from the chosen savepoint requested, and a resume if suspended \(generation 2\); the controller carries it out next/,
    );
    const spec = (await h.store.getJob('waking'))?.spec as { spec: Record<string, unknown> };
    expect(spec.spec).toMatchObject({
      state: 'running',
      restore: { from: { path: 's3://sp/waking/sp-1', nonce: 1 } },
    });
  });

  it('refuses --resume on other actions', async () => {
    const result = await h.run(['suspend', 'waking', '--resume']);
    expect(result.code).toBe(2);
  });
});
