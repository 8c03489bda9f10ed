import { getDefaultAutoSelectFamily, setDefaultAutoSelectFamily } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { egressPolicy } from '../../../functions/commons/egress.js';
import {
  FlinkEgressRefusedError,
  FlinkProtocolError,
  FlinkRestClient,
  type FlinkRestClientOptions,
  type ResolveHost,
} from '../../../functions/flink/index.js';
import { cannedServer, json, type Responder } from './canned-server.js';

/**
 * The egress policy at connect time: every address a host name resolves to is checked before a
 * socket is opened (DNS may answer differently than when the spec was validated), IP literals
 * are checked as well, and redirects are never followed. No external DNS here: the resolver is
 * injected.
 */
const JOB = '0123456789abcdef0123456789abcdef';
const TOKEN = 'tok-egress-0123456789';
const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function server(
  respond: Responder = (_req, res) => {
    json(res, 200, { jobs: [] });
  },
) {
  const s = await cannedServer(respond);
  cleanups.push(() => s.close());
  return { ...s, port: new URL(s.url).port };
}

function client(options: FlinkRestClientOptions): FlinkRestClient {
  const c = new FlinkRestClient({
    flinkVersion: '2.3.0',
    retry: fast,
    timeoutMs: 5_000,
    ...options,
  });
  cleanups.push(() => c.close());
  return c;
}

/** A resolver answering each lookup with the next list of addresses, the last one repeating. */
function resolverAnswering(...answers: string[][]): ResolveHost & { names: string[] } {
  const names: string[] = [];
  let next = 0;
  const resolve = (hostname: string) => {
    names.push(hostname);
    const addresses = answers[Math.min(next++, answers.length - 1)] ?? [];
    return Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
  return Object.assign(resolve, { names });
}

async function refusal(promise: Promise<unknown>): Promise<FlinkEgressRefusedError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FlinkEgressRefusedError);
  return error as FlinkEgressRefusedError;
}

describe('egress at connect time', () => {
  it.each([['169.254.169.254'], ['::ffff:169.254.169.254'], ['fd00:ec2::254'], ['169.254.170.2']])(
    'refuses a host name resolving to %s without connecting or retrying',
    async (address) => {
      const s = await server();
      const resolve = resolverAnswering([address]);
      const c = client({ baseUrl: `http://flink.test:${s.port}`, resolveHost: resolve });
      const error = await refusal(c.listJobs());
      expect(error.message).toContain('flink.test');
      expect(error.message).toMatch(/metadata|container credentials/);
      expect(error.remedy).toMatch(/egress/);
      expect(resolve.names).toEqual(['flink.test']);
      expect(s.requests).toHaveLength(0);
    },
  );

  it('refuses when any of the resolved addresses is forbidden', async () => {
    const s = await server();
    const resolve = resolverAnswering(['127.0.0.1', '169.254.169.254']);
    const c = client({ baseUrl: `http://flink.test:${s.port}`, resolveHost: resolve });
    await refusal(c.listJobs());
    expect(s.requests).toHaveLength(0);
  });

  it('checks every new connection: a name rebound to the metadata endpoint is refused', async () => {
    // `connection: close` makes every call open a new connection, hence resolve again.
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ jobs: [] }));
    });
    const resolve = resolverAnswering(['127.0.0.1'], ['169.254.169.254']);
    const c = client({ baseUrl: `http://flink.test:${s.port}`, resolveHost: resolve });
    await expect(c.listJobs()).resolves.toEqual({ jobs: [], unreadable: [] });
    const error = await refusal(c.listJobs());
    expect(error.message).toMatch(/flink\.test \(169\.254\.169\.254\).*metadata/);
    expect(resolve.names.length).toBeGreaterThanOrEqual(2);
    expect(s.requests).toHaveLength(1);
  });

  it.each([
    'http://169.254.169.254:81',
    'http://2852039166:81',
    'http://0xa9fea9fe:81',
    'http://169.254.43518:81',
    'http://[::ffff:a9fe:a9fe]:81',
    'http://[fd00:ec2::254]:81',
    'http://[fe80::1]:81',
  ])('refuses the IP literal %s before opening a socket', async (baseUrl) => {
    const resolve = resolverAnswering(['127.0.0.1']);
    const c = client({ baseUrl, resolveHost: resolve, timeoutMs: 60_000 });
    const error = await refusal(c.getOverview());
    expect(error.message).toMatch(/metadata|link-local/);
    expect(resolve.names).toEqual([]);
  });

  it('applies the configured deny-list and allow-list to resolved addresses', async () => {
    const s = await server();
    const denyLoopback = egressPolicy({ deny: '127.0.0.0/8' });
    const literal = client({ baseUrl: s.url, egress: denyLoopback });
    expect((await refusal(literal.listJobs())).message).toMatch(/127\.0\.0\.0\/8.*FJC_EGRESS_DENY/);
    const named = client({
      baseUrl: `http://flink.test:${s.port}`,
      egress: denyLoopback,
      resolveHost: resolverAnswering(['127.0.0.1']),
    });
    await refusal(named.listJobs());
    expect(s.requests).toHaveLength(0);

    const allowName = client({
      baseUrl: `http://flink.test:${s.port}`,
      egress: egressPolicy({ allow: 'flink.test' }),
      resolveHost: resolverAnswering(['127.0.0.1']),
    });
    await expect(allowName.listJobs()).resolves.toEqual({ jobs: [], unreadable: [] });
    const allowOther = client({
      baseUrl: `http://flink.test:${s.port}`,
      egress: egressPolicy({ allow: '10.0.0.0/8' }),
      resolveHost: resolverAnswering(['127.0.0.1']),
    });
    expect((await refusal(allowOther.listJobs())).message).toMatch(/not in the allow-list/);
    expect(s.requests).toHaveLength(1);
  });

  it('reports a name that resolves to nothing as unreachable, not as refused', async () => {
    const c = client({
      baseUrl: 'http://flink.test:81',
      resolveHost: resolverAnswering([]),
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    await expect(c.listJobs()).rejects.toThrow(/unreachable: ENOTFOUND/);
  });

  it('answers a socket that asks for one address (no happy eyeballs) with a checked one', async () => {
    const s = await server();
    const before = getDefaultAutoSelectFamily();
    setDefaultAutoSelectFamily(false);
    try {
      const ok = client({
        baseUrl: `http://flink.test:${s.port}`,
        resolveHost: resolverAnswering(['127.0.0.1']),
      });
      await expect(ok.listJobs()).resolves.toEqual({ jobs: [], unreadable: [] });
      const rebound = client({
        baseUrl: `http://flink.test:${s.port}`,
        resolveHost: resolverAnswering(['169.254.169.254']),
      });
      await refusal(rebound.listJobs());
    } finally {
      setDefaultAutoSelectFamily(before);
    }
    expect(s.requests).toHaveLength(1);
  });

  it('resolves through the system resolver by default (localhost)', async () => {
    const s = await server();
    const c = client({ baseUrl: `http://localhost:${s.port}` });
    await expect(c.listJobs()).resolves.toEqual({ jobs: [], unreadable: [] });
  });
});

describe('credentials bound to their origins at connect time', () => {
  it('sends credentials only to an origin they are bound to', async () => {
    const s = await server();
    const bound = client({
      baseUrl: `${s.url}/flink`,
      auth: { type: 'bearer', token: TOKEN },
      credentialOrigins: [s.url],
    });
    await expect(bound.listJobs()).resolves.toEqual({ jobs: [], unreadable: [] });
    expect(s.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const elsewhere = client({
      baseUrl: s.url,
      auth: { type: 'bearer', token: TOKEN },
      credentialOrigins: ['https://flink.example.com:8443'],
    });
    const error = await refusal(elsewhere.listJobs());
    expect(error.message).toMatch(/credentials.*not bound/);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(s.requests).toHaveLength(1);
  });

  it('does not restrict a client that sends no credentials', async () => {
    const s = await server();
    const anonymous = client({ baseUrl: s.url, credentialOrigins: [] });
    await expect(anonymous.listJobs()).resolves.toEqual({ jobs: [], unreadable: [] });
  });
});

describe('redirects', () => {
  it('follows none: a 302 is an error and its target sees nothing, credentials least of all', async () => {
    const target = await server();
    const redirecting = await server((_req, res) => {
      res.writeHead(302, { location: `${target.url}/jobs/overview` });
      res.end();
    });
    const c = client({ baseUrl: redirecting.url, auth: { type: 'bearer', token: TOKEN } });
    const listed = await c.listJobs().catch((e: unknown) => e);
    expect(listed).toBeInstanceOf(FlinkProtocolError);
    expect((listed as Error).message).toMatch(/redirect \(HTTP 302\)/);
    expect((listed as Error).message).not.toContain(target.url);
    // A call whose answer has no body to check must not take a redirect for success either.
    await expect(c.cancelJob(JOB)).rejects.toThrow(/redirect \(HTTP 302\)/);
    expect(redirecting.requests).toHaveLength(2);
    expect(target.requests).toHaveLength(0);
  });
});
