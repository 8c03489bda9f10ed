import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Tls from 'node:tls';
import { TLSSocket } from 'node:tls';
import { inspect } from 'node:util';
import { makePki, type Pki } from '../../support/pki.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FlinkClients } from '../../../functions/adapters/flink-clients.js';
import { egressPolicy } from '../../../functions/commons/egress.js';
import { ConfigurationError, NotFoundError } from '../../../functions/commons/errors.js';
import {
  FlinkEgressRefusedError,
  FlinkRequestRejectedError,
} from '../../../functions/flink/index.js';
import {
  InvalidSecretError,
  LocalSecretsProvider,
  SecretNotBoundError,
} from '../../../functions/adapters/secrets/index.js';
import { DynamoJobStore } from '../../../functions/store/index.js';
import { SqlGatewayMissingError } from '../../../functions/core/ports/index.js';
import { createTable, startDynalite, type LocalDynamo } from '../../support/dynalite.js';

/**
 * FlinkClients maps a stored cluster and its secret to a Flink client: a security path. Every
 * credential type is checked on the wire against a loopback HTTPS server of a private CA.
 */
const PASSWORD = 'pa55-w0rd-very-secret';
const TOKEN = 'tok-0123456789-secret';
const SECRET = 'fjc/clusters/eu-1';
const ENV_VAR = 'FJC_SECRET_FJC_CLUSTERS_EU_1';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  clientCertCn: string | undefined;
}

let dir: string;
let pki: Pki;
let server: Server;
let url: string;
let seen: Seen[];
let status = 200;
let dynamo: LocalDynamo;
let store: DynamoJobStore;
let env: Record<string, string | undefined>;
let clients: FlinkClients;

async function httpsServer(options: ServerOptions): Promise<Server> {
  const s = createServer(options, (req, res) => {
    // Without a client certificate, Node answers an empty object (no subject at all).
    const cert: Partial<Tls.PeerCertificate> =
      req.socket instanceof TLSSocket ? req.socket.getPeerCertificate() : {};
    seen.push({
      url: req.url ?? '',
      headers: req.headers,
      clientCertCn: typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined,
    });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status === 200 ? { jobs: [] } : { errors: ['Unauthorized'] }));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}

/**
 * Basic and bearer clusters rely on the system's CAs; the test server's CA is added to what
 * undici's TLS connector trusts (the one thing a test cannot get from the system store).
 */
function trustTestCa(): void {
  const tls = createRequire(import.meta.url)('node:tls') as typeof Tls;
  const connect = tls.connect.bind(tls) as (options: Tls.ConnectionOptions) => Tls.TLSSocket;
  vi.spyOn(tls, 'connect').mockImplementation(((options: Tls.ConnectionOptions) =>
    connect({ ...options, ca: options.ca ?? pki.ca })) as typeof tls.connect);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fjc-pki-'));
  pki = makePki(dir);
  server = await httpsServer({
    cert: pki.serverCert,
    key: pki.serverKey,
    ca: pki.ca,
    requestCert: true,
    rejectUnauthorized: false,
  });
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dynamo = await startDynalite();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await dynamo.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function setup(): Promise<void> {
  seen = [];
  status = 200;
  const tableName = `fjc-${randomUUID()}`;
  await createTable(dynamo.client, tableName);
  store = new DynamoJobStore({ client: dynamo.client, tableName });
  env = {};
  // Every call re-reads the cluster record here, so a change shows at once.
  clients = new FlinkClients(store, new LocalSecretsProvider({ prefix: 'fjc/', env }), {
    refreshMs: 0,
  });
}

afterEach(async () => {
  await clients.closeAll();
  vi.restoreAllMocks();
});

function cluster(spec: Record<string, unknown>, name = 'eu-1') {
  return {
    name,
    spec: {
      apiVersion: 'fjc.dev/v1',
      kind: 'FlinkCluster',
      metadata: { name },
      spec: { url, flinkVersion: '1.20', ...spec },
    },
  };
}

/** Everything an error could leak through. */
function rendered(value: unknown): string {
  return [String(value), JSON.stringify(value), inspect(value, { depth: 10 })].join('\n');
}

describe('FlinkClients', () => {
  it('sends no credentials for auth none', async () => {
    await setup();
    trustTestCa();
    await store.putCluster(cluster({ auth: { type: 'none' } }));
    await (await clients.get('eu-1')).listJobs();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(seen[0]?.clientCertCn).toBeUndefined();
  });

  it('sends basic credentials from the cluster’s secret', async () => {
    await setup();
    trustTestCa();
    env[ENV_VAR] = JSON.stringify({
      type: 'basic',
      username: 'fjc',
      password: PASSWORD,
      urls: [url],
    });
    await store.putCluster(cluster({ auth: { type: 'basic', secretRef: SECRET } }));
    const client = await clients.get('eu-1');
    await client.listJobs();
    expect(seen[0]?.url).toBe('/jobs/overview');
    expect(seen[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`fjc:${PASSWORD}`).toString('base64')}`,
    );
    expect(rendered(client)).not.toContain(PASSWORD);
  });

  it('sends a bearer token, and never renders it into Flink’s refusal', async () => {
    await setup();
    trustTestCa();
    env[ENV_VAR] = JSON.stringify({ type: 'bearer', token: TOKEN, urls: [url] });
    await store.putCluster(cluster({ auth: { type: 'bearer', secretRef: SECRET } }));
    const client = await clients.get('eu-1');
    await client.listJobs();
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    status = 401;
    const error: unknown = await client.listJobs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkRequestRejectedError);
    expect(rendered(error)).not.toContain(TOKEN);
    expect(rendered(client)).not.toContain(TOKEN);
  });

  it('presents the client certificate for mtls, trusting the secret’s CA; no key material shown', async () => {
    await setup();
    env[ENV_VAR] = JSON.stringify({
      type: 'mtls',
      certPem: pki.clientCert,
      keyPem: pki.clientKey,
      caPem: pki.ca,
      urls: [url],
    });
    await store.putCluster(cluster({ auth: { type: 'mtls', secretRef: SECRET } }));
    const client = await clients.get('eu-1');
    await client.listJobs();
    expect(seen[0]?.clientCertCn).toBe('client');
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(client.toJSON()).toEqual({ url });
    expect(rendered(client)).not.toMatch(/PRIVATE KEY|BEGIN/);
  });

  it('builds an mtls client without a CA (system trust)', async () => {
    await setup();
    env[ENV_VAR] = JSON.stringify({
      type: 'mtls',
      certPem: pki.clientCert,
      keyPem: pki.clientKey,
      urls: [url],
    });
    await store.putCluster(cluster({ auth: { type: 'mtls', secretRef: SECRET } }));
    const client = await clients.get('eu-1');
    expect(JSON.stringify(client)).toBe(JSON.stringify({ url }));
    expect(rendered(client)).not.toContain(pki.clientKey.split('\n')[1] ?? 'x');
  });

  it('refuses a secret whose type differs from the cluster’s declared auth, sending nothing', async () => {
    // A `basic` cluster whose secret says {"type":"none"} must not quietly go out unauthenticated.
    await setup();
    env[ENV_VAR] = JSON.stringify({ type: 'none' });
    await store.putCluster(cluster({ auth: { type: 'basic', secretRef: SECRET } }));
    const error: unknown = await clients.get('eu-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(
      'holds none credentials, the cluster declares basic',
    );
    expect(seen).toHaveLength(0);
  });

  it('refuses a caBundle it cannot honour rather than ignoring it', async () => {
    await setup();
    env[ENV_VAR] = JSON.stringify({ type: 'bearer', token: 'tok-0123456789', urls: [url] });
    await store.putCluster(
      cluster({ auth: { type: 'bearer', secretRef: SECRET }, caBundle: { secretRef: SECRET } }),
    );
    const error: unknown = await clients.get('eu-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('caBundle');
    expect(JSON.stringify(error)).not.toContain('tok-0123456789');
  });

  it('names a cluster that is not declared, with a remedy', async () => {
    await setup();
    const error: unknown = await clients.get('nowhere').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      message: 'Cluster nowhere is not declared',
      remedy: expect.stringContaining('Apply a FlinkCluster named nowhere') as string,
    });
    await expect(clients.savepointDirectory('nowhere')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a stored cluster that no longer validates', async () => {
    await setup();
    await store.putCluster({
      name: 'eu-1',
      spec: { kind: 'FlinkCluster', spec: { url: 'ftp://x' } },
    });
    await expect(clients.get('eu-1')).rejects.toBeInstanceOf(ConfigurationError);
    // Basic credentials over plain http are refused as well, before any secret is read.
    const plain = cluster({
      url: 'http://127.0.0.1:1',
      auth: { type: 'basic', secretRef: SECRET },
    });
    await store.putCluster(plain, { expectedVersion: 1 });
    await expect(clients.get('eu-1')).rejects.toThrow(/no longer valid/);
  });

  it('keeps secrets out of the error of a bad secret', async () => {
    await setup();
    env[ENV_VAR] = `{"type":"basic","username":"fjc","password":"${PASSWORD}","urls":["${url}"]`;
    await store.putCluster(cluster({ auth: { type: 'basic', secretRef: SECRET } }));
    const error: unknown = await clients.get('eu-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(rendered(error)).not.toContain(PASSWORD);
    env[ENV_VAR] = JSON.stringify({ type: 'bearer', token: '', urls: [url] });
    const invalid: unknown = await clients.get('eu-1').catch((e: unknown) => e);
    expect(rendered(invalid)).toMatch(/token/);
  });

  it('reuses the client while the record is unchanged, rebuilds and closes the old one when it changes', async () => {
    await setup();
    await store.putCluster(
      cluster({ auth: { type: 'none' }, defaultSavepointDirectory: 's3://sp/one' }),
    );
    const first = await clients.get('eu-1');
    expect(await clients.get('eu-1')).toBe(first);
    const port = await clients.port('eu-1');
    expect(await clients.port('eu-1')).toBe(port);
    expect(await clients.savepointDirectory('eu-1')).toBe('s3://sp/one');
    const close = vi.spyOn(first, 'close');
    await store.putCluster(
      cluster({ auth: { type: 'none' }, defaultSavepointDirectory: 's3://sp/two' }),
      { expectedVersion: 1 },
    );
    expect(await clients.savepointDirectory('eu-1')).toBe('s3://sp/two');
    const second = await clients.get('eu-1');
    expect(second).not.toBe(first);
    expect(await clients.port('eu-1')).not.toBe(port);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('reads the cluster record at most once per refresh interval', async () => {
    await setup();
    let now = 0;
    const cached = new FlinkClients(store, new LocalSecretsProvider({ prefix: 'fjc/', env }), {
      refreshMs: 10_000,
      now: () => now,
    });
    await store.putCluster(cluster({ auth: { type: 'none' } }));
    const reads = vi.spyOn(store, 'getCluster');
    const first = await cached.get('eu-1');
    await cached.savepointDirectory('eu-1');
    expect(await cached.get('eu-1')).toBe(first);
    expect(reads).toHaveBeenCalledTimes(1);
    now = 10_001;
    await cached.get('eu-1');
    expect(reads).toHaveBeenCalledTimes(2);
    await cached.closeAll();
  });

  it('reads every cluster with one listing per cycle and none during it; the next cycle sees a change', async () => {
    await setup();
    await store.putCluster(
      cluster({ auth: { type: 'none' }, defaultSavepointDirectory: 's3://sp/one' }),
    );
    await store.putCluster(cluster({ auth: { type: 'none' } }, 'us-1'));
    const gets = vi.spyOn(store, 'getCluster');
    const lists = vi.spyOn(store, 'listClusters');
    const cycle = await clients.cycle();
    expect(lists).toHaveBeenCalledTimes(1);
    const eu = await cycle.port('eu-1');
    await cycle.port('us-1');
    expect(await cycle.port('eu-1')).toBe(eu);
    expect(await cycle.savepointDirectory('eu-1')).toBe('s3://sp/one');
    await expect(cycle.port('nowhere')).rejects.toThrow(/Cluster nowhere is not declared/);
    expect(gets).not.toHaveBeenCalled();
    // The same clients as outside the cycle (which reads the record): one pool per cluster.
    expect(await clients.port('eu-1')).toBe(eu);
    gets.mockClear();

    await store.putCluster(
      cluster({ auth: { type: 'none' }, defaultSavepointDirectory: 's3://sp/two' }),
      { expectedVersion: 1 },
    );
    // A cycle keeps the records it started with, however long it runs...
    expect(await cycle.savepointDirectory('eu-1')).toBe('s3://sp/one');
    // ...and the next cycle sees the change.
    const next = await clients.cycle();
    expect(await next.savepointDirectory('eu-1')).toBe('s3://sp/two');
    expect(await next.port('eu-1')).not.toBe(eu);
    expect(lists).toHaveBeenCalledTimes(2);
    expect(gets).not.toHaveBeenCalled();
  });

  it('has no savepoint directory when the cluster names none; closeAll closes every client', async () => {
    await setup();
    await store.putCluster(cluster({ auth: { type: 'none' } }));
    await store.putCluster(cluster({ auth: { type: 'none' } }, 'us-1'));
    expect(await clients.savepointDirectory('eu-1')).toBeUndefined();
    const a = await clients.get('eu-1');
    const b = await clients.get('us-1');
    const closes = [vi.spyOn(a, 'close'), vi.spyOn(b, 'close')];
    await clients.closeAll();
    for (const close of closes) expect(close).toHaveBeenCalledTimes(1);
    expect(await clients.get('eu-1')).not.toBe(a);
  });
});

describe('FlinkClients: credentials go only where their secret says', () => {
  async function refusedWith(name = 'eu-1'): Promise<SecretNotBoundError> {
    const error: unknown = await clients.get(name).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretNotBoundError);
    expect(rendered(error)).not.toContain(TOKEN);
    return error as SecretNotBoundError;
  }

  it('refuses a cluster whose url changed to one the secret does not name, sending nothing', async () => {
    await setup();
    trustTestCa();
    env[ENV_VAR] = JSON.stringify({ type: 'bearer', token: TOKEN, urls: [url] });
    await store.putCluster(cluster({ auth: { type: 'bearer', secretRef: SECRET } }));
    await (await clients.get('eu-1')).listJobs();
    expect(seen).toHaveLength(1);
    // Same server, another origin: had the token gone out, the server would have seen it.
    const moved = url.replace('127.0.0.1', 'localhost');
    await store.putCluster(cluster({ url: moved, auth: { type: 'bearer', secretRef: SECRET } }), {
      expectedVersion: 1,
    });
    const error = await refusedWith();
    expect(error.message).toBe(
      `Secret ${SECRET} is not bound to ${moved}, the url of cluster eu-1: fjc sends credentials only to the urls their secret lists`,
    );
    expect(error.code).toBe('SECRET_NOT_BOUND');
    expect(error.remedy).toMatch(/add .* to the "urls" of secret fjc\/clusters\/eu-1/);
    expect(seen).toHaveLength(1);
    // Moving it back is enough: the secret still names the old url.
    await store.putCluster(cluster({ auth: { type: 'bearer', secretRef: SECRET } }), {
      expectedVersion: 2,
    });
    await (await clients.get('eu-1')).listJobs();
    expect(seen).toHaveLength(2);
  });

  it('refuses another cluster that names the same secret at another url', async () => {
    await setup();
    env[ENV_VAR] = JSON.stringify({ type: 'basic', username: 'fjc', password: TOKEN, urls: [url] });
    await store.putCluster(
      cluster(
        { url: 'https://flink.evil.example', auth: { type: 'basic', secretRef: SECRET } },
        'evil',
      ),
    );
    expect((await refusedWith('evil')).message).toContain('the url of cluster evil');
    expect(seen).toHaveLength(0);
  });

  it('binds client certificates (mtls) as well', async () => {
    await setup();
    env[ENV_VAR] = JSON.stringify({
      type: 'mtls',
      certPem: pki.clientCert,
      keyPem: pki.clientKey,
      urls: ['https://flink-eu-1.example.com'],
    });
    await store.putCluster(cluster({ auth: { type: 'mtls', secretRef: SECRET } }));
    await refusedWith();
    expect(seen).toHaveLength(0);
  });

  it('refuses a secret written before binding existed, saying what to add', async () => {
    await setup();
    env[ENV_VAR] = JSON.stringify({ type: 'bearer', token: TOKEN });
    await store.putCluster(cluster({ auth: { type: 'bearer', secretRef: SECRET } }));
    const error: unknown = await clients.get('eu-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSecretError);
    expect((error as Error).message).toContain('names no urls');
    expect(rendered(error)).not.toContain(TOKEN);
    expect(seen).toHaveLength(0);
  });

  it('applies the deployment’s egress policy to the clients it builds', async () => {
    await setup();
    const denied = new FlinkClients(store, new LocalSecretsProvider({ prefix: 'fjc/', env }), {
      refreshMs: 0,
      egress: egressPolicy({ deny: '127.0.0.0/8' }),
    });
    await store.putCluster(cluster({ auth: { type: 'none' } }));
    const error: unknown = await (await denied.get('eu-1')).listJobs().catch((e: unknown) => e);
    await denied.closeAll();
    expect(error).toBeInstanceOf(FlinkEgressRefusedError);
    expect((error as Error).message).toMatch(/FJC_EGRESS_DENY/);
    expect(seen).toHaveLength(0);
  });
});

describe('FlinkClients: the SQL Gateway of a cluster', () => {
  it('refuses a cluster without sqlGateway, naming it', async () => {
    await setup();
    await store.putCluster(cluster({ auth: { type: 'none' } }));
    const error: unknown = await clients.sqlGateway('eu-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlGatewayMissingError);
    expect((error as Error).message).toContain('eu-1');
  });

  it('sends the gateway’s credentials only to a url its secret lists', async () => {
    await setup();
    trustTestCa();
    const gatewayUrl = 'https://sql.example.com:8083';
    env[ENV_VAR] = JSON.stringify({ type: 'bearer', token: TOKEN, urls: [url] });
    await store.putCluster(
      cluster({
        auth: { type: 'none' },
        sqlGateway: { url: gatewayUrl, auth: { type: 'bearer', secretRef: SECRET } },
      }),
    );
    const error: unknown = await clients.sqlGateway('eu-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretNotBoundError);
    expect((error as Error).message).toContain(`the url of the SQL Gateway of cluster eu-1`);
    expect(rendered(error)).not.toContain(TOKEN);
    expect(seen).toHaveLength(0);
  });

  it('sends them when the secret lists the gateway’s url, and reuses the port', async () => {
    await setup();
    trustTestCa();
    env[ENV_VAR] = JSON.stringify({ type: 'bearer', token: TOKEN, urls: [url] });
    await store.putCluster(
      cluster({
        auth: { type: 'none' },
        sqlGateway: { url, auth: { type: 'bearer', secretRef: SECRET } },
      }),
    );
    const port = await clients.sqlGateway('eu-1');
    expect(await clients.sqlGateway('eu-1')).toBe(port);
    // The canned server answers every path with a job list: not a session, and said so.
    await expect(
      port.submit({ text: 'SELECT 1;' }, { jobId: '0'.repeat(32), jobName: 'x' }),
    ).rejects.toThrow(/another shape/);
    expect(seen[0]?.url).toBe('/v1/sessions');
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});
