import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StaticTeamDirectory } from '../../functions/api/team-directory.js';
import type { JobRecord } from '../../functions/core/model/index.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import { startApiServer, type ApiServer } from '../../scripts/local/api-server.js';
import type { LocalRuntime } from '../../scripts/local/local-runtime.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import { exampleJob, localClusterDocument, stableAt, startProxiedRuntime } from '../support/e2e.js';

/**
 * The event path end to end on the real Flink cluster: a spec change accepted by the API starts
 * a targeted reconcile in the local runtime (the same trigger port as in AWS), which reaches
 * Flink's `/jars/:id/run` without any scheduled cycle: this test never runs one. A pass-through
 * proxy in front of Flink (no faults) sees when each call arrives; the measured latency is
 * printed, the bound asserted is loose (a loaded 2-core machine), the target is ≤ 2 s.
 */
const NAME = 'event-counter';
const TOKEN = 'event-path-token-0123456789';
const RUN = 'POST /jars/:jar/run';
const STOP = 'POST /jobs/:id/stop';

let rt: LocalRuntime;
let api: ApiServer;
let proxy: FaultProxy;
let flink: FlinkRestClient;

const jobSpec = (args: string[]) => exampleJob(NAME, { args });

/** PUTs the spec through the API; returns when the request was sent and when it was answered. */
async function put(spec: Record<string, unknown>): Promise<{ sentAt: number; answeredAt: number }> {
  const sentAt = Date.now();
  const response = await fetch(`${api.url}/v1/jobs/${NAME}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  const answeredAt = Date.now();
  expect(response.status, await response.text()).toBeLessThan(300);
  return { sentAt, answeredAt };
}

/** When the proxy has seen `count` calls of `route`, polled finely (the figure is printed). */
async function callSeen(route: string, count: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (proxy.count(route) < count) {
    if (Date.now() > deadline)
      throw new Error(`${route} not called ${count} time(s) within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now();
}

/** Waits, without running any reconcile cycle, until the stored job satisfies `done`. */
async function until(what: string, done: (r: JobRecord) => boolean): Promise<JobRecord> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const record = await rt.store.getJob(NAME);
    if (record && done(record)) return record;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(record?.status)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  ({ rt, proxy } = await startProxiedRuntime());
  flink = new FlinkRestClient({ baseUrl: inject('flinkUrl') });
  api = await startApiServer({
    store: rt.store,
    teams: new StaticTeamDirectory({ admins: ['event-admin'] }),
    tokens: { [TOKEN]: 'event-admin' },
    reconcile: rt.trigger,
    probe: rt.prober,
  });
});

afterAll(async () => {
  const record = await rt.store.getJob(NAME);
  if (record?.status.jobId) await flink.cancelJob(record.status.jobId).catch(() => undefined);
  await api.stop();
  await rt.trigger.idle();
  await rt.stop();
  await proxy.close();
  await flink.close();
});

describe('event-driven reconcile on real Flink (no scheduled cycle runs)', () => {
  it('a new job reaches /run through the event path alone', async () => {
    const { sentAt, answeredAt } = await put(jobSpec(['--rate', '50']));
    const runAt = await callSeen(RUN, 1);
    console.log(
      `fjc: event path, spec change → /jars/:id/run: ${runAt - answeredAt} ms after the API answered ` +
        `(${runAt - sentAt} ms after the PUT was sent; PUT took ${answeredAt - sentAt} ms)`,
    );
    // Loose: proves the event path did it (nothing else runs a cycle here), not a speed target.
    expect(runAt - sentAt).toBeLessThan(60_000);
    const record = await until('stable', stableAt((await rt.store.getJob(NAME))?.specHash ?? ''));
    expect((await flink.getJob(record.status.jobId ?? '')).state).toBe('RUNNING');
    expect(proxy.count(RUN)).toBe(1);
  });

  it('a changed spec starts its savepoint upgrade through the event path alone', async () => {
    const before = await rt.store.getJob(NAME);
    const { sentAt, answeredAt } = await put(jobSpec(['--rate', '60']));
    const stopAt = await callSeen(STOP, 1);
    const runAt = await callSeen(RUN, 2);
    console.log(
      `fjc: event path, spec change → stop-with-savepoint: ${stopAt - answeredAt} ms after the API answered; ` +
        `→ /run of the new version: ${runAt - answeredAt} ms (includes Flink's savepoint and stop)`,
    );
    expect(stopAt - sentAt).toBeLessThan(60_000);
    const hash = (await rt.store.getJob(NAME))?.specHash ?? '';
    const after = await until('upgraded and stable', stableAt(hash));
    expect(after.status.jobId).not.toBe(before?.status.jobId);
    expect(proxy.count(RUN)).toBe(2);
  });

  it('the cluster probe (POST /v1/clusters/probe) passes the real cluster and fails a closed port', async () => {
    // A loopback port nothing listens on: the API's own port after it is closed would race, so
    // one taken and released here.
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const closed = `http://127.0.0.1:${String((server.address() as { port: number }).port)}`;
    await new Promise((resolve) => server.close(resolve));
    await rt.apply(localClusterDocument(closed, { name: 'closed' }), 'closed.yaml');
    const started = Date.now();
    const response = await fetch(`${api.url}/v1/clusters/probe?clusters=local,closed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const body = (await response.json()) as {
      clusters: {
        cluster: string;
        ok: boolean;
        checks: { check: string; outcome: string; remedy?: string }[];
      }[];
    };
    console.log(`fjc: probe of 2 clusters (one real, one closed port): ${Date.now() - started} ms`);
    const outcome = (name: string) =>
      body.clusters
        .find((c) => c.cluster === name)
        ?.checks.map(
          (c) => `${c.check}:${c.outcome}${c.outcome === 'failed' && c.remedy ? '+remedy' : ''}`,
        );
    expect({ status: response.status, local: outcome('local'), closed: outcome('closed') }).toEqual(
      {
        status: 200,
        local: ['record:ok', 'secret:skipped', 'rest:ok', 'storage:ok', 'storage:ok'],
        closed: ['record:ok', 'secret:skipped', 'rest:failed+remedy', 'storage:skipped'],
      },
    );
  });
});
