/**
 * `apply --wait` says what the stability gate waits for while a new version soaks (against the
 * real local API on dynalite; the test moves the status on as the verify step would).
 */
import { expect, it } from 'vitest';
import type { GateProgress, JobRecord } from '../../../functions/core/model/index.js';
import { jobController, jobYaml, snapshotOf, STORE_NOW, useCliHarness } from './harness.js';

const h = useCliHarness({ cluster: true });
const name = 'gated';
const { controller } = jobController(h, () => name);

it('apply --wait shows the gate progress while the new version soaks', async () => {
  const file = await h.file(`${name}.yaml`, jobYaml(name));
  expect((await h.run(['apply', file])).code).toBe(0);
  const gate = (r: JobRecord): GateProgress => ({
    specHash: r.specHash,
    jobId: 'b'.repeat(32),
    verdict: 'pending',
    at: STORE_NOW.toISOString(),
    state: 'RUNNING',
    soakMs: { done: 12_000, required: 60_000 },
    checkpoints: { done: 1, required: 2 },
    restarts: { done: 0, required: 0 },
    conditions: [{ name: 'maxBusyTimeRatio', value: 0.42, bound: 0.9, met: true }],
  });
  await controller((r) => ({
    phase: 'DEPLOYING',
    lastApplied: snapshotOf(r),
    operation: {
      id: 'op-1',
      kind: 'deploy',
      step: 'await-stable',
      startedAt: STORE_NOW.toISOString(),
    },
    gate: gate(r),
  }));
  let sleeps = 0;
  const result = await h.run(['apply', file, '--wait'], {
    onSleep: async () => {
      if (sleeps++ === 0)
        await controller((r) => ({
          phase: 'STABLE',
          operation: null,
          lastStable: snapshotOf(r),
          gate: { ...gate(r), verdict: 'stable' },
        }));
    },
  });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(
    `  ${name}: DEPLOYING (deploy: await-stable), gate pending (RUNNING): soak 12s/60s, checkpoints 1/2, restarts 0/0, maxBusyTimeRatio 42% (need ≤ 90%) ✓ — waiting for generation 1\n`,
  );
  expect(result.stdout).toContain(`  ${name}: STABLE at generation 1\n`);
});
