/**
 * `--wait` means "until the job is in the state this spec (or action) asks for": `apply --wait`
 * also follows jobs whose spec is unchanged (an operation may still be in flight for it), and the
 * action commands wait for their outcome and print what it produced. Run against the real local
 * API on dynalite; the tests move the job's status on as the controller would.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { jobController, jobYaml, snapshotOf, STORE_NOW, useCliHarness } from './harness.js';

const h = useCliHarness({ cluster: true });
let serial = 0;
/** A fresh job name per test, so that the tests do not depend on each other. */
let name: string;

beforeEach(() => {
  name = `job-${String(++serial)}`;
});

const JOB_ID = 'a'.repeat(32);
const NEW_JOB_ID = 'c'.repeat(32);

/** Reads the job and changes its status as the controller would. */
const { record, controller } = jobController(h, () => name);

/** Applies a job file and marks it STABLE at its generation, as after a rollout. */
async function stableJob(extra: readonly string[] = []): Promise<string> {
  const file = await h.file(`${name}.yaml`, jobYaml(name, extra));
  expect((await h.run(['apply', file])).code).toBe(0);
  await controller((r) => ({
    phase: 'STABLE',
    lastApplied: snapshotOf(r),
    lastStable: snapshotOf(r),
    jobId: JOB_ID,
  }));
  return file;
}

/** A stable job at generation 1 whose generation 2 is stored but not yet applied; returns its file. */
async function stableJobWithV2(): Promise<string> {
  await stableJob(['parallelism: 1']);
  return h.file(`${name}-v2.yaml`, jobYaml(name, ['parallelism: 2']));
}

/** Stores generation 2 and marks its upgrade in flight at `step`; returns generation 2's file. */
async function upgradeInFlight(step: string): Promise<string> {
  const v2 = await stableJobWithV2();
  expect((await h.run(['apply', v2])).code).toBe(0);
  await controller((r) => ({
    phase: 'UPGRADING',
    lastApplied: snapshotOf(r),
    operation: { id: 'op-1', kind: 'upgrade', step, startedAt: STORE_NOW.toISOString() },
  }));
  return v2;
}

/** The controller's move that rejects the stored spec for `reason`, ending any operation. */
const rejectIn = (phase: 'FAILED' | 'STABLE', reason: string) => () =>
  controller((r) => ({
    phase,
    operation: null,
    rejected: { specHash: r.specHash, reason, at: STORE_NOW.toISOString() },
  }));

/** Runs the CLI; `steps[i]` runs on the i-th sleep (the controller's next move). */
function runWith(argv: readonly string[], steps: (() => Promise<void>)[]) {
  let sleeps = 0;
  return h.run(argv, {
    onSleep: async () => {
      await steps[sleeps++]?.();
    },
  });
}

describe('apply --wait with a spec that is already stored', () => {
  it('waits for the operation still in flight for it, then exits 0', async () => {
    // The controller started the upgrade to generation 2 and is in the middle of it.
    const v2 = await upgradeInFlight('await-savepoint');

    const result = await runWith(
      ['apply', v2, '--wait'],
      [
        () =>
          controller((r) => ({
            phase: 'STABLE',
            operation: null,
            lastStable: snapshotOf(r),
            jobId: NEW_JOB_ID,
          })),
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('No changes: the stored state matches the files.');
    expect(result.stdout).toContain(
      `  ${name}: UPGRADING (upgrade: await-savepoint), stable at generation 1 — waiting for generation 2\n`,
    );
    expect(result.stdout).toContain(`  ${name}: STABLE at generation 2\n`);
  });

  it('exits 1 with the reason when that operation fails', async () => {
    const v2 = await upgradeInFlight('verify');
    const result = await runWith(
      ['apply', v2, '--wait'],
      [rejectIn('FAILED', 'not stable: restarted 3 times')],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `  ${name}: FAILED — generation 2 was rejected (FAILED): not stable: restarted 3 times\n`,
    );
  });

  it('exits 1 when the pre-flight refused the spec, saying the old generation keeps running', async () => {
    const v2 = await stableJobWithV2();
    const result = await runWith(
      ['apply', v2, '--wait'],
      [rejectIn('STABLE', 'pre-flight: Flink could not build the new job graph: boom')],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /generation \d+ was refused by the pre-flight; generation \d+ keeps running: Flink could not build the new job graph: boom\n/,
    );
  });

  it('exits 1 when the job this spec asks for is FAILED, saying why', async () => {
    const file = await stableJob();
    await controller(() => ({
      phase: 'FAILED',
      observed: { state: 'FAILED', at: STORE_NOW.toISOString() },
      lastError: {
        code: 'JOB_FAILED',
        message: 'job aaaa is FAILED outside fjc',
        at: STORE_NOW.toISOString(),
      },
    }));
    const result = await h.run(['apply', file, '--wait']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `  ${name}: FAILED — the job is FAILED at generation 1: job aaaa is FAILED outside fjc\n`,
    );
  });

  it('exits 0 at once when the job already is as the spec asks', async () => {
    const file = await stableJob();
    const result = await h.run(['apply', file, '--wait']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`  ${name}: STABLE at generation 1\n`);
  });
});

describe('action commands with --wait', () => {
  it('savepoint --wait prints the path of the savepoint it took', async () => {
    await stableJob();
    let id = '';
    const result = await runWith(
      ['savepoint', name, '--wait'],
      [
        async () => {
          const r = await record();
          // An older periodic savepoint is no answer to this request.
          ({ id } = await h.store.addSavepoint({
            jobName: name,
            triggerKind: 'manual',
            generation: r.generation,
            flinkJobId: JOB_ID,
          }));
        },
        async () => {
          await h.store.updateSavepoint(name, id, {
            status: 'COMPLETED',
            path: 'file:///sp/savepoint-aaaaaa-1',
          });
        },
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${name}: savepoint requested (generation 2)`);
    expect(result.stdout).toContain(
      `  ${name}: savepoint completed: file:///sp/savepoint-aaaaaa-1\n`,
    );
  });

  it('savepoint --wait exits 1 with the cause when the savepoint fails', async () => {
    await stableJob();
    const result = await runWith(
      ['savepoint', name, '--wait'],
      [
        async () => {
          const r = await record();
          await h.store.addSavepoint({
            jobName: name,
            triggerKind: 'manual',
            generation: r.generation,
            flinkJobId: JOB_ID,
            status: 'FAILED',
            failureCause: 'IOException: No space left on device',
          });
        },
      ],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `  ${name}: FAILED — the savepoint failed: IOException: No space left on device\n`,
    );
  });

  it('suspend --wait waits for SUSPENDED and prints the savepoint it stopped with', async () => {
    await stableJob();
    const result = await runWith(
      ['suspend', name, '--wait'],
      [
        async () => {
          const r = await record();
          const { id } = await h.store.addSavepoint({
            jobName: name,
            triggerKind: 'suspend',
            generation: r.status.lastApplied?.generation ?? 1,
            flinkJobId: JOB_ID,
            status: 'COMPLETED',
            path: 'file:///sp/savepoint-aaaaaa-2',
          });
          await controller(() => ({
            phase: 'SUSPENDED',
            newestSavepoint: {
              id,
              path: 'file:///sp/savepoint-aaaaaa-2',
              at: STORE_NOW.toISOString(),
            },
          }));
        },
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `  ${name}: SUSPENDED at generation 2; savepoint file:///sp/savepoint-aaaaaa-2\n`,
    );
  });

  it('redeploy --wait waits for the new generation to be STABLE and names the new Flink job', async () => {
    await stableJob();
    const result = await runWith(
      ['redeploy', name, '--wait'],
      [
        () =>
          controller((r) => ({
            phase: 'UPGRADING',
            lastApplied: snapshotOf(r),
            operation: {
              id: 'op-2',
              kind: 'upgrade',
              step: 'submit',
              startedAt: STORE_NOW.toISOString(),
            },
          })),
        async () => {
          const r = await record();
          await h.store.addSavepoint({
            jobName: name,
            triggerKind: 'upgrade',
            generation: 1,
            flinkJobId: JOB_ID,
            status: 'COMPLETED',
            path: 'file:///sp/savepoint-aaaaaa-3',
          });
          await controller(() => ({
            phase: 'STABLE',
            operation: null,
            lastStable: snapshotOf(r),
            jobId: NEW_JOB_ID,
          }));
        },
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `  ${name}: STABLE at generation 2 as Flink job ${NEW_JOB_ID}; savepoint file:///sp/savepoint-aaaaaa-3\n`,
    );
  });

  it('rollback --wait is done when the job runs the stable spec again', async () => {
    const v2 = await stableJobWithV2();
    expect((await h.run(['apply', v2])).code).toBe(0);
    await controller((r) => ({
      phase: 'FAILED',
      lastApplied: snapshotOf(r),
      rejected: { specHash: r.specHash, reason: 'not stable', at: STORE_NOW.toISOString() },
    }));
    // The controller rolled back to generation 1 by itself; the rollback request says so.
    await controller((r) => ({
      phase: 'STABLE',
      lastApplied: r.status.lastStable ?? null,
      jobId: NEW_JOB_ID,
    }));
    const result = await h.run(['rollback', name, '--wait']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `  ${name}: STABLE at generation 1 as Flink job ${NEW_JOB_ID}\n`,
    );
  });

  it('resume --wait exits 1 with the reason when the job cannot be started', async () => {
    await stableJob();
    expect((await h.run(['suspend', name])).code).toBe(0);
    await controller(() => ({ phase: 'SUSPENDED' }));
    const result = await runWith(
      ['resume', name, '--wait'],
      [
        () =>
          controller((r) => ({
            phase: 'FAILED',
            lastApplied: snapshotOf(r),
            rejected: {
              specHash: r.specHash,
              reason: 'submission refused: the main method caused an error',
              at: STORE_NOW.toISOString(),
            },
          })),
      ],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('submission refused: the main method caused an error');
  });
});
