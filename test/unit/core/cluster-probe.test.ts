/** The cluster probe's checks and how each one reports, on stand-in ports. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCheckpointStorage } from '../../../functions/adapters/file-checkpoint-storage.js';
import {
  SecretAccessDeniedError,
  SecretNotFoundError,
} from '../../../functions/adapters/secrets/errors.js';
import { FjcError, ForbiddenError } from '../../../functions/commons/errors.js';
import type { Caller } from '../../../functions/core/authorization.js';
import {
  MAX_PROBED_CLUSTERS,
  auditProbe,
  authorizeProbe,
  isSupportedFlinkVersion,
  probeBudgetMs,
  probeClusters,
  probeEventSchema,
  probeReportSchema,
  type ProbeContext,
} from '../../../functions/core/cluster-probe.js';
import type { ClusterRecord } from '../../../functions/core/model/index.js';
import { checkDeclaredVersion } from '../../../functions/core/probe-version.js';
import {
  ClusterUnavailableError,
  type FlinkPort,
  type SecretsProvider,
} from '../../../functions/core/ports/index.js';
import { SecretValue } from '../../../functions/core/model/secret-value.js';

const PASSWORD = 'hunter2-very-secret';

function record(name: string, spec: Record<string, unknown>): ClusterRecord {
  return {
    name,
    version: 3,
    updatedAt: '2026-01-01T00:00:00Z',
    spec: { apiVersion: 'fjc.dev/v1', kind: 'FlinkCluster', metadata: { name }, spec },
  };
}

interface PortBehaviour {
  version?: string;
  unreachable?: boolean;
  hang?: boolean;
  checkpointDir?: string;
  versionFails?: boolean;
  configFails?: boolean;
  /** What `GET /config` says (default: `version`), where a declared version may differ. */
  reported?: string;
  reportFails?: boolean;
}

function port(b: PortBehaviour): FlinkPort {
  return {
    listJobs: () =>
      b.hang
        ? new Promise(() => undefined)
        : b.unreachable
          ? Promise.reject(
              new ClusterUnavailableError('connect ECONNREFUSED 127.0.0.1:1', {
                remedy: 'Check that the JobManager is up and reachable.',
              }),
            )
          : Promise.resolve({ jobs: [], unreadable: [] }),
    flinkVersion: () =>
      b.versionFails
        ? Promise.reject(new Error('unreadable version'))
        : Promise.resolve(b.version ?? '2.3.0'),
    reportedFlinkVersion: () =>
      b.reportFails
        ? Promise.reject(new Error('GET /config: 403 Forbidden'))
        : Promise.resolve(b.reported ?? b.version ?? '2.3.0'),
    checkpointDirectory: () =>
      b.configFails ? Promise.reject(new Error('config failed')) : Promise.resolve(b.checkpointDir),
  } as Partial<FlinkPort> as FlinkPort;
}

const secrets: SecretsProvider = {
  getSecret: (ref) => {
    if (ref === 'fjc/missing')
      return Promise.reject(
        new SecretNotFoundError(`Secret ${ref} does not exist`, { remedy: 'Create the secret.' }),
      );
    if (ref === 'other/denied')
      return Promise.reject(
        new SecretAccessDeniedError(`Secret ${ref} is outside the secret prefix`, {
          remedy: 'Name a secret under the configured prefix.',
        }),
      );
    return Promise.resolve({
      type: 'basic',
      username: 'fjc',
      password: new SecretValue(PASSWORD),
      urls: ['https://secure.example.com:8081'],
    });
  },
};

function context(
  records: ClusterRecord[],
  ports: Record<string, PortBehaviour>,
  extra: Partial<ProbeContext> = {},
): ProbeContext {
  const byName = new Map(records.map((r) => [r.name, r]));
  return {
    store: { getCluster: (name) => Promise.resolve(byName.get(name)) },
    flink: (name) => Promise.resolve(port(ports[name] ?? {})),
    secrets,
    ...extra,
  };
}

describe('probeClusters', () => {
  it('reports a healthy cluster: registered, no secret, REST and version, storage listable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fjc-probe-'));
    const ctx = context(
      [
        record('good', {
          url: 'http://127.0.0.1:8081',
          defaultSavepointDirectory: `file://${dir}/sp`,
        }),
      ],
      { good: { checkpointDir: `file://${dir}/chk` } },
      { checkpoints: new FileCheckpointStorage() },
    );
    const report = await probeClusters(ctx, ['good']);
    expect(probeReportSchema.parse(report)).toEqual(report);
    const [good] = report.clusters;
    expect(good).toMatchObject({
      cluster: 'good',
      ok: true,
      flinkVersion: '2.3.0',
      flinkVersionSupported: true,
    });
    expect(good?.checks.map((c) => [c.check, c.outcome])).toEqual([
      ['record', 'ok'],
      ['secret', 'skipped'],
      ['rest', 'ok'],
      ['storage', 'ok'],
      ['storage', 'ok'],
    ]);
    expect(good?.checks[3]?.detail).toContain('savepoint directory');
    expect(good?.checks[4]?.detail).toContain('checkpoint directory');
  });

  it('says an unregistered cluster and an invalid stored spec, and skips the rest', async () => {
    const ctx = context([record('broken', { url: 'ftp://x' })], {});
    const report = await probeClusters(ctx, ['gone', 'broken']);
    expect(report.clusters.map((c) => c.ok)).toEqual([false, false]);
    expect(report.clusters[0]?.checks[0]).toMatchObject({ outcome: 'failed', code: 'NOT_FOUND' });
    expect(report.clusters[0]?.checks[0]?.remedy).toContain('Apply a FlinkCluster named gone');
    expect(report.clusters[1]?.checks[0]?.detail).toContain('no longer valid');
    expect(report.clusters[1]?.checks.slice(1).map((c) => c.outcome)).toEqual([
      'skipped',
      'skipped',
      'skipped',
    ]);
  });

  it('tells readable, missing and denied secrets apart, and never shows a value', async () => {
    const ctx = context(
      [
        record('secure', {
          url: 'https://secure.example.com:8081',
          auth: { type: 'basic', secretRef: 'fjc/flink' },
          sqlGateway: {
            url: 'https://gw.example.com:8083',
            auth: { type: 'bearer', secretRef: 'fjc/missing' },
          },
        }),
        record('denied', {
          url: 'https://d.example.com:8081',
          auth: { type: 'bearer', secretRef: 'other/denied' },
        }),
      ],
      {},
    );
    const report = await probeClusters(ctx, ['secure', 'denied']);
    const secure = report.clusters[0]?.checks.filter((c) => c.check === 'secret');
    expect(secure?.map((c) => c.outcome)).toEqual(['ok', 'failed']);
    expect(secure?.[0]?.detail).toBe('auth secret fjc/flink readable');
    expect(secure?.[1]).toMatchObject({
      code: 'SECRET_NOT_FOUND',
      remedy: 'Create the secret.',
    });
    expect(secure?.[1]?.detail).toContain('sqlGateway secret fjc/missing not found');
    const denied = report.clusters[1]?.checks.find((c) => c.check === 'secret');
    expect(denied?.detail).toContain('access denied');
    expect(denied?.remedy).toBe('Name a secret under the configured prefix.');
    // The client is built with the secret, so REST is not tried either, saying why.
    const noClient: ProbeContext = {
      ...ctx,
      flink: () => Promise.reject(new SecretNotFoundError('Secret fjc/x does not exist')),
    };
    const [secureAgain] = (await probeClusters(noClient, ['secure'])).clusters;
    expect(secureAgain?.checks.find((c) => c.check === 'rest')?.detail).toBe(
      'REST API at https://secure.example.com:8081 not tried: no client: Secret fjc/x does not exist',
    );
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it('passes an unreachable cluster’s remedy through and an unsupported version as a failure', async () => {
    const ctx = context(
      [
        record('down', { url: 'http://127.0.0.1:1' }),
        record('old', { url: 'http://127.0.0.1:8082', flinkVersion: '1.17.2' }),
        record('odd', { url: 'http://127.0.0.1:8083' }),
      ],
      { down: { unreachable: true }, old: { version: '1.17.2' }, odd: { versionFails: true } },
      { checkpoints: new FileCheckpointStorage() },
    );
    const [down, old, odd] = (await probeClusters(ctx, ['down', 'old', 'odd'])).clusters;
    const rest = (p: typeof down) => p?.checks.find((c) => c.check === 'rest');
    expect(down?.ok).toBe(false);
    expect(rest(down)).toMatchObject({
      outcome: 'failed',
      remedy: 'Check that the JobManager is up and reachable.',
    });
    expect(rest(down)?.detail).toContain('not reachable');
    expect(down?.checks.find((c) => c.check === 'storage')?.detail).toContain('unknown');
    expect(old).toMatchObject({ ok: false, flinkVersion: '1.17.2', flinkVersionSupported: false });
    expect(rest(old)).toMatchObject({ code: 'FLINK_VERSION_UNSUPPORTED' });
    expect(rest(old)?.detail).toContain(
      'Flink 1.17.2 (declared in spec.flinkVersion, confirmed) is not supported',
    );
    expect(rest(odd)?.detail).toContain('version unknown');
  });

  it('checks a declared version against what the cluster reports (GET /config)', async () => {
    const declared = (name: string, flinkVersion: string) =>
      record(name, { url: `http://${name}.example.com:8081`, flinkVersion });
    const ctx = context(
      [
        declared('wrong', '1.20.0'),
        declared('patch', '2.0.0'),
        declared('same', '2.0.1'),
        declared('hidden', '2.0.1'),
      ],
      {
        wrong: { version: '1.20.0', reported: '2.0.1' },
        patch: { version: '2.0.0', reported: '2.0.1' },
        same: { version: '2.0.1' },
        hidden: { version: '2.0.1', reportFails: true },
      },
    );
    const report = await probeClusters(ctx, ['wrong', 'patch', 'same', 'hidden']);
    const rest = (i: number) => report.clusters[i]?.checks.find((c) => c.check === 'rest');
    // A wrong major.minor: fjc would build requests for the wrong REST API.
    expect(report.clusters[0]).toMatchObject({ ok: false, flinkVersion: '2.0.1' });
    expect(rest(0)).toMatchObject({ outcome: 'failed', code: 'FLINK_VERSION_MISMATCH' });
    expect(rest(0)?.detail).toContain(
      'spec.flinkVersion declares 1.20.0, the cluster reports 2.0.1',
    );
    expect(rest(0)?.remedy).toContain('Set spec.flinkVersion to 2.0.1');
    // A patch apart: the same REST API, said in the detail.
    expect(report.clusters[1]).toMatchObject({ ok: true, flinkVersion: '2.0.1' });
    expect(rest(1)?.detail).toContain(
      'declared 2.0.0, the cluster reports 2.0.1 (patch only: the same REST API)',
    );
    expect(rest(2)).toMatchObject({ outcome: 'ok' });
    expect(rest(2)?.detail).toContain('Flink 2.0.1 (declared in spec.flinkVersion, confirmed)');
    // A cluster that hides GET /config (a reason to declare the version) is not failed for it.
    expect(report.clusters[3]?.ok).toBe(true);
    expect(rest(3)?.detail).toContain('not confirmed: GET /config: 403 Forbidden');
  });

  it('gives each cluster its own deadline', async () => {
    const ctx = context(
      [
        record('slow', { url: 'http://10.0.0.1:8081' }),
        record('fast', { url: 'http://127.0.0.1:8081' }),
      ],
      { slow: { hang: true } },
    );
    const report = await probeClusters(ctx, ['slow', 'fast'], { clusterTimeoutMs: 50 });
    expect(report.clusters[0]?.checks.find((c) => c.check === 'rest')).toMatchObject({
      outcome: 'failed',
      code: 'PROBE_TIMEOUT',
    });
    expect(report.clusters[0]?.checks.find((c) => c.check === 'rest')?.remedy).toContain(
      'network path',
    );
    expect(report.clusters[1]?.ok).toBe(true);
  });

  it('skips storage where the runtime reads none, or nothing is declared; fails what it cannot list', async () => {
    const noStorage = context([record('a', { url: 'http://127.0.0.1:8081' })], {
      a: { checkpointDir: 's3://bucket/chk' },
    });
    const skipped = await probeClusters(
      { ...noStorage, noStorageReason: 'not checked by the reconcile function' },
      ['a'],
    );
    expect(skipped.clusters[0]?.checks.at(-1)).toEqual({
      check: 'storage',
      outcome: 'skipped',
      detail: 'not checked by the reconcile function',
    });
    const failing = {
      listCompleted: () =>
        Promise.reject(new FjcError('cannot be listed', { remedy: 'Allow s3:ListBucket.' })),
      isRestorable: () => Promise.resolve(false),
    };
    const withStorage = context(
      [
        record('a', { url: 'http://127.0.0.1:8081' }),
        record('b', { url: 'http://127.0.0.1:8082' }),
      ],
      { a: { checkpointDir: 's3://bucket/chk' }, b: { configFails: true } },
      { checkpoints: failing },
    );
    const [a, b] = (await probeClusters(withStorage, ['a', 'b'])).clusters;
    expect(a?.checks.at(-1)).toMatchObject({ outcome: 'failed', remedy: 'Allow s3:ListBucket.' });
    expect(b?.checks.at(-1)?.detail).toContain('checkpoint directory cannot be read');
    const nothing = context(
      [record('c', { url: 'http://127.0.0.1:8081' })],
      {},
      {
        checkpoints: failing,
      },
    );
    expect((await probeClusters(nothing, ['c'])).clusters[0]?.checks.at(-1)).toMatchObject({
      outcome: 'skipped',
      detail: 'no savepoint or checkpoint directory declared',
    });
  });

  it('says a store that cannot be read, and a secret that fails for another reason', async () => {
    const ctx: ProbeContext = {
      ...context(
        [
          record('odd', {
            url: 'https://odd.example.com:8081',
            auth: { type: 'bearer', secretRef: 'fjc/odd' },
          }),
        ],
        {},
      ),
      secrets: { getSecret: () => Promise.reject(new Error('socket hang up')) },
    };
    const [odd] = (await probeClusters(ctx, ['odd'])).clusters;
    expect(odd?.checks.find((c) => c.check === 'secret')?.detail).toBe(
      'auth secret fjc/odd not readable: socket hang up',
    );
    const down: ProbeContext = {
      ...ctx,
      store: {
        getCluster: () => Promise.reject(new FjcError('table unavailable', { remedy: 'Retry.' })),
      },
    };
    const [unread] = (await probeClusters(down, ['odd'])).clusters;
    expect(unread?.checks[0]).toMatchObject({
      check: 'record',
      outcome: 'failed',
      detail: 'the cluster record cannot be read: table unavailable',
      remedy: 'Retry.',
    });
  });

  it('probes each name once, in order, a few at a time', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `c${String(i)}`);
    let inFlight = 0;
    let most = 0;
    const ctx: ProbeContext = {
      ...context(
        names.map((n) => record(n, { url: 'http://127.0.0.1:8081' })),
        {},
      ),
      flink: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return port({});
      },
    };
    const report = await probeClusters(ctx, [...names, 'c0'], { concurrency: 3 });
    expect(report.clusters.map((c) => c.cluster)).toEqual(names);
    expect(most).toBeLessThanOrEqual(3);
    expect(report.clusters.every((c) => c.ok)).toBe(true);
  });
});

describe('probe limits, versions and events', () => {
  it('supports Flink 1.18 to 2.x', () => {
    expect(['1.18.1', '1.20', '2.0.0', '2.3-SNAPSHOT'].map(isSupportedFlinkVersion)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['1.17.2', '0.9', '3.0.0', 'x'].map(isSupportedFlinkVersion)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('passes a declared version unconfirmed when the cluster reports no readable version', async () => {
    expect(await checkDeclaredVersion('2.0.1', () => Promise.resolve('master-SNAPSHOT'))).toEqual({
      version: '2.0.1',
      shown:
        '2.0.1 (declared in spec.flinkVersion, not confirmed: the cluster reports an unreadable version "master-SNAPSHOT")',
    });
    expect(
      (await checkDeclaredVersion('1.20', () => Promise.reject(new Error('timed out')))).shown,
    ).toContain('not confirmed: timed out');
  });

  it('fits the largest probe into the API’s 29 s', () => {
    expect(probeBudgetMs(MAX_PROBED_CLUSTERS)).toBeLessThanOrEqual(25_000);
    expect(probeBudgetMs(5, { concurrency: 2, clusterTimeoutMs: 1_000 })).toBe(3_000);
  });

  it('takes 1 to MAX_PROBED_CLUSTERS names', () => {
    expect(probeEventSchema.safeParse({ source: 'fjc.probe', clusters: ['a'] }).success).toBe(true);
    expect(probeEventSchema.safeParse({ source: 'fjc.probe', clusters: [] }).success).toBe(false);
    expect(
      probeEventSchema.safeParse({
        source: 'fjc.probe',
        clusters: Array.from({ length: MAX_PROBED_CLUSTERS + 1 }, (_, i) => `c${String(i)}`),
      }).success,
    ).toBe(false);
  });
});

describe('who may probe', () => {
  const lines: Record<string, unknown>[] = [];
  const caller = (admin: boolean): Caller => ({
    principal: { id: admin ? 'root' : 'alice', admin, teams: ['payments'] },
    actor: 'x',
    audit: { info: (_m, attributes) => lines.push(attributes) },
    correlationId: 'corr-1',
  });

  it('lets admins probe and refuses others, auditing both', () => {
    lines.length = 0;
    authorizeProbe(caller(true), ['a', 'b']);
    expect(() => {
      authorizeProbe(caller(false), ['a']);
    }).toThrow(ForbiddenError);
    expect(lines.map((l) => [l.permission, l.allowed, l.resource])).toEqual([
      ['cluster:probe', true, 'clusters/a,b'],
      ['cluster:probe', false, 'clusters/a'],
    ]);
  });

  it('writes one audit line per probe, naming the failed clusters', () => {
    lines.length = 0;
    auditProbe(caller(true), {
      clusters: [
        { cluster: 'a', ok: true, checks: [] },
        { cluster: 'b', ok: false, checks: [] },
      ],
    });
    expect(lines).toEqual([
      {
        audit: 'cluster-probe',
        principal: 'root',
        clusters: ['a', 'b'],
        failed: ['b'],
        correlationId: 'corr-1',
      },
    ]);
  });
});
