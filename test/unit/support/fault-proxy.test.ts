/**
 * The fault-injection proxy (test/support/fault-proxy.ts) against a canned loopback server
 * standing in for Flink: transparent forwarding, each fault, rule matching and budgets, the
 * counters, and that close() ends everything it holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../functions/commons/errors.js';
import { FlinkError, FlinkRestClient } from '../../../functions/flink/index.js';
import { routeOf, startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { cannedServer, json } from '../flink/canned-server.js';

const JOB = '0123456789abcdef0123456789abcdef';
const TRIGGER = 'fedcba9876543210fedcba9876543210';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(now?: () => number) {
  const flink = await cannedServer((req, res) => {
    if (req.url === '/config') {
      json(res, 200, { 'flink-version': '2.3.0' });
      return;
    }
    json(res, req.method === 'POST' ? 202 : 200, {
      echo: { method: req.method, url: req.url, body: req.body.toString('utf8') },
      header: req.headers['x-probe'] ?? null,
    });
  });
  cleanups.push(() => flink.close());
  const proxy: FaultProxy = await startFaultProxy({
    target: flink.url,
    ...(now === undefined ? {} : { now }),
  });
  cleanups.push(() => proxy.close());
  return { flink, proxy };
}

/** A fetch that gives up after `ms` (the proxy never bounds the caller's wait itself). */
function call(url: string, init: RequestInit = {}, ms = 5_000): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
}

describe('routeOf', () => {
  it('names a route with its ids normalized and no query', () => {
    expect(routeOf('get', `/jobs/${JOB}/savepoints/${TRIGGER}`)).toBe(
      'GET /jobs/:id/savepoints/:id',
    );
    expect(routeOf('PATCH', `/jobs/${JOB}?mode=cancel`)).toBe('PATCH /jobs/:id');
    expect(routeOf('POST', '/jars/2f1c-uuid_counter.jar/run')).toBe('POST /jars/:jar/run');
    expect(routeOf('POST', '/jars/upload')).toBe('POST /jars/upload');
    expect(routeOf('GET', '/jobs/overview')).toBe('GET /jobs/overview');
  });
});

describe('the fault proxy', () => {
  it('forwards method, path, query, headers and body unchanged, and counts per route', async () => {
    const { flink, proxy } = await setup();
    const reply = await call(`${proxy.url}/jobs/${JOB}?mode=cancel`, {
      method: 'PATCH',
      headers: { 'x-probe': 'yes' },
    });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({
      echo: { method: 'PATCH', url: `/jobs/${JOB}?mode=cancel`, body: '' },
      header: 'yes',
    });
    const big = 'x'.repeat(256 * 1024);
    const post = await call(`${proxy.url}/jars/abc_counter.jar/run`, { method: 'POST', body: big });
    expect(post.status).toBe(202);
    expect(((await post.json()) as { echo: { body: string } }).echo.body).toBe(big);
    expect(flink.requests).toHaveLength(2);
    expect(proxy.stats()).toEqual({
      'PATCH /jobs/:id': { calls: 1, forwarded: 1, faulted: 0 },
      'POST /jars/:jar/run': { calls: 1, forwarded: 1, faulted: 0 },
    });
    expect(proxy.count('POST /jars/:jar/run')).toBe(1);
    expect(proxy.count('GET /overview')).toBe(0);
  });

  it('answers with an injected status and a Flink error body, without forwarding, `times` times', async () => {
    const { flink, proxy } = await setup();
    const rule = proxy.inject({
      method: 'GET',
      path: '/jobs/:id/savepoints/:id',
      fault: { kind: 'status', status: 500 },
      times: 2,
    });
    const path = `${proxy.url}/jobs/${JOB}/savepoints/${TRIGGER}`;
    for (let i = 0; i < 2; i++) {
      const reply = await call(path);
      expect(reply.status).toBe(500);
      expect(await reply.json()).toEqual({ errors: ['Internal server error.'] });
    }
    expect((await call(path)).status).toBe(200);
    expect(rule.hits).toBe(2);
    expect(flink.requests).toHaveLength(1);
    expect(proxy.stats()['GET /jobs/:id/savepoints/:id']).toEqual({
      calls: 3,
      forwarded: 1,
      faulted: 2,
    });
  });

  it('resets the connection without forwarding', async () => {
    const { flink, proxy } = await setup();
    proxy.inject({ path: /^\/jars\/upload$/, fault: { kind: 'reset' } });
    const error = await call(`${proxy.url}/jars/upload`, { method: 'POST', body: 'jar' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(flink.requests).toHaveLength(0);
    expect(proxy.calls.at(-1)).toMatchObject({ route: 'POST /jars/upload', outcome: 'reset' });
  });

  it('loses the answer: Flink gets and answers the call, the caller hears nothing', async () => {
    const { flink, proxy } = await setup();
    proxy.inject({ method: 'POST', path: '/jars/:jar/run', fault: { kind: 'lose-answer' } });
    const reset = await call(`${proxy.url}/jars/a.jar/run`, { method: 'POST', body: '{}' }).catch(
      (e: unknown) => e,
    );
    expect(reset).toBeInstanceOf(TypeError);
    expect(flink.requests.map((r) => r.url)).toEqual(['/jars/a.jar/run']);
    expect(proxy.calls.at(-1)).toMatchObject({ outcome: 'lose-answer', status: 202 });

    proxy.clear();
    proxy.inject({ path: /\/stop$/, fault: { kind: 'lose-answer', hang: true } });
    const silent = await call(`${proxy.url}/jobs/${JOB}/stop`, { method: 'POST' }, 300).catch(
      (e: unknown) => e,
    );
    expect((silent as Error).name).toBe('TimeoutError');
    expect(flink.requests.map((r) => r.url)).toEqual(['/jars/a.jar/run', `/jobs/${JOB}/stop`]);
  });

  it('delays a call by at least the latency, then forwards it', async () => {
    const { flink, proxy } = await setup();
    proxy.inject({ path: '/overview', fault: { kind: 'latency', ms: 200 } });
    const started = performance.now();
    const reply = await call(`${proxy.url}/overview`);
    expect(reply.status).toBe(200);
    // A lower bound only: a timer never fires early, however loaded the machine.
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(flink.requests).toHaveLength(1);

    // A body sent meanwhile waits in the proxy and arrives whole.
    proxy.inject({ path: '/jars/upload', fault: { kind: 'latency', ms: 100 } });
    const body = 'j'.repeat(512 * 1024);
    const upload = await call(`${proxy.url}/jars/upload`, { method: 'POST', body });
    expect(((await upload.json()) as { echo: { body: string } }).echo.body).toBe(body);
  });

  it('blackholes a call until the caller gives up, and close() ends every held call', async () => {
    const { flink, proxy } = await setup();
    proxy.inject({ path: '/jobs/overview', fault: { kind: 'blackhole' } });
    proxy.inject({ path: '/overview', fault: { kind: 'latency', ms: 3_600_000 } });
    const timedOut = await call(`${proxy.url}/jobs/overview`, {}, 300).catch((e: unknown) => e);
    expect((timedOut as Error).name).toBe('TimeoutError');
    // No deadline on these two: only close() can end them, and it must.
    const held = fetch(`${proxy.url}/jobs/overview`).catch((e: unknown) => e);
    const delayed = fetch(`${proxy.url}/overview`).catch((e: unknown) => e);
    await expect.poll(() => proxy.count('GET /overview')).toBe(1);
    await expect.poll(() => proxy.count('GET /jobs/overview')).toBe(2);
    await proxy.close();
    expect(await held).toBeInstanceOf(TypeError);
    expect(await delayed).toBeInstanceOf(TypeError);
    expect(flink.requests).toHaveLength(0);
  });

  it('matches method and path, skips calls, and ends a rule after forMs', async () => {
    let clock = 0;
    const { proxy } = await setup(() => clock);
    const rule = proxy.inject({
      method: 'GET',
      path: /^\/jobs\/overview$/,
      fault: { kind: 'status', status: 503 },
      skip: 1,
      forMs: 15_000,
    });
    const status = async (method = 'GET') =>
      (await call(`${proxy.url}/jobs/overview`, { method })).status;
    expect(await status()).toBe(200); // skipped
    expect(await status('POST')).toBe(202); // another method
    expect(await status()).toBe(503);
    clock = 14_999;
    expect(await status()).toBe(503);
    clock = 15_000;
    expect(await status()).toBe(200);
    expect(rule.seen).toBe(3);
    expect(rule.hits).toBe(2);
    rule.remove();
    expect(proxy.stats()['GET /jobs/overview']).toEqual({ calls: 4, forwarded: 2, faulted: 2 });
  });

  it('resets the caller’s connection when Flink cannot be reached', async () => {
    const { flink, proxy } = await setup();
    await flink.close();
    const error = await call(`${proxy.url}/overview`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    await expect.poll(() => proxy.calls.at(-1)?.outcome).toBe('upstream-error');
  });

  it('carries fjc’s own Flink client, whose lost submission is an error, never a success', async () => {
    const { flink, proxy } = await setup();
    const client = new FlinkRestClient({
      baseUrl: proxy.url,
      flinkVersion: '2.3.0',
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      timeoutMs: 2_000,
    });
    cleanups.push(() => client.close());
    expect(await client.getConfig()).toMatchObject({ 'flink-version': '2.3.0' });
    proxy.inject({ path: '/jars/:jar/run', fault: { kind: 'lose-answer' } });
    const lost = await client.runJar('a.jar', { jobId: JOB }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(FlinkError);
    expect(flink.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /config',
      'POST /jars/a.jar/run',
    ]);
  });

  it('refuses a target off this machine or not http', async () => {
    await expect(startFaultProxy({ target: 'http://flink.example.com:8081' })).rejects.toThrow(
      ConfigurationError,
    );
    await expect(startFaultProxy({ target: 'https://127.0.0.1:8081' })).rejects.toThrow(
      /http on loopback/,
    );
    await expect(startFaultProxy({ target: 'not a url' })).rejects.toThrow(/not a URL/);
  });
});
