/**
 * The use case "make this FlinkCluster document the cluster's definition", the same at every
 * door. Admins only: a cluster decides where every team's jobs run and which credentials are
 * sent there. Every change is logged as an audit line, and a changed URL (where the cluster's
 * credentials go next) as one more, naming the old and the new host. (Clusters have no audit
 * trail in the store; these lines are their trail.)
 */
import type { ClusterRecord } from '../model/index.js';
import type { JobStore } from '../ports/index.js';
import { authorize, type Caller } from '../authorization.js';
import { canonicalJson } from '../change/index.js';
import { encodeSpecDocument, type FlinkCluster } from '../spec/index.js';

/** Options of {@link applyCluster}. */
export interface ApplyClusterOptions {
  /**
   * Checked with the current version (`undefined`: no such cluster) once access is granted: the
   * API's If-Match / If-None-Match.
   */
  precondition?: (version: number | undefined) => void;
  /** The version the write must find; default: the one just read (0: must not exist). */
  expectedVersion?: number;
}

/** What {@link applyCluster} did. */
export interface ApplyClusterResult {
  record: ClusterRecord;
  created: boolean;
  /** False when the stored definition was the same: nothing was written. */
  changed: boolean;
}

/** The URL of a stored cluster definition (the encoded FlinkCluster document). */
function urlOf(spec: Record<string, unknown> | undefined): unknown {
  const inner = spec?.spec;
  return typeof inner === 'object' && inner !== null ? (inner as { url?: unknown }).url : undefined;
}

/** The host (and port) of a cluster definition's URL, if it has a readable one. */
function hostOf(spec: Record<string, unknown> | undefined): string | undefined {
  const url = urlOf(spec);
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** Decides whether `caller` may change the cluster `name` (audited); throws ForbiddenError. */
export function authorizeClusterChange(caller: Caller, name: string): void {
  authorize(
    caller.audit,
    caller.principal,
    { permission: 'cluster:write', resource: `cluster/${name}`, teams: [] },
    caller.correlationId,
  );
}

/**
 * Writes a cluster already authorized by {@link authorizeClusterChange}, conditional on the
 * version read (so two admins racing cannot silently overwrite each other).
 */
export async function writeCluster(
  store: Pick<JobStore, 'putCluster'>,
  cluster: FlinkCluster,
  caller: Caller,
  current: ClusterRecord | undefined,
  options: Pick<ApplyClusterOptions, 'expectedVersion'> = {},
): Promise<ApplyClusterResult> {
  const name = cluster.metadata.name;
  const spec = encodeSpecDocument(cluster) as Record<string, unknown>;
  if (current && canonicalJson(current.spec) === canonicalJson(spec))
    return { record: current, created: false, changed: false };
  const record = await store.putCluster(
    { name, spec },
    { expectedVersion: options.expectedVersion ?? current?.version ?? 0 },
  );
  caller.audit.info('cluster changed', {
    audit: 'change',
    principal: caller.principal.id,
    resource: `cluster/${name}`,
    version: record.version,
    correlationId: caller.correlationId,
  });
  // Where the cluster's credentials are sent next: worth its own line. Hosts only, as a URL's
  // path may say more than an audit line should.
  if (current && urlOf(current.spec) !== urlOf(spec))
    caller.audit.info('cluster url changed', {
      audit: 'cluster-url-change',
      principal: caller.principal.id,
      resource: `cluster/${name}`,
      fromHost: hostOf(current.spec),
      toHost: hostOf(spec),
      version: record.version,
      correlationId: caller.correlationId,
    });
  return { record, created: !current, changed: true };
}

/**
 * Makes one FlinkCluster document the cluster's definition: authorization, the caller's
 * precondition, then one conditional write (none when nothing changed).
 *
 * @throws ForbiddenError, whatever `precondition` throws, and the store's VersionConflictError
 *   when the cluster changed after it was read.
 */
export async function applyCluster(
  store: Pick<JobStore, 'getCluster' | 'putCluster'>,
  cluster: FlinkCluster,
  caller: Caller,
  options: ApplyClusterOptions = {},
): Promise<ApplyClusterResult> {
  const name = cluster.metadata.name;
  authorizeClusterChange(caller, name);
  const current = await store.getCluster(name);
  options.precondition?.(current?.version);
  return writeCluster(store, cluster, caller, current, options);
}
