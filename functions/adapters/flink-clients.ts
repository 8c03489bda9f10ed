import { DEFAULT_EGRESS_POLICY, type EgressPolicy } from '../commons/egress.js';
import { ConfigurationError, NotFoundError } from '../commons/errors.js';
import { flinkClusterSchema, type ClusterAuth, type FlinkCluster } from '../core/spec/index.js';
import {
  FlinkRestClient,
  flinkPortOf,
  type FlinkAuth,
  type FlinkTls,
  type ResolveHost,
} from '../flink/index.js';
import type { ClusterCredentials, ClusterRecord } from '../core/model/index.js';
import {
  SqlGatewayMissingError,
  type FlinkPort,
  type JobStore,
  type SecretsProvider,
  type SqlGatewayPort,
} from '../core/ports/index.js';
import { SqlGatewayClient } from '../flink/sql-gateway-client.js';
import { sqlGatewayPortOf } from '../flink/sql-gateway-port.js';
import { boundOrigins, credentialsBoundTo } from './secrets/credentials.js';
import { SecretNotBoundError } from './secrets/errors.js';

function authOf(credentials: Exclude<ClusterCredentials, { type: 'none' }>): {
  auth: FlinkAuth;
  tls?: FlinkTls;
} {
  switch (credentials.type) {
    case 'basic':
      return {
        auth: {
          type: 'basic',
          username: credentials.username,
          password: credentials.password.reveal(),
        },
      };
    case 'bearer':
      return { auth: { type: 'bearer', token: credentials.token.reveal() } };
    case 'mtls':
      return {
        auth: { type: 'none' },
        tls: {
          certPem: credentials.certPem,
          keyPem: credentials.keyPem.reveal(),
          ...(credentials.caPem === undefined ? {} : { caPem: credentials.caPem }),
        },
      };
  }
}

/** Cluster records per listing page: the store's largest page. */
const MAX_CLUSTERS_PER_PAGE = 1000;

/** The cluster lookups of one reconcile cycle, see {@link FlinkClients.cycle}. */
export interface ClusterCycle {
  port: (name: string) => Promise<FlinkPort>;
  savepointDirectory: (name: string) => Promise<string | undefined>;
}

/** Options of {@link FlinkClients}. */
export interface FlinkClientsOptions {
  /**
   * How long a cluster record is trusted before it is read again (default 10 s). Steps look at a
   * cluster many times a second while they wait; a changed cluster (new URL, rotated secret
   * reference) still takes effect within this interval.
   */
  refreshMs?: number;
  now?: () => number;
  /** The deployment's egress lists (`FJC_EGRESS_ALLOW`/`FJC_EGRESS_DENY`). */
  egress?: EgressPolicy;
  /** Resolves cluster host names; the system resolver by default. */
  resolveHost?: ResolveHost;
  /** How long one jar upload may take (`FJC_FLINK_UPLOAD_TIMEOUT_SECONDS`; client default 300 s). */
  uploadTimeoutMs?: number;
}

interface Entry {
  version: number;
  client: FlinkRestClient;
  cluster: FlinkCluster;
  checkedAt: number;
  /** The cluster's SQL Gateway client, built when first asked for. */
  gateway?: SqlGatewayClient;
}

/** How to reach an endpoint: auth, TLS and the origins the credentials are bound to. */
interface Reach {
  auth: FlinkAuth;
  tls?: FlinkTls;
  credentialOrigins?: string[];
}

/**
 * One `FlinkRestClient` (one connection pool) per declared cluster, built from the cluster's
 * record and the credentials its secret holds. Rebuilt when the cluster record changes, and every
 * rebuild checks again that the secret names the cluster's url: a cluster record whose url
 * changed (or another record naming the same secret) never receives the credentials.
 */
export class FlinkClients {
  private readonly clients = new Map<string, Entry>();
  private readonly refreshMs: number;
  private readonly now: () => number;
  private readonly egress: EgressPolicy;
  private readonly resolveHost: ResolveHost | undefined;
  private readonly uploadTimeoutMs: number | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly secrets: SecretsProvider,
    options: FlinkClientsOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.egress = options.egress ?? DEFAULT_EGRESS_POLICY;
    this.resolveHost = options.resolveHost;
    this.uploadTimeoutMs = options.uploadTimeoutMs;
  }

  private async entry(name: string) {
    const fresh = this.clients.get(name);
    if (fresh && this.now() - fresh.checkedAt < this.refreshMs) return fresh;
    return this.fromRecord(name, await this.store.getCluster(name));
  }

  /** The client of `record`: the cached one while its version is unchanged, else a new one. */
  private async fromRecord(name: string, record: ClusterRecord | undefined) {
    if (!record)
      throw new NotFoundError(`Cluster ${name} is not declared`, {
        remedy: `Apply a FlinkCluster named ${name}, or fix the job's clusterRef.`,
      });
    const cached = this.clients.get(name);
    if (cached?.version === record.version) {
      cached.checkedAt = this.now();
      return cached;
    }
    const parsed = flinkClusterSchema.safeParse(record.spec);
    if (!parsed.success)
      throw new ConfigurationError(`Stored cluster ${name} is no longer valid`, {
        remedy: 'Apply its FlinkCluster spec again.',
      });
    const cluster = parsed.data;
    const auth = cluster.spec.auth;
    if (cluster.spec.caBundle !== undefined)
      throw new ConfigurationError(
        `Cluster ${name} declares a caBundle, which fjc cannot use yet`,
        {
          remedy:
            'For mutual TLS put the CA into the mtls secret as caPem; otherwise remove caBundle and use a CA the runtime trusts.',
        },
      );
    const {
      auth: flinkAuth,
      tls,
      credentialOrigins,
    } = await this.credentials(name, 'cluster', auth, cluster.spec.url);
    const client = new FlinkRestClient({
      baseUrl: cluster.spec.url,
      auth: flinkAuth,
      ...(tls ? { tls } : {}),
      egress: this.egress,
      ...(this.resolveHost ? { resolveHost: this.resolveHost } : {}),
      ...(this.uploadTimeoutMs === undefined ? {} : { uploadTimeoutMs: this.uploadTimeoutMs }),
      ...(credentialOrigins ? { credentialOrigins } : {}),
      ...(cluster.spec.flinkVersion === undefined
        ? {}
        : { flinkVersion: cluster.spec.flinkVersion }),
    });
    await cached?.client.close();
    await cached?.gateway?.close();
    const built: Entry = { version: record.version, client, cluster, checkedAt: this.now() };
    this.clients.set(name, built);
    return built;
  }

  /**
   * Credentials for one endpoint of cluster `name` (its REST API or its SQL Gateway): read from
   * the secret `auth` names, of the kind `auth` declares, and only if the secret lists `url`.
   */
  private async credentials(
    name: string,
    what: 'cluster' | 'SQL Gateway',
    auth: ClusterAuth,
    url: string,
  ): Promise<Reach> {
    if (auth.type === 'none') return { auth: { type: 'none' } };
    const credentials = await this.secrets.getSecret(auth.secretRef);
    // The cluster says how it authenticates; a secret of another kind must not quietly win
    // (a `basic` cluster must never go out without credentials because its secret says none).
    const holder = what === 'cluster' ? `cluster ${name}` : `the SQL Gateway of cluster ${name}`;
    const short = what === 'cluster' ? 'the cluster' : 'the SQL Gateway';
    if (credentials.type !== auth.type)
      throw new ConfigurationError(
        `Secret ${auth.secretRef} holds ${credentials.type} credentials, ${short} declares ${auth.type}`,
        {
          remedy: `Store ${auth.type} credentials in the secret, or change ${short}'s auth.type.`,
        },
      );
    if (!credentialsBoundTo(credentials, url))
      throw new SecretNotBoundError(
        `Secret ${auth.secretRef} is not bound to ${url}, the url of ${holder}: fjc sends credentials only to the urls their secret lists`,
        {
          remedy: `If ${holder} really moved, add ${url} to the "urls" of secret ${auth.secretRef}; otherwise restore ${short}'s url.`,
        },
      );
    return { ...authOf(credentials), credentialOrigins: boundOrigins(credentials) };
  }

  async get(name: string): Promise<FlinkRestClient> {
    return (await this.entry(name)).client;
  }

  /** The core's Flink port of a declared cluster (one per client). */
  async port(name: string): Promise<FlinkPort> {
    return flinkPortOf(await this.get(name));
  }

  /**
   * The SQL Gateway port of a declared cluster (one client per cluster record).
   *
   * @throws SqlGatewayMissingError when the cluster declares no `sqlGateway`.
   */
  async sqlGateway(name: string): Promise<SqlGatewayPort> {
    const entry = await this.entry(name);
    const gateway = entry.cluster.spec.sqlGateway;
    if (gateway === undefined) throw new SqlGatewayMissingError(name);
    if (entry.gateway === undefined) {
      const reach = await this.credentials(name, 'SQL Gateway', gateway.auth, gateway.url);
      entry.gateway = new SqlGatewayClient({
        baseUrl: gateway.url,
        auth: reach.auth,
        ...(reach.tls ? { tls: reach.tls } : {}),
        egress: this.egress,
        ...(this.resolveHost ? { resolveHost: this.resolveHost } : {}),
        ...(reach.credentialOrigins ? { credentialOrigins: reach.credentialOrigins } : {}),
      });
    }
    return sqlGatewayPortOf(entry.gateway);
  }

  async savepointDirectory(name: string): Promise<string | undefined> {
    return (await this.entry(name)).cluster.spec.defaultSavepointDirectory;
  }

  /**
   * The cluster lookups of one reconcile cycle: every cluster record read with one listing (one
   * Query per 1,000 clusters) when the cycle begins, and used for the whole cycle, however long it
   * runs. A time-based refresh shorter than the schedule would re-read each record every cycle
   * (one GetItem per cluster); this reads them once and still lets the next cycle see a change.
   * Clients are shared with {@link port}, so a cluster keeps one connection pool.
   */
  async cycle(): Promise<ClusterCycle> {
    const records = new Map<string, ClusterRecord>();
    let cursor: string | undefined;
    do {
      const page = await this.store.listClusters({
        limit: MAX_CLUSTERS_PER_PAGE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const record of page.items) records.set(record.name, record);
      cursor = page.cursor;
    } while (cursor !== undefined);
    const entry = (name: string) => this.fromRecord(name, records.get(name));
    return {
      port: async (name) => flinkPortOf((await entry(name)).client),
      savepointDirectory: async (name) =>
        (await entry(name)).cluster.spec.defaultSavepointDirectory,
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.clients.values()].map((c) => Promise.all([c.client.close(), c.gateway?.close()])),
    );
    this.clients.clear();
  }
}
