import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../../scripts/local/local-runtime.js';
import { suspendRunningJobs } from '../../../scripts/local/suspend-on-stop.js';

let rt: LocalRuntime;

beforeEach(async () => {
  rt = await startLocalRuntime({ baseDir: process.cwd() });
});

afterEach(async () => {
  await rt.stop();
});

/** A job whose status says what `status` says (no spec a cluster would accept is needed). */
async function jobWith(name: string, status: Record<string, unknown>): Promise<void> {
  const put = await rt.store.putDesired(
    { name, team: 'platform', clusterRef: 'local', spec: { any: 'thing' }, specHash: name },
    { actor: 'test' },
  );
  await rt.store.transition(
    name,
    put.record.version,
    status,
    { actor: 'test', action: 'seeded' },
    new Date(),
  );
}

describe('suspendRunningJobs', () => {
  it('leaves alone, saying why, jobs it must not or cannot suspend, and starts nothing', async () => {
    await jobWith('busy', {
      phase: 'UPGRADING',
      jobId: 'a'.repeat(32),
      operation: {
        id: 'op',
        kind: 'upgrade',
        step: 'await-savepoint',
        startedAt: new Date().toISOString(),
        data: {},
      },
    });
    await jobWith('parked', { phase: 'SUSPENDED' });
    await jobWith('never-ran', { phase: 'PENDING' });
    const report = await suspendRunningJobs(rt, { timeoutMs: 1_000 });
    expect(report.suspended).toEqual([]);
    expect(new Map(report.left.map((l) => [l.jobName, l.reason]))).toEqual(
      new Map([
        ['busy', 'its upgrade is in flight'],
        ['parked', 'no job runs'],
        ['never-ran', 'no job runs'],
      ]),
    );
    expect(rt.stateMachine.finished).toEqual([]);
  });
});
