import { describe, expect, it } from 'vitest';
import type { JobView } from '../../scripts/cli/api-types.js';
import { renderGateLine } from '../../scripts/cli/render/gate.js';
import { converge, counterAbove, exampleJobDocument, stableAt, storedJob } from '../support/e2e.js';
import { useFlinkRuntime } from '../support/e2e-runtime.js';

/**
 * The metric stability gate on real Flink: "RUNNING" is not "healthy". A version of the example
 * job that runs, checkpoints and never restarts but emits nothing (`--emit false`) fails
 * `minRecordsOut` at the end of its soak window and is rolled back to the version before, whose
 * counter carries on; while it soaks, the gate's progress is visible through the API.
 */
const NAME = 'metric-gate';
const TOKEN = 'e2e-token-0123456789abcdef';
const { rt, flink, api } = useFlinkRuntime({ jobs: [NAME], api: { token: TOKEN } });

// Flink refreshes the metrics its REST API serves every 10 s by default: the soak window must be
// longer for a reading of the new job to exist when it ends.
const GATE = { soakWindow: '15s', readinessTimeout: '120s', minRecordsOut: 1 };
const jobDocument = (args: string[]) =>
  exampleJobDocument(NAME, { args: ['--rate', '50', '--name', NAME, ...args], gate: GATE });

async function apiJob(): Promise<JobView> {
  const response = await fetch(`${api.url}/v1/jobs/${NAME}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return (await response.json()) as JobView;
}

describe('metric stability gate on real Flink', () => {
  it('passes a job that emits, fails one that runs but emits nothing and rolls it back, showing its progress', async () => {
    await rt.apply(jobDocument([]), 'job.yaml');
    const goodHash = (await storedJob(rt, NAME)).specHash;
    const good = await converge(rt, NAME, 'first deploy', stableAt(goodHash));
    // The emitting version passed on a real reading of its sink, not on "not reported".
    const passed = good.status.gate;
    expect(passed).toMatchObject({ verdict: 'stable', specHash: goodHash });
    expect(passed?.conditions).toMatchObject([{ name: 'minRecordsOut', met: true }]);
    expect(passed?.conditions[0]?.value).toBeGreaterThan(0);
    const countBefore = await counterAbove(flink, good.status.jobId ?? '', 0);

    await rt.apply(jobDocument(['--emit', 'false']), 'job.yaml');
    const badHash = (await storedJob(rt, NAME)).specHash;
    // While the new version soaks, watch its gate through the API as `fjc get` would.
    const seen: string[] = [];
    const watching = { on: true };
    const watcher = (async () => {
      while (watching.on) {
        const gate = (await apiJob()).status.gate;
        if (gate?.specHash === badHash && gate.verdict === 'pending')
          seen.push(renderGateLine(gate));
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    let after;
    try {
      after = await converge(
        rt,
        NAME,
        'rollback of the silent version',
        (r) => r.status.rejected?.specHash === badHash && stableAt(goodHash)(r),
        { timeoutMs: 240_000 },
      );
    } finally {
      watching.on = false;
      await watcher;
    }
    expect(seen.length, 'gate progress seen during the soak').toBeGreaterThan(0);
    expect(seen.at(-1)).toMatch(
      /^pending \(RUNNING\): soak \d+s\/15s, checkpoints \d+\/1, restarts 0\/0, minRecordsOut/,
    );
    expect(after.status.lastError?.code).toBe('NOT_STABLE');
    expect(after.status.rejected?.reason).toContain('minRecordsOut 0 (≥ 1)');
    expect(after.status.lastApplied?.specHash).toBe(goodHash);
    const actions = (await rt.store.listHistory(NAME, { limit: 50 })).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['rollback-started', 'rolled-back']));
    // The state came along: the counter of the restored version carries on.
    expect(await counterAbove(flink, after.status.jobId ?? '', countBefore)).toBeGreaterThan(
      countBefore,
    );
    expect((await apiJob()).status.gate).toMatchObject({ verdict: 'stable', specHash: goodHash });
  });
});
