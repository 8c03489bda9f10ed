/**
 * `apply --wait` says what the stability gate waits for while a new version soaks (against the
 * real local API on dynalite; the test moves the status on as the verify step would).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GateProgress, JobStatusPatch } from '../../../functions/core/model/index.js';
import { clusterYaml, jobYaml, startCliHarness, STORE_NOW, type CliHarness } from './harness.js';

let h: CliHarness;
const name = 'gated';

beforeAll(async () => {
  h = await startCliHarness();
  const cluster = await h.file('cluster.yaml', clusterYaml());
  expect((await h.run(['apply', cluster])).code).toBe(0);
});
afterAll(async () => {
  await h.stop();
});

async function record() {
  const found = await h.store.getJob(name);
  if (!found) throw new Error(`no job ${name}`);
  return found;
}

async function controller(patch: (r: Awaited<ReturnType<typeof record>>) => JobStatusPatch) {
  const current = await record();
  await h.store.transition(name, current.version, patch(current), {
    actor: 'test',
    action: 'controller',
  });
}

const snapshotOf = (r: Awaited<ReturnType<typeof record>>) => ({
  spec: r.spec,
  specHash: r.specHash,
  generation: r.generation,
});

it('apply --wait shows the gate progress while the new version soaks', async () => {
  const file = await h.file(`${name}.yaml`, jobYaml(name));
  expect((await h.run(['apply', file])).code).toBe(0);
  const gate = (r: Awaited<ReturnType<typeof record>>): GateProgress => ({
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
