import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StaticTeamDirectory } from '../../functions/api/team-directory.js';
import type { JobRecord, SavepointRecord } from '../../functions/core/model/index.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import { startApiServer, type ApiServer } from '../../scripts/local/api-server.js';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/local-runtime.js';
import {
  converge,
  counterAbove,
  counterOf,
  exampleJobDocument,
  localClusterDocument,
  stableAt,
  storedJob,
} from '../support/e2e.js';

/**
 * Savepoints as a resource on real Flink: restore a running job from a chosen catalog entry
 * through the API's restore action (the counter comes back to that savepoint's value), a pinned
 * savepoint outlives retention while unpinned older ones are disposed of, and a resume with a
 * pending `spec.restore.from` starts from the chosen savepoint, not from the suspend's.
 */
const NAME = 'sp-counter';
const TOKEN = 'e2e-savepoints';
let rt: LocalRuntime;
let flink: FlinkRestClient;
let api: ApiServer;

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const job = () => storedJob(rt, NAME);
const catalog = async (): Promise<SavepointRecord[]> =>
  (await rt.store.listSavepoints(NAME, { limit: 100 })).items;
const entry = async (id: string): Promise<SavepointRecord | undefined> =>
  (await catalog()).find((s) => s.id === id);
const onDisk = (path: string) => existsSync(`${fileURLToPath(path)}/_metadata`);

/** Asks for a manual savepoint and waits for its operation (with retention) to end. */
async function manualSavepoint(): Promise<SavepointRecord> {
  const before = new Set((await catalog()).map((s) => s.id));
  expect((await call('POST', `/v1/jobs/${NAME}/actions/savepoint`)).status).toBe(202);
  const wanted = (await job()).spec as { spec?: { savepointNonce?: number } };
  const nonce = wanted.spec?.savepointNonce ?? 0;
  await converge(
    rt,
    NAME,
    `manual savepoint ${nonce}`,
    (r) => (r.status.savepointNonce ?? 0) >= nonce && r.status.operation === undefined,
  );
  const made = (await catalog()).find((s) => !before.has(s.id));
  if (made === undefined) throw new Error('the savepoint action added no catalog entry');
  expect(made.status).toBe('COMPLETED');
  return made;
}

beforeAll(async () => {
  rt = await startLocalRuntime({ baseDir: process.cwd() });
  flink = new FlinkRestClient({ baseUrl: inject('flinkUrl') });
  await rt.apply(
    localClusterDocument(inject('flinkUrl'), { savepointDir: inject('savepointDir') }),
    'cluster.yaml',
  );
  api = await startApiServer({
    store: rt.store,
    teams: new StaticTeamDirectory({ admins: ['e2e-admin'] }),
    tokens: { [TOKEN]: 'e2e-admin' },
    checkpoints: rt.context.checkpoints,
  });
});

afterAll(async () => {
  const record = await rt.store.getJob(NAME);
  if (record?.status.jobId) await flink.cancelJob(record.status.jobId).catch(() => undefined);
  await api.stop();
  await flink.close();
  await rt.stop();
});

/**
 * Runs the control loop until the job runs as another Flink job than `oldJob`, reads that job's
 * first count as soon as it reports, then waits until it is stable on the current spec.
 */
async function firstCountAfter(oldJob: string): Promise<{ first: number; record: JobRecord }> {
  const hash = (await job()).specHash;
  const control = { looping: true };
  const loop = (async () => {
    while (control.looping) {
      await rt.reconcileOnce();
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  try {
    const deadline = Date.now() + 150_000;
    let record = await job();
    while (record.status.jobId === oldJob || record.status.jobId === undefined) {
      if (Date.now() > deadline) throw new Error(`no new job: ${JSON.stringify(record.status)}`);
      await new Promise((r) => setTimeout(r, 200));
      record = await job();
    }
    const first = await counterAbove(flink, record.status.jobId ?? '', 0, 100);
    return { first, record: await converge(rt, NAME, 'stable after the start', stableAt(hash)) };
  } finally {
    control.looping = false;
    await loop;
  }
}

describe('savepoints as a resource on real Flink', () => {
  let a: SavepointRecord;
  // What the counter showed just before and a little after savepoint A was taken.
  let aLow = 0;
  let aHigh = 0;

  it('restores the running job from a chosen savepoint: the counter returns to its value', async () => {
    await rt.apply(
      exampleJobDocument(NAME, {
        args: ['--rate', '100'],
        spec: { savepointPolicy: { maxCount: 2 } },
      }),
      'sp-counter.yaml',
    );
    const deployed = await converge(rt, NAME, 'first deploy', stableAt((await job()).specHash));
    const oldJob = deployed.status.jobId ?? '';

    // Savepoint A lies between what the counter showed before the trigger and a little after.
    const low = await counterAbove(flink, oldJob, 0);
    a = await manualSavepoint();
    expect(a).toMatchObject({ triggerKind: 'manual', jobType: 'jar', flinkJobId: oldJob });
    expect(a.flinkVersion).toMatch(/^\d+\.\d+/);
    // The counter is the largest of 8 per-key counts: at --rate 100 it grows by about 12 a second.
    const high = await counterAbove(flink, oldJob, (await counterOf(flink, oldJob)) + 25);
    // Far past A (about 20 s more): a restore from A shows a counter well below this.
    const further = await counterAbove(flink, oldJob, high + 250);

    const refused = await call('POST', `/v1/jobs/${NAME}/actions/restore`, {
      savepointId: '20200101T000000000Z-nope',
    });
    expect(refused.status).toBe(404);
    const restore = await call('POST', `/v1/jobs/${NAME}/actions/restore`, { savepointId: a.id });
    expect(restore.status).toBe(202);
    const catalogBefore = (await catalog()).length;
    const hash = (await job()).specHash;

    // The control loop runs on its own; the counter of the new job is read as soon as it reports.
    const control = { looping: true };
    const loop = (async () => {
      while (control.looping) {
        await rt.reconcileOnce();
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    let restored: JobRecord;
    let first: number;
    try {
      const deadline = Date.now() + 150_000;
      let record = await job();
      while (record.status.jobId === oldJob) {
        if (Date.now() > deadline) throw new Error(`no restore: ${JSON.stringify(record.status)}`);
        await new Promise((r) => setTimeout(r, 200));
        record = await job();
      }
      first = await counterAbove(flink, record.status.jobId ?? '', 0, 100);
      restored = await converge(rt, NAME, 'stable after the restore', stableAt(hash));
    } finally {
      control.looping = false;
      await loop;
    }
    console.log(
      `fjc: savepoint A between ${low} and ${high}; the old job reached ${further}; the restored job's first count ${first}`,
    );
    aLow = low;
    aHigh = high;
    expect(first).toBeGreaterThanOrEqual(low);
    expect(first).toBeLessThan(further);
    expect(restored.status.jobId).not.toBe(oldJob);
    expect(restored.status.restoredFrom).toBe(a.path);
    expect(restored.status.restorePoint?.reason).toContain(a.id);
    // Cancelled, not stopped with a savepoint: the catalog did not grow.
    expect((await flink.getJob(oldJob)).state).toBe('CANCELED');
    expect((await catalog()).length).toBe(catalogBefore);
    const actions = (await rt.store.listHistory(NAME, { limit: 50 })).items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['restore-started', 'chosen-savepoint-resolved', 'stable']),
    );
  });

  it('keeps a pinned savepoint through retention and disposes of unpinned older ones', async () => {
    const pin = await call('POST', `/v1/jobs/${NAME}/savepoints/${a.id}/pin`);
    expect(pin.status).toBe(200);
    expect(await pin.json()).toMatchObject({ id: a.id, pinned: true });
    expect((await call('DELETE', `/v1/jobs/${NAME}/savepoints/${a.id}`)).status).toBe(409);

    // maxCount 2: without the pin, A would go at the second of these.
    const b = await manualSavepoint();
    // Taken from the job restored from A: its lineage says so.
    expect(b).toMatchObject({ parentId: a.id, restoredFrom: a.path, jobType: 'jar' });
    const c = await manualSavepoint();
    const d = await manualSavepoint();
    expect(await entry(a.id)).toMatchObject({ status: 'COMPLETED', pinned: true });
    expect(onDisk(a.path ?? '')).toBe(true);
    expect((await entry(b.id))?.status).toBe('DISPOSED');
    expect(onDisk(b.path ?? '')).toBe(false);
    expect((await entry(c.id))?.status).toBe('COMPLETED');

    // Deletion guards, then a deletion carried out by the next retention round.
    const newest = await call('DELETE', `/v1/jobs/${NAME}/savepoints/${d.id}`);
    expect(newest.status).toBe(409);
    expect(JSON.stringify(await newest.json())).toContain('newest restorable');
    expect((await call('DELETE', `/v1/jobs/${NAME}/savepoints/${c.id}`)).status).toBe(202);
    await manualSavepoint();
    expect((await entry(c.id))?.status).toBe('DISPOSED');
    expect(onDisk(c.path ?? '')).toBe(false);
    expect(await entry(a.id)).toMatchObject({ status: 'COMPLETED', pinned: true });

    // Registration checks _metadata on storage; a path as Flink printed it (`file:/…`) is taken
    // as-is, and one already catalogued is found under either spelling.
    expect(a.path).toMatch(/^file:\/(?!\/)/);
    const missing = await call('POST', `/v1/jobs/${NAME}/savepoints`, {
      path: `${a.path}-missing`,
    });
    expect(missing.status).toBe(409);
    expect(JSON.stringify(await missing.json())).toContain('_metadata');
    const threeSlashes = (a.path ?? '').replace(/^file:\/(?!\/)/, 'file:///');
    const known = await call('POST', `/v1/jobs/${NAME}/savepoints`, { path: threeSlashes });
    expect(known.status).toBe(409);
    expect(JSON.stringify(await known.json())).toContain(a.id);

    // Who pinned and deleted which savepoint is in the job's history.
    const history = (await (await call('GET', `/v1/jobs/${NAME}/history?limit=100`)).json()) as {
      items: { action: string; actor: string; details?: { savepointId?: string } }[];
    };
    const byPeople = history.items
      .filter((e) => ['savepoint.pinned', 'savepoint.deleted'].includes(e.action))
      .map((e) => [e.action, e.actor, e.details?.savepointId]);
    expect(byPeople).toEqual([
      ['savepoint.deleted', 'e2e-admin', c.id],
      ['savepoint.pinned', 'e2e-admin', a.id],
    ]);
  });

  it('resumes from a pending spec.restore.from, not from the suspend’s savepoint', async () => {
    const running = (await job()).status.jobId ?? '';
    // Past A by more than the restored job counts before its first look (about 12 a second), so
    // that a resume from the suspend's savepoint would show a higher count than one from A.
    const beforeSuspend = await counterAbove(flink, running, aHigh + 150);
    expect((await call('POST', `/v1/jobs/${NAME}/actions/suspend`)).status).toBe(202);
    const suspended = await converge(
      rt,
      NAME,
      'suspended',
      (r) => r.status.phase === 'SUSPENDED' && r.status.operation === undefined,
    );
    expect(suspended.status.newestSavepoint?.path).not.toBe(a.path);

    // The spec asks to run again from A: a new restore nonce, written through a spec file.
    const doc = structuredClone(suspended.spec) as {
      spec: { state: string; restore?: { from?: { nonce: number } } };
    };
    const nonce = (doc.spec.restore?.from?.nonce ?? 0) + 1;
    doc.spec.state = 'running';
    doc.spec.restore = { ...doc.spec.restore, from: { savepointId: a.id, nonce } } as never;
    await rt.apply(JSON.stringify(doc), 'sp-counter.yaml');

    const { first, record } = await firstCountAfter(running);
    console.log(
      `fjc: resume with restore.from A (between ${aLow} and ${aHigh}); suspended at ${beforeSuspend} or more; the resumed job's first count ${first}`,
    );
    expect(first).toBeGreaterThanOrEqual(aLow);
    expect(first).toBeLessThan(beforeSuspend);
    expect(record.status.restoredFrom).toBe(a.path);
    expect(record.status.restorePoint?.reason).toContain(a.id);
    const applied = record.status.lastApplied?.spec as { spec?: { restore?: { from?: object } } };
    expect(applied.spec?.restore?.from).toMatchObject({ savepointId: a.id, nonce });
    const actions = (await rt.store.listHistory(NAME, { limit: 30 })).items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['resume-started', 'chosen-savepoint-resolved', 'stable']),
    );
  });
});
