import { describe, expect, it } from 'vitest';
import { awaitJobState } from '../../functions/flink/index.js';
import type { JobRecord } from '../../functions/core/model/index.js';
import { beginOperation } from '../../functions/core/operations/begin.js';
import { flinkJobSchema } from '../../functions/core/spec/index.js';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StaticTeamDirectory } from '../../functions/api/team-directory.js';
import { runCli } from '../../scripts/cli/main.js';
import { startApiServer } from '../../scripts/local/api-server.js';
import {
  converge as convergeJob,
  counterAbove,
  counterOf,
  exampleJobDocument,
  stableAt,
  storedJob,
} from '../support/e2e.js';
import { useFlinkRuntime } from '../support/e2e-runtime.js';

/**
 * The control loop end to end on the real Flink cluster: reconcile → the synthesized state machine
 * (aws-local-stepfunctions) → the deploy and verify handlers → Flink, with dynalite as the store.
 * One job goes through every scenario in turn; its counter proves where state survived.
 */
const NAME = 'counter';
const { rt, flink } = useFlinkRuntime({ jobs: [NAME] });

interface JobOverrides {
  args?: string[];
  upgradeMode?: 'savepoint' | 'last-state' | 'stateless';
  state?: 'running' | 'suspended';
  savepointPolicy?: Record<string, unknown>;
  stabilityGate?: Record<string, unknown>;
}

function jobSpec(o: JobOverrides = {}): string {
  return exampleJobDocument(NAME, {
    args: o.args ?? ['--rate', '50'],
    gate: { soakWindow: '3s', ...o.stabilityGate },
    spec: {
      upgradeMode: o.upgradeMode ?? 'savepoint',
      state: o.state ?? 'running',
      ...(o.savepointPolicy ? { savepointPolicy: o.savepointPolicy } : {}),
    },
  });
}

const job = () => storedJob(rt, NAME);

/** Runs reconcile cycles (each waits for the state machine it started) until `done` holds. */
const converge = (what: string, done: (r: JobRecord) => boolean, timeoutMs = 150_000) =>
  convergeJob(rt, NAME, what, done, {
    timeoutMs,
    onReport: (report) => {
      if (process.env.FJC_DEBUG) console.log(what, JSON.stringify(report.planned));
    },
  });

/**
 * Splits a finished savepoint upgrade into Flink's own time and fjc's along one timeline of
 * measured instants: fjc's audit trail (each step is recorded when it happens) and Flink's job
 * timestamps. Flink: trigger → old job ended (savepoint + stop), new job created → RUNNING
 * (restore). Soak: the configured window. fjc: everything else (planning, lease, state machine,
 * jar upload and run, polling pauses).
 */
async function upgradeBreakdown(
  oldJobId: string,
  record: JobRecord,
  appliedAt: number,
): Promise<string> {
  const history = (await rt.store.listHistory(NAME, { limit: 50 })).items;
  const at = (action: string) => Date.parse(history.find((e) => e.action === action)?.at ?? '');
  const before = await flink.getJob(oldJobId);
  const after = await flink.getJob(record.status.jobId ?? '');
  const t1 = at('stop-with-savepoint-triggered');
  const t2 = before['end-time'];
  const t3 = after['start-time'];
  const t4 = after.timestamps?.RUNNING ?? Number.NaN;
  const t5 = at('stable');
  const soak = 3_000;
  const flinkMs = t2 - t1 + (t4 - t3);
  const fjcMs = t1 - appliedAt + (t3 - t2) + (t5 - t4 - soak);
  return (
    `savepoint upgrade (ms): total ${t5 - appliedAt} = Flink ${flinkMs} (savepoint + stop ${t2 - t1}, restore to RUNNING ${t4 - t3}) ` +
    `+ soak window ${soak} (first checkpoints complete inside it) + fjc ${fjcMs} (until trigger ${t1 - appliedAt}, ` +
    `old job ended → new job created ${t3 - t2}, gate polling beyond soak ${t5 - t4 - soak})`
  );
}

async function applyJob(o: JobOverrides = {}): Promise<string> {
  await rt.apply(jobSpec(o), 'counter.yaml');
  return (await job()).specHash;
}

describe('control loop on real Flink', () => {
  it('deploys a new job and calls it stable only after the gate', async () => {
    const hash = await applyJob();
    const record = await converge('first deploy', stableAt(hash));
    expect(record.status.attempt).toBe(1);
    expect((await flink.getJob(record.status.jobId ?? '')).state).toBe('RUNNING');
    expect(
      (await flink.getCheckpoints(record.status.jobId ?? '')).counts.completed,
    ).toBeGreaterThanOrEqual(1);
    const history = await rt.store.listHistory(NAME);
    expect(history.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['deploy-started', 'job-submitted', 'stable']),
    );
  });

  it('upgrades with a savepoint and keeps the state', async () => {
    const before = await job();
    const oldJob = before.status.jobId ?? '';
    const countBefore = await counterAbove(flink, oldJob, 0);
    const started = Date.now();
    const hash = await applyJob({ args: ['--rate', '60'] });
    const after = await converge('savepoint upgrade', stableAt(hash));
    console.log(`fjc: savepoint upgrade, spec change to stable: ${Date.now() - started} ms`);
    console.log(`fjc: ${await upgradeBreakdown(oldJob, after, started)}`);
    expect(after.status.jobId).not.toBe(oldJob);
    expect((await flink.getJob(oldJob)).state).toBe('FINISHED');
    const savepoints = await rt.store.listSavepoints(NAME);
    const upgrade = savepoints.items.find((s) => s.triggerKind === 'upgrade');
    expect(upgrade).toMatchObject({ status: 'COMPLETED', flinkJobId: oldJob });
    expect(after.status.restoredFrom).toBe(upgrade?.path);
    const restored = (await flink.getCheckpoints(after.status.jobId ?? '')).latest.restored;
    expect(restored?.external_path).toBe(upgrade?.path);
    expect(await counterAbove(flink, after.status.jobId ?? '', countBefore)).toBeGreaterThan(
      countBefore,
    );
  });

  it('upgrades from the last checkpoint in last-state mode', async () => {
    const before = await job();
    const countBefore = await counterAbove(flink, before.status.jobId ?? '', 0);
    const hash = await applyJob({ args: ['--rate', '70'], upgradeMode: 'last-state' });
    const after = await converge('last-state upgrade', stableAt(hash));
    expect(after.status.restoredFrom).toMatch(/chk-\d+/);
    expect(await counterAbove(flink, after.status.jobId ?? '', countBefore)).toBeGreaterThan(
      countBefore,
    );
  });

  it('starts from empty state in stateless mode', async () => {
    const before = await job();
    const countBefore = await counterAbove(flink, before.status.jobId ?? '', 0);
    const hash = await applyJob({ args: ['--rate', '80'], upgradeMode: 'stateless' });
    const after = await converge('stateless upgrade', stableAt(hash));
    expect(after.status.restoredFrom).toBeUndefined();
    expect(await counterOf(flink, after.status.jobId ?? '')).toBeLessThan(countBefore);
  });

  it('suspends with a savepoint and resumes from it', async () => {
    const hash = await applyJob({ args: ['--rate', '80'] }); // back to savepoint mode: adopted, no restart
    const adopted = await converge(
      'mode change adopted',
      (r) => r.status.lastApplied?.specHash === hash,
    );
    const running = adopted.status.jobId ?? '';
    const countBefore = await counterAbove(flink, running, 0);
    await applyJob({ args: ['--rate', '80'], state: 'suspended' });
    const suspended = await converge('suspend', (r) => r.status.phase === 'SUSPENDED');
    expect((await flink.getJob(running)).state).toBe('FINISHED');
    const savepoint = (await rt.store.listSavepoints(NAME)).items.find(
      (s) => s.triggerKind === 'suspend',
    );
    expect(savepoint?.status).toBe('COMPLETED');
    expect(suspended.status.newestSavepoint?.path).toBe(savepoint?.path);

    const resumedHash = await applyJob({ args: ['--rate', '80'] });
    const resumed = await converge('resume', stableAt(resumedHash));
    expect(resumed.status.restoredFrom).toBe(savepoint?.path);
    expect(await counterAbove(flink, resumed.status.jobId ?? '', countBefore)).toBeGreaterThan(
      countBefore,
    );
  });

  it('rolls a crashing version back to the last stable one, state intact', async () => {
    const before = await job();
    const goodHash = before.specHash;
    const countBefore = await counterAbove(flink, before.status.jobId ?? '', 0);
    const badHash = await applyJob({
      args: ['--rate', '80', '--fail-after-seconds', '1', '--restart-attempts', '0'],
    });
    const after = await converge(
      'rollback',
      (r) => r.status.rejected?.specHash === badHash && stableAt(goodHash)(r),
    );
    expect(after.status.lastError?.code).toBe('NOT_STABLE');
    expect(after.status.lastApplied?.specHash).toBe(goodHash);
    expect((await flink.getJob(after.status.jobId ?? '')).state).toBe('RUNNING');
    expect(await counterAbove(flink, after.status.jobId ?? '', countBefore)).toBeGreaterThan(
      countBefore,
    );
    const actions = (await rt.store.listHistory(NAME)).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['rollback-started', 'rolled-back']));
    // The rejected spec is not tried again on the next cycle.
    const report = await rt.reconcileOnce();
    expect(report.planned.find((a) => a.jobName === NAME)).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('rejected') as string,
    });
    await applyJob({ args: ['--rate', '80'] });
  });

  it('recovers a job cancelled behind its back, from the newest state', async () => {
    const before = await job();
    const cancelled = before.status.jobId ?? '';
    const countBefore = await counterAbove(flink, cancelled, 0);
    await flink.cancelJob(cancelled);
    await awaitJobState(flink, cancelled, ['CANCELED'], { deadlineMs: 30_000 });
    const after = await converge(
      'drift recovery',
      (r) => r.status.jobId !== cancelled && stableAt(before.specHash)(r),
    );
    expect(after.status.restoredFrom).toBeDefined();
    expect(await counterAbove(flink, after.status.jobId ?? '', countBefore)).toBeGreaterThan(
      countBefore,
    );
    const recovered = (await rt.store.listHistory(NAME)).items.find(
      (e) => e.action === 'restart-started',
    );
    expect(recovered?.details).toMatchObject({
      reason: expect.stringContaining('CANCELED') as string,
    });
  });

  it('takes over an operation whose worker died and finishes it', async () => {
    const hash = await applyJob({ args: ['--rate', '90'] });
    const record = await job();
    // A worker that recorded an upgrade and died: its lease expired twenty minutes ago.
    const past = new Date(Date.now() - 20 * 60_000);
    const leased = await rt.store.acquireLease(NAME, 'dead-worker', 60_000, past);
    const desired = flinkJobSchema.parse(record.spec);
    const start = beginOperation(
      {
        jobName: NAME,
        kind: 'upgrade',
        reason: 'test',
        expectedVersion: leased.version,
        clusterRef: 'local',
      },
      leased,
      desired,
      { operationId: 'op', triggerId: rt.context.newId(), jobId: rt.context.newId() },
    );
    if (!start) throw new Error('no operation');
    await rt.store.transition(
      NAME,
      leased.version,
      {
        phase: start.phase,
        operation: {
          id: 'dead-op',
          kind: start.kind,
          step: start.step,
          startedAt: past.toISOString(),
          data: start.data,
        },
      },
      { actor: 'test', action: 'upgrade-started' },
    );
    const after = await converge('takeover', stableAt(hash));
    expect(after.status.jobId).not.toBe(record.status.jobId);
    const report = (await rt.store.listHistory(NAME)).items.map((e) => e.action);
    expect(report).toContain('stable');
  });

  it('takes periodic savepoints and disposes of those beyond retention', async () => {
    await applyJob({ args: ['--rate', '90'], savepointPolicy: { interval: '1s', maxCount: 2 } });
    const savepoints = async () => (await rt.store.listSavepoints(NAME, { limit: 100 })).items;
    const deadline = Date.now() + 90_000;
    while ((await savepoints()).filter((s) => s.triggerKind === 'periodic').length < 3) {
      if (Date.now() > deadline) throw new Error('fewer than 3 periodic savepoints in 90 s');
      await converge('a periodic savepoint', () => true);
      await new Promise((r) => setTimeout(r, 500));
    }
    const all = await savepoints();
    expect(all.filter((s) => s.status === 'COMPLETED').length).toBeLessThanOrEqual(2);
    expect(all.filter((s) => s.status === 'DISPOSED').length).toBeGreaterThanOrEqual(1);
    // The newest savepoint is never disposed of.
    const newest = (await job()).status.newestSavepoint;
    expect(all.find((s) => s.path === newest?.path)?.status).toBe('COMPLETED');
  });

  it('fjc apply --wait drives a real upgrade to stable through the API', async () => {
    const token = 'e2e-token-0123456789abcdef';
    const api = await startApiServer({
      store: rt.store,
      teams: new StaticTeamDirectory({ admins: ['e2e-admin'] }),
      tokens: { [token]: 'e2e-admin' },
    });
    // The control loop runs on its own, as under `npm run local`.
    const control = { looping: true };
    const loop = (async () => {
      while (control.looping) {
        await rt.reconcileOnce();
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    try {
      const file = join(tmpdir(), `fjc-e2e-${Date.now()}.yaml`);
      await writeFile(file, jobSpec({ args: ['--rate', '95'] }));
      const before = await job();
      const out: string[] = [];
      const code = await runCli(
        ['--endpoint', api.url, '--token', token, 'apply', '--wait', file],
        {
          stdout: (t) => out.push(t),
          stderr: (t) => out.push(t),
          env: {},
          cwd: process.cwd(),
          now: () => new Date(),
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          randomId: () => rt.context.newId(),
          fetch,
          localApiFile: join(tmpdir(), 'no-such-api.json'),
        },
      );
      const text = out.join('');
      expect(code, text).toBe(0);
      expect(text).toContain('update FlinkJob/counter (UPGRADE: spec.args)');
      expect(text).toMatch(/counter: STABLE at generation \d+/);
      const after = await job();
      expect(after.status.jobId).not.toBe(before.status.jobId);
      expect(after.status.lastStable?.specHash).toBe(after.specHash);
    } finally {
      control.looping = false;
      await loop;
      await rt.stateMachine.idle();
      await api.stop();
    }
  });
});
