/**
 * `POST /v1/clusters/probe` through real HTTP on the local API (dynalite): admins only, audited,
 * answered by the reconcile handler in this process (as the reconcile Lambda answers the api
 * Lambda), with real cluster clients against a closed loopback port. The probe of a running Flink
 * cluster is in test/flink/event-reconcile.test.ts.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileCheckpointStorage } from '../../../functions/adapters/file-checkpoint-storage.js';
import { FlinkClients } from '../../../functions/adapters/flink-clients.js';
import { LocalSecretsProvider } from '../../../functions/adapters/secrets/local-secrets-provider.js';
import { probeResultSchema } from '../../../functions/api/routes/cluster-probe.js';
import { createObservability } from '../../../functions/commons/observability.js';
import { MAX_PROBED_CLUSTERS } from '../../../functions/core/cluster-probe.js';
import type { ClusterProber } from '../../../functions/core/ports/cluster-prober.js';
import { createReconcileHandler } from '../../../functions/handlers/reconcile-handler.js';
import { inProcessProber } from '../../../scripts/local/local-prober.js';
import { clusterDoc, expectError, expectShape, startHarness, type Harness } from './harness.js';

let h: Harness;
let clients: FlinkClients;
let inner: ClusterProber;
let asked: string[][];
let closedUrl: string;

/** A loopback port that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  h = await startHarness({
    probe: {
      probe: (names, correlationId) => {
        asked.push([...names]);
        return inner.probe(names, correlationId);
      },
    },
  });
  clients = new FlinkClients(h.store, new LocalSecretsProvider());
  const handler = createReconcileHandler({
    ...createObservability('reconcile'),
    context: () => Promise.reject(new Error('a probe runs no cycle')),
    probe: () =>
      Promise.resolve({
        store: h.store,
        flink: (name) => clients.port(name),
        secrets: new LocalSecretsProvider(),
        checkpoints: new FileCheckpointStorage(),
      }),
    probeOptions: { clusterTimeoutMs: 20_000 },
  });
  inner = inProcessProber((event) => handler(event));
  closedUrl = `http://127.0.0.1:${String(await closedPort())}`;
  await h.store.putCluster({ name: 'down', spec: clusterDoc('down', closedUrl) });
  await h.store.putCluster({
    name: 'locked',
    spec: {
      ...clusterDoc('locked', 'https://127.0.0.1:9443'),
      spec: { url: 'https://127.0.0.1:9443', auth: { type: 'basic', secretRef: 'fjc/absent' } },
    },
  });
});
afterAll(async () => {
  await clients.closeAll();
  await h.stop();
});
beforeEach(() => {
  asked = [];
});

describe('POST /v1/clusters/probe', () => {
  it('answers an admin per cluster with each check and its remedy, and audits the probe', async () => {
    const reply = await h.call('POST', '/v1/clusters/probe?clusters=down,locked,ghost', {
      headers: { 'x-correlation-id': 'probe-request-1' },
    });
    expect(reply.status, reply.text).toBe(200);
    const body = expectShape(probeResultSchema, reply.json);
    expect(body.ok).toBe(false);
    expect(body.clusters.map((c) => [c.cluster, c.ok])).toEqual([
      ['down', false],
      ['locked', false],
      ['ghost', false],
    ]);
    const rest = body.clusters[0]?.checks.find((c) => c.check === 'rest');
    expect(rest?.detail).toContain(`REST API at ${closedUrl} not reachable`);
    expect(rest?.remedy).toBeTruthy();
    const secret = body.clusters[1]?.checks.find((c) => c.check === 'secret');
    expect(secret).toMatchObject({ outcome: 'failed', code: 'SECRET_NOT_FOUND' });
    expect(secret?.detail).toContain('auth secret fjc/absent not found');
    expect(body.clusters[2]?.checks[0]).toMatchObject({ check: 'record', code: 'NOT_FOUND' });
    expect(
      h.logger.lines
        .filter(
          (l) =>
            l.attributes.audit === 'cluster-probe' &&
            l.attributes.correlationId === 'probe-request-1',
        )
        .map((l) => l.attributes),
    ).toEqual([
      {
        audit: 'cluster-probe',
        principal: 'arn:aws:iam::111122223333:role/fjc-admin',
        clusters: ['down', 'locked', 'ghost'],
        failed: ['down', 'locked', 'ghost'],
        correlationId: 'probe-request-1',
      },
    ]);
  });

  it('probes every registered cluster when none is named', async () => {
    const reply = await h.call('POST', '/v1/clusters/probe');
    expect(reply.status, reply.text).toBe(200);
    expect(asked).toEqual([['down', 'locked']]);
  });

  it('refuses non-admins before anything is read or probed', async () => {
    for (const role of ['alice', 'nobody'] as const) {
      const error = expectError(
        await h.call('POST', '/v1/clusters/probe?clusters=down', { as: role }),
        403,
        'FORBIDDEN',
      );
      expect(error.message).toContain('only admins probe clusters');
    }
    expect(asked).toEqual([]);
  });

  it('refuses invalid names and too many of them, naming the field', async () => {
    const bad = expectError(
      await h.call('POST', '/v1/clusters/probe?clusters=down,Not_A_Name'),
      400,
      'VALIDATION_FAILED',
    );
    expect(bad.issues?.map((i) => i.path)).toEqual(['query.clusters[1]']);
    const many = Array.from({ length: MAX_PROBED_CLUSTERS + 1 }, (_, i) => `c${String(i)}`);
    const tooMany = expectError(
      await h.call('POST', `/v1/clusters/probe?clusters=${many.join(',')}`),
      400,
    );
    expect(tooMany.issues?.map((i) => i.path)).toEqual(['query.clusters']);
    expect(asked).toEqual([]);
  });

  it('says a probe that could not run as 503 with its remedy', async () => {
    const saved = inner;
    inner = inProcessProber(() => Promise.reject(new Error('reconcile is down')));
    try {
      const error = expectError(
        await h.call('POST', '/v1/clusters/probe?clusters=down'),
        503,
        'PROBE_UNAVAILABLE',
      );
      expect(error.message).toContain('reconcile is down');
      expect(error.remedy).toBeTruthy();
      // Anything else is a fault of fjc: 500 with the correlation id only.
      inner = { probe: () => Promise.reject(new Error('bug')) };
      const fault = expectError(await h.call('POST', '/v1/clusters/probe?clusters=down'), 500);
      expect(fault.message).not.toContain('bug');
    } finally {
      inner = saved;
    }
  });
});

describe('POST /v1/clusters/probe where it cannot run', () => {
  it('answers 503 without a prober, and 400 with more clusters than one probe takes', async () => {
    const bare = await startHarness();
    try {
      expectError(
        await bare.call('POST', '/v1/clusters/probe?clusters=a'),
        503,
        'PROBE_UNAVAILABLE',
      );
      for (let i = 0; i <= MAX_PROBED_CLUSTERS; i++)
        await bare.store.putCluster({ name: `c${String(i)}`, spec: clusterDoc(`c${String(i)}`) });
      const error = expectError(await bare.call('POST', '/v1/clusters/probe'), 400);
      expect(error.remedy).toContain('?clusters=');
    } finally {
      await bare.stop();
    }
  });
});
