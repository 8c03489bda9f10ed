/**
 * The stability gate's progress through the API: the verify step writes it each time it looks
 * (dynalite, the real store and step engine, a scripted Flink), `GET /v1/jobs/{name}` shows it
 * during the soak, and `fjc get`'s rendering says what the gate waits for. A metric condition
 * that fails at the end of the soak starts the unchanged rollback path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { advanceOperation } from '../../../functions/core/operations/advance.js';
import { StaticTeamDirectory } from '../../../functions/api/team-directory.js';
import { jobViewSchema } from '../../../functions/api/schemas.js';
import { startApiServer, type ApiServer } from '../../../scripts/local/api-server.js';
import { renderGateLine } from '../../../scripts/cli/render/gate.js';
import { renderJobDetail } from '../../../scripts/cli/render/jobs.js';
import type { JobView } from '../../../scripts/cli/api-types.js';
import {
  NAME,
  OWNER,
  begin,
  checkpoints,
  job,
  jobDetail,
  seed,
  snap,
  useBench,
  type Bench,
} from '../core/operations/harness.js';

let b: Bench;
useBench((fresh) => (b = fresh));
let api: ApiServer | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

const step = (opId: string) => advanceOperation(b.ctx, NAME, opId, OWNER, 0);

async function getJob() {
  api ??= await startApiServer({
    store: b.store,
    teams: new StaticTeamDirectory({ admins: ['admin'], teams: {} }),
    tokens: { 'token-admin-0123456789': 'admin' },
  });
  const response = await fetch(`${api.url}/v1/jobs/${NAME}`, {
    headers: { authorization: 'Bearer token-admin-0123456789' },
  });
  expect(response.status).toBe(200);
  // As the CLI reads it: the wire form, checked against the API's own schema.
  const body = (await response.json()) as JobView;
  jobViewSchema.parse(body);
  return body;
}

describe('stability gate progress', () => {
  const v1 = job({ upgradeMode: 'stateless' });
  const v2 = job({
    upgradeMode: 'stateless',
    args: ['--emit', 'false'],
    stabilityGate: { soakWindow: '20s', minCompletedCheckpoints: 1, minRecordsOut: 1 },
  });

  it('shows in GET /v1/jobs/{name} during the soak, and a job that emits nothing is rolled back', async () => {
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    await step(opId); // cancel
    await step(opId); // await-stopped
    expect(await step(opId)).toMatchObject({ event: 'job-submitted' });
    const submitted = await b.get();
    const pending = submitted.status.jobId ?? '';
    expect(submitted.status.operation?.step).toBe('await-stable');

    b.flink.getJob.mockResolvedValue(jobDetail('RUNNING', pending, b.now().getTime()));
    b.flink.getCheckpoints.mockResolvedValue(checkpoints('file:///c/1', 1));
    b.flink.getJobMetrics.mockResolvedValue({ recordsToSinks: 0, busyRatio: 0.1 });
    b.advance(5_000);
    const before = await b.get();
    expect(await step(opId)).toMatchObject({ next: 'wait' });

    // Written once, without an audit entry: a look is an observation, not a change.
    const looked = await b.get();
    expect(looked.version).toBe(before.version + 1);
    expect(looked.recentHistory).toEqual(before.recentHistory);
    const view = await getJob();
    expect(view.status.phase).toBe('UPGRADING');
    expect(view.status.gate).toEqual({
      specHash: snap(v2, 1).specHash,
      jobId: pending,
      verdict: 'pending',
      at: b.now().toISOString(),
      state: 'RUNNING',
      soakMs: { done: 5_000, required: 20_000 },
      checkpoints: { done: 1, required: 1 },
      restarts: { done: 0, required: 0 },
      conditions: [{ name: 'minRecordsOut', value: 0, bound: 1, met: false }],
    });
    const gate = view.status.gate;
    if (!gate) throw new Error('no gate progress');
    expect(renderGateLine(gate)).toBe(
      'pending (RUNNING): soak 5s/20s, checkpoints 1/1, restarts 0/0, minRecordsOut 0 (need ≥ 1) ✗',
    );
    expect(renderJobDetail(view, b.now())).toContain('Soak:           5s of 20s …');

    // An unchanged look soon after writes nothing more.
    b.advance(500);
    expect(await step(opId)).toMatchObject({ next: 'wait' });
    expect((await b.get()).version).toBe(looked.version);

    // Past the soak window the condition is final: unstable, and the rollback path starts.
    b.advance(20_000);
    expect(await step(opId)).toMatchObject({ next: 'step', event: 'rollback-started' });
    const rolling = await b.get();
    expect(rolling.status).toMatchObject({
      phase: 'ROLLING_BACK',
      rejected: { specHash: snap(v2, 1).specHash },
      lastError: { code: 'NOT_STABLE' },
      gate: { verdict: 'unstable', jobId: pending },
    });
    expect(rolling.status.lastError?.message).toContain('minRecordsOut 0 (≥ 1)');
    expect(rolling.status.operation?.data).not.toHaveProperty('gateSamples');
    expect((await getJob()).status.gate?.verdict).toBe('unstable');
  });

  it('reads no metrics for a gate without metric conditions', async () => {
    await seed(b, v1, job({ upgradeMode: 'stateless', args: ['--rate', '5'] }));
    const opId = await begin(b, 'upgrade', v1);
    await step(opId);
    await step(opId);
    await step(opId);
    const pending = (await b.get()).status.jobId ?? '';
    b.flink.getJob.mockResolvedValue(jobDetail('RUNNING', pending, b.now().getTime()));
    b.flink.getCheckpoints.mockResolvedValue(checkpoints('file:///c/1', 0));
    b.advance(1_000);
    expect(await step(opId)).toMatchObject({ next: 'wait' });
    expect(b.flink.getJobMetrics).not.toHaveBeenCalled();
    expect((await getJob()).status.gate).toMatchObject({ verdict: 'pending', conditions: [] });
  });
});
