/**
 * The upgrade's pre-flight step (functions/core/operations/steps/preflight.ts): Flink's answers are
 * scripted here for the refusal paths and the graph comparison; test/flink/preflight.test.ts shows
 * the same on a real cluster.
 */
import { describe, expect, it, vi } from 'vitest';
import { advanceOperation } from '../../../../functions/core/operations/advance.js';
import { previewPreflight } from '../../../../functions/core/operations/preflight.js';
import {
  ClusterRefusedError,
  ClusterUnavailableError,
  JarNotOnClusterError,
  JobNotOnClusterError,
  type SqlPlanOutcome,
  type SqlPlanRequest,
  type SqlScript,
} from '../../../../functions/core/ports/index.js';
import { specHash } from '../../../../functions/core/change/index.js';
import {
  GRAPH,
  JOB_ID,
  MUTATIONS,
  NAME,
  OWNER,
  actions,
  beginWithPreflight,
  job,
  seed,
  useBench,
  type Bench,
} from './harness.js';

let b: Bench;
useBench((fresh) => (b = fresh));

const step = (opId: string) => advanceOperation(b.ctx, NAME, opId, OWNER, 0);
const [SOURCE, COUNTER] = GRAPH.vertices as [
  (typeof GRAPH.vertices)[number],
  (typeof GRAPH.vertices)[number],
];
const NEW_COUNTER = { id: 'a9ffe8f27dd74dc7d2ca88ed94b1ce4f', name: 'counter → discard: Writer' };
const v1 = job();
const v2 = job({ args: ['--rate', '5'] });

/** Flink calls that changed something, besides the plan's upload. */
const mutationsBesidesPlan = () =>
  MUTATIONS.filter((m) => !['planJar', 'uploadJar'].includes(m)).filter(
    (m) => b.flink[m].mock.calls.length > 0,
  );

async function upgrade(desired = v2, applied = v1): Promise<string> {
  await seed(b, desired, applied);
  const opId = await beginWithPreflight(b, 'upgrade', desired);
  expect((await b.get()).status.operation?.step).toBe('preflight');
  return opId;
}

async function lastPreflight(): Promise<Record<string, unknown> | undefined> {
  const entry = (await b.get()).recentHistory.findLast((e) => e.action.startsWith('preflight-'));
  return entry?.details?.preflight as Record<string, unknown> | undefined;
}

describe('the pre-flight of an upgrade', () => {
  it('plans the new program on the cluster, then moves on to the stop', async () => {
    const opId = await upgrade();
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect((await b.get()).status.operation?.step).toBe('stop-with-savepoint');
    expect(b.flink.planJar).toHaveBeenCalledWith('jar-1_counter.jar', {
      entryClass: 'dev.fjc.examples.StatefulCounter',
      args: ['--rate', '5'],
      parallelism: 1,
      flinkConfiguration: { 'pipeline.name': NAME },
    });
    expect(b.flink.getJobPlan).toHaveBeenCalledWith(JOB_ID);
    expect(mutationsBesidesPlan()).toEqual([]);
    expect(await lastPreflight()).toMatchObject({
      verdict: 'passed',
      program: 'built',
      vertices: 2,
      kept: 2,
      dropped: [],
      startsEmpty: [],
    });
  });

  it('rejects a program Flink cannot build, leaving the running job untouched', async () => {
    b.flink.planJar.mockRejectedValue(
      new ClusterRefusedError(
        'Flink rejected jar plan (HTTP 500): …',
        'ProgramInvocationException: The main method caused an error: boom',
      ),
    );
    const opId = await upgrade();
    expect(await step(opId)).toMatchObject({ next: 'failed', event: 'preflight-refused' });
    const record = await b.get();
    expect(record.status.operation).toBeUndefined();
    expect(record.status.phase).toBe('STABLE');
    expect(record.status.jobId).toBe(JOB_ID);
    expect(record.status.lastApplied?.specHash).toBe(specHash(v1));
    expect(record.status.lastError).toMatchObject({
      code: 'PREFLIGHT_REFUSED',
      message: expect.stringContaining('main method caused an error: boom') as string,
    });
    // Not retried until the spec changes: the same program would fail the same way.
    expect(record.status.rejected).toMatchObject({ specHash: specHash(v2) });
    expect(record.status.backoff).toBeUndefined();
    expect(mutationsBesidesPlan()).toEqual([]);
    expect(b.flink.getJobPlan).not.toHaveBeenCalled();
    expect(await lastPreflight()).toMatchObject({ verdict: 'refused', program: 'failed' });
    expect(await actions(b)).toContain('preflight-refused');
  });

  it('refuses a version whose graph has no operator for running state', async () => {
    b.flink.planJar.mockResolvedValue({ vertices: [SOURCE, NEW_COUNTER] });
    b.flink.getVertexStateSizes.mockResolvedValue({ [SOURCE.id]: 265, [COUNTER.id]: 3992 });
    const opId = await upgrade();
    expect(await step(opId)).toMatchObject({ event: 'preflight-refused' });
    const record = await b.get();
    expect(record.status.rejected?.reason).toMatch(/no operator for the state of counter/);
    expect(record.status.rejected?.reason).toMatch(/allowNonRestoredState/);
    expect(mutationsBesidesPlan()).toEqual([]);
    expect(await lastPreflight()).toMatchObject({
      verdict: 'refused',
      dropped: [{ id: COUNTER.id, stateBytes: 3992 }],
      startsEmpty: [{ id: NEW_COUNTER.id }],
      kept: 1,
    });
  });

  it('lets the spec drop that state explicitly, and reports what starts empty', async () => {
    b.flink.planJar.mockResolvedValue({ vertices: [SOURCE, NEW_COUNTER] });
    const allowing = job({ args: ['--rate', '5'], restore: { allowNonRestoredState: true } });
    const opId = await upgrade(allowing);
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect((await b.get()).status.operation?.step).toBe('stop-with-savepoint');
    expect(await lastPreflight()).toMatchObject({
      verdict: 'passed',
      summary: expect.stringMatching(/state dropped as allowed.*starting empty/) as string,
    });
  });

  it('counts a removed vertex as state when no checkpoint tells its size', async () => {
    b.flink.planJar.mockResolvedValue({ vertices: [SOURCE] });
    b.flink.getVertexStateSizes.mockResolvedValue(undefined);
    const opId = await upgrade();
    expect(await step(opId)).toMatchObject({ event: 'preflight-refused' });
    expect(await lastPreflight()).toMatchObject({ dropped: [{ id: COUNTER.id }] });
  });

  it('passes a removed vertex that held no state at the newest checkpoint', async () => {
    b.flink.planJar.mockResolvedValue({ vertices: [SOURCE] });
    b.flink.getVertexStateSizes.mockResolvedValue({ [SOURCE.id]: 265, [COUNTER.id]: 0 });
    const opId = await upgrade();
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect(await lastPreflight()).toMatchObject({
      dropped: [],
      removedStateless: [{ id: COUNTER.id, stateBytes: 0 }],
    });
  });

  it('checks only the program in a stateless upgrade', async () => {
    const stateless = job({ args: ['--rate', '5'], upgradeMode: 'stateless' });
    const opId = await upgrade(stateless, job({ upgradeMode: 'stateless' }));
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect((await b.get()).status.operation?.step).toBe('cancel');
    expect(b.flink.getJobPlan).not.toHaveBeenCalled();
  });

  it('uploads again once when the jar vanished before the plan', async () => {
    b.flink.planJar
      .mockRejectedValueOnce(new JarNotOnClusterError('gone', 'Jar file x does not exist'))
      .mockResolvedValueOnce(GRAPH);
    const opId = await upgrade();
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect(b.flink.uploadJar).toHaveBeenCalledTimes(2);
  });

  it('throws a transient fault for the state machine to retry, recording nothing', async () => {
    b.flink.planJar.mockRejectedValue(new ClusterUnavailableError('unreachable'));
    const opId = await upgrade();
    await expect(step(opId)).rejects.toBeInstanceOf(ClusterUnavailableError);
    const record = await b.get();
    expect(record.status.operation?.step).toBe('preflight');
    expect(record.status.rejected).toBeUndefined();
  });

  it('does not plan PyFlink programs, saying so', async () => {
    const python = (args: string[]) =>
      job({
        artifact: undefined,
        entryClass: undefined,
        python: { artifact: { uri: 'jobs/counter.py' } },
        args,
      });
    const opId = await upgrade(python(['--rate', '5']), python([]));
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect(b.flink.planJar).not.toHaveBeenCalled();
    expect(await lastPreflight()).toMatchObject({ program: 'not-checked' });
  });
});

describe('the pre-flight of a SQL upgrade', () => {
  const sql = (statements: string, more: Parameters<typeof job>[0] = {}) =>
    job({ artifact: undefined, entryClass: undefined, sql: { statements }, ...more });
  const V1 = 'CREATE TABLE t (k INT);\nINSERT INTO t SELECT 1;';
  const V2 = 'CREATE TABLE t (k INT);\nINSERT INTO t SELECT 2;';

  /** A gateway whose plan answers `answer`, recording what it was asked. */
  function gateway(answer: () => Promise<SqlPlanOutcome>) {
    const calls: { cluster: string; script: SqlScript; request: SqlPlanRequest }[] = [];
    const submit = vi.fn();
    b.ctx.sqlGateway = (cluster) =>
      Promise.resolve({
        submit,
        plan: (script, request) => {
          calls.push({ cluster, script, request });
          return answer();
        },
      });
    return { calls, submit };
  }

  it('plans the new statements on the cluster’s gateway, then moves on to the stop', async () => {
    const { calls, submit } = gateway(() => Promise.resolve({ planned: true }));
    const opId = await upgrade(
      sql(V2, { parallelism: 2, flinkConfiguration: { 'table.exec.state.ttl': '1 h' } }),
      sql(V1),
    );
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect((await b.get()).status.operation?.step).toBe('stop-with-savepoint');
    expect(calls).toEqual([
      {
        cluster: 'local',
        script: { text: V2 },
        request: {
          jobName: NAME,
          configuration: {
            'parallelism.default': '2',
            'table.exec.state.ttl': '1 h',
            'pipeline.name': NAME,
          },
        },
      },
    ]);
    expect(submit).not.toHaveBeenCalled();
    expect(mutationsBesidesPlan()).toEqual([]);
    expect(b.flink.getJobPlan).not.toHaveBeenCalled();
    expect(await lastPreflight()).toMatchObject({
      verdict: 'passed',
      program: 'built',
      summary: expect.stringMatching(/not compared/) as string,
    });
  });

  it('rejects statements the gateway cannot plan, leaving the running job untouched', async () => {
    gateway(() =>
      Promise.reject(
        new ClusterRefusedError(
          'Flink rejected SQL statement 2 (HTTP 500)',
          "SQL statement 2: ValidationException: Column 'nope' not found in any table",
        ),
      ),
    );
    const opId = await upgrade(sql(V2), sql(V1));
    expect(await step(opId)).toMatchObject({ next: 'failed', event: 'preflight-refused' });
    const record = await b.get();
    expect(record.status.operation).toBeUndefined();
    expect(record.status.jobId).toBe(JOB_ID);
    expect(record.status.lastError).toMatchObject({
      code: 'PREFLIGHT_REFUSED',
      message: expect.stringContaining("Column 'nope' not found") as string,
    });
    expect(record.status.rejected).toMatchObject({ specHash: specHash(sql(V2)) });
    expect(mutationsBesidesPlan()).toEqual([]);
    expect(await lastPreflight()).toMatchObject({ verdict: 'refused', program: 'failed' });
  });

  it('records a script it could not check without running it as not checked, and goes on', async () => {
    gateway(() =>
      Promise.resolve({ planned: false, reason: 'SQL statement 2 (CALL) may run a job' }),
    );
    const opId = await upgrade(sql(V2), sql(V1));
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect(await lastPreflight()).toMatchObject({
      program: 'not-checked',
      summary: expect.stringContaining('statement 2 (CALL)') as string,
    });
  });

  it('reads a .sql artifact through the artifacts port with its digest, and releases it', async () => {
    const { calls } = gateway(() => Promise.resolve({ planned: true }));
    const released = vi.fn(() => Promise.resolve());
    const sha256 = 'c'.repeat(64);
    const opened = { path: '/tmp/clicks.sql', sha256, release: released };
    const open = vi.spyOn(b.ctx.artifacts, 'open').mockResolvedValue(opened);
    const fromArtifact = job({
      artifact: undefined,
      entryClass: undefined,
      sql: { artifact: { uri: 'jobs/clicks.sql', sha256 } },
    });
    const opId = await upgrade(fromArtifact, sql(V1));
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect(open).toHaveBeenCalledWith('jobs/clicks.sql', sha256);
    expect(calls[0]?.script).toEqual({ artifact: opened });
    expect(released).toHaveBeenCalledOnce();
  });

  it('throws a gateway fault for the state machine to retry, recording nothing', async () => {
    gateway(() => Promise.reject(new ClusterUnavailableError('gateway unreachable')));
    const opId = await upgrade(sql(V2), sql(V1));
    await expect(step(opId)).rejects.toBeInstanceOf(ClusterUnavailableError);
    expect((await b.get()).status.rejected).toBeUndefined();
  });

  it('plans the statements alone in a stateless upgrade and in a plan preview', async () => {
    const { calls } = gateway(() => Promise.resolve({ planned: true }));
    const stateless = sql(V2, { upgradeMode: 'stateless' });
    const opId = await upgrade(stateless, sql(V1, { upgradeMode: 'stateless' }));
    expect(await step(opId)).toMatchObject({ event: 'preflight-passed' });
    expect((await b.get()).status.operation?.step).toBe('cancel');
    expect(await lastPreflight()).toMatchObject({
      program: 'built',
      summary: expect.stringMatching(/no running state to compare/) as string,
    });
    const preview = await previewPreflight(b.ctx, sql(V2), undefined);
    expect(preview).toMatchObject({ verdict: 'passed', program: 'built' });
    expect(calls).toHaveLength(2);
  });

  it('refuses when the cluster has no SQL gateway, as the submission would', async () => {
    const opId = await upgrade(sql(V2), sql(V1));
    expect(await step(opId)).toMatchObject({ event: 'preflight-refused' });
    expect((await b.get()).status.lastError?.message).toMatch(/declares no spec.sqlGateway/);
  });
});

describe('the pre-flight of a plan preview', () => {
  it('plans the program alone for a job that does not run yet', async () => {
    const result = await previewPreflight(b.ctx, v2, undefined);
    expect(result).toMatchObject({ verdict: 'passed', program: 'built', vertices: 2 });
    expect(result.summary).toMatch(/no running state to compare/);
    expect(b.flink.getJobPlan).not.toHaveBeenCalled();
  });

  it('compares with the job the record says runs, on the cluster it runs on', async () => {
    b.flink.planJar.mockResolvedValue({ vertices: [SOURCE, NEW_COUNTER] });
    const record = await seed(b, v2, v1);
    const result = await previewPreflight(b.ctx, v2, record);
    expect(result).toMatchObject({ verdict: 'refused', state: { dropped: [{ id: COUNTER.id }] } });
    expect(b.flink.getJobPlan).toHaveBeenCalledWith(JOB_ID);
    expect(b.clusterCalls).toEqual(['local', 'local']);
    // Nothing is written: the record is as seeded.
    expect((await b.get()).version).toBe(record.version);
  });

  it('plans the program alone when the running job is gone from the cluster', async () => {
    b.flink.getJobPlan.mockRejectedValue(new JobNotOnClusterError('gone', 'Job not found'));
    const record = await seed(b, v2, v1);
    const result = await previewPreflight(b.ctx, v2, record);
    expect(result).toMatchObject({ verdict: 'passed', program: 'built' });
    expect(result.state).toBeUndefined();
  });
});
