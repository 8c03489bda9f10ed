/**
 * The cluster probe: what the control plane itself can tell about a registered cluster, asked
 * from where the Flink-facing network is (the deploy function in AWS, the local runtime on a
 * laptop). `fjc doctor` shows it through the admin-only `POST /v1/clusters/probe`.
 *
 * One decision, here: which checks a probe runs and how each one reports. Per cluster:
 * 1. `record`: the cluster is registered and its stored spec still parses;
 * 2. `secret`: every secret it names is readable (never its value: readable, not found, access
 *    denied, invalid, unavailable);
 * 3. `rest`: its REST API answers (`GET /jobs/overview`), its Flink version is one fjc
 *    supports and, when `spec.flinkVersion` declares one, it is the one the cluster reports
 *    (probe-version.ts);
 * 4. `storage`: its savepoint directory (spec) and checkpoint directory (Flink's configuration)
 *    can be listed, where it declares them and this runtime can read storage.
 *
 * Bounded: each cluster has its own deadline, a few clusters are probed at a time, and a probe
 * takes at most {@link MAX_PROBED_CLUSTERS} names, so the answer fits into a synchronous call.
 */
import { z } from 'zod';
import { FjcError } from '../commons/errors.js';
import { authorize, type Caller } from './authorization.js';
import { storedErrorText } from './error-text.js';
import type { CheckpointStorage, FlinkPort, JobStore, SecretsProvider } from './ports/index.js';
import {
  MIN_SUPPORTED_FLINK,
  NEWEST_TESTED_FLINK_MAJOR,
  checkDeclaredVersion,
  isSupportedFlinkVersion,
  type DeclaredVersionCheck,
} from './probe-version.js';
import {
  MAX_PROBED_CLUSTERS,
  clusterNameSchema,
  type ClusterProbe,
  type ProbeCheck,
  type ProbeReport,
} from './probe-report.js';
import { flinkClusterSchema, type FlinkCluster } from './spec/index.js';

export { MIN_SUPPORTED_FLINK, NEWEST_TESTED_FLINK_MAJOR, isSupportedFlinkVersion };
export * from './probe-report.js';

/** The `source` of a probe event, which the prober adapters send to the probing handler. */
export const PROBE_SOURCE = 'fjc.probe';

/** Clusters probed at the same time by default: few, to keep the function's sockets and CPU. */
export const DEFAULT_PROBE_CONCURRENCY = 4;

/** How long one cluster may take, all its checks together, by default. */
export const DEFAULT_CLUSTER_TIMEOUT_MS = 5_000;

/** The longest a probe of `clusters` names can take with the defaults (waves × deadline). */
export function probeBudgetMs(
  clusters: number,
  options: { concurrency?: number; clusterTimeoutMs?: number } = {},
): number {
  const concurrency = options.concurrency ?? DEFAULT_PROBE_CONCURRENCY;
  return (
    Math.ceil(clusters / concurrency) * (options.clusterTimeoutMs ?? DEFAULT_CLUSTER_TIMEOUT_MS)
  );
}

/** The probe event the probing handler (deploy in AWS) answers synchronously. */
export const probeEventSchema = z.object({
  source: z.literal(PROBE_SOURCE),
  clusters: z.array(clusterNameSchema).min(1).max(MAX_PROBED_CLUSTERS),
  /** The correlation id of the request that asked, logged as `causedBy`. */
  correlationId: z.string().min(1).max(200).optional(),
});

/** The probe event. */
export type ProbeEvent = z.infer<typeof probeEventSchema>;

/** What a probe reads: the clusters' records, their secrets, their REST APIs and storage. */
export interface ProbeContext {
  store: Pick<JobStore, 'getCluster'>;
  /** The port of a registered cluster (builds its client: reads its secret). */
  flink(clusterRef: string): Promise<FlinkPort>;
  secrets: SecretsProvider;
  /** Absent: this runtime reads no checkpoint storage, and the storage check is skipped. */
  checkpoints?: CheckpointStorage;
  /** Why storage is not checked here, said when {@link checkpoints} is absent. */
  noStorageReason?: string;
}

/** Options of {@link probeClusters}. */
export interface ProbeOptions {
  concurrency?: number;
  clusterTimeoutMs?: number;
}

/** A check that did not answer before the cluster's deadline. */
export class ProbeTimeoutError extends FjcError {
  override readonly code: string = 'PROBE_TIMEOUT';
}

/** Text of an error that may be shown: message and remedy, bounded and redacted. */
function failure(check: ProbeCheck['check'], detail: string, error: unknown): ProbeCheck {
  const message = error instanceof Error ? error.message : String(error);
  const remedy = error instanceof FjcError ? error.remedy : undefined;
  const code = error instanceof FjcError ? error.code : undefined;
  return {
    check,
    outcome: 'failed',
    detail: storedErrorText(`${detail}: ${message}`, 1_000),
    ...(remedy === undefined ? {} : { remedy: storedErrorText(remedy, 1_000) }),
    ...(code === undefined ? {} : { code }),
  };
}

/** How a secret failed, in words a person acts on; by code, as the errors are the adapter's. */
const SECRET_OUTCOMES: Readonly<Record<string, string>> = {
  SECRET_NOT_FOUND: 'not found',
  SECRET_ACCESS_DENIED: 'access denied',
  SECRET_INVALID: 'not valid credentials',
  SECRET_UNAVAILABLE: 'not readable now',
};

/** The secrets a cluster names, each once, with where it names them. */
function secretRefsOf(cluster: FlinkCluster): Map<string, string> {
  const refs = new Map<string, string>();
  const add = (ref: string | undefined, where: string) => {
    if (ref !== undefined && !refs.has(ref)) refs.set(ref, where);
  };
  const { auth, caBundle, sqlGateway } = cluster.spec;
  add(auth.type === 'none' ? undefined : auth.secretRef, 'auth');
  add(caBundle?.secretRef, 'caBundle');
  add(sqlGateway?.auth.type === 'none' ? undefined : sqlGateway?.auth.secretRef, 'sqlGateway');
  return refs;
}

/** `promise`, or a {@link ProbeTimeoutError} once `deadline` (epoch ms) has passed. */
async function before<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        reject(
          new ProbeTimeoutError(`${what} did not answer in time`, {
            remedy:
              'Check the network path from the control plane to the cluster (VPC, subnets, security groups, egress lists) and that the service is up.',
          }),
        );
      },
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const SKIPPED_AFTER_RECORD = 'not checked: the cluster record is missing or invalid';

async function checkRecord(
  context: ProbeContext,
  name: string,
  deadline: number,
): Promise<{ check: ProbeCheck; cluster?: FlinkCluster }> {
  let record;
  try {
    record = await before(context.store.getCluster(name), deadline, 'the job store');
  } catch (error) {
    return { check: failure('record', 'the cluster record cannot be read', error) };
  }
  if (record === undefined)
    return {
      check: {
        check: 'record',
        outcome: 'failed',
        detail: `cluster ${name} is not registered`,
        remedy: `Apply a FlinkCluster named ${name} (fjc apply), or check the name with fjc get clusters.`,
        code: 'NOT_FOUND',
      },
    };
  const parsed = flinkClusterSchema.safeParse(record.spec);
  if (!parsed.success)
    return {
      check: {
        check: 'record',
        outcome: 'failed',
        detail: `the stored spec of cluster ${name} is no longer valid`,
        remedy: 'Apply its FlinkCluster spec again.',
        code: 'CONFIGURATION',
      },
    };
  return {
    check: { check: 'record', outcome: 'ok', detail: `registered, version ${record.version}` },
    cluster: parsed.data,
  };
}

async function checkSecrets(
  context: ProbeContext,
  cluster: FlinkCluster,
  deadline: number,
): Promise<ProbeCheck[]> {
  const refs = secretRefsOf(cluster);
  if (refs.size === 0)
    return [{ check: 'secret', outcome: 'skipped', detail: 'no secret named (auth none)' }];
  const checks: ProbeCheck[] = [];
  for (const [ref, where] of refs) {
    try {
      // The value is read and dropped here: only whether it could be read leaves this function.
      await before(context.secrets.getSecret(ref), deadline, `secret ${ref}`);
      checks.push({ check: 'secret', outcome: 'ok', detail: `${where} secret ${ref} readable` });
    } catch (error) {
      const code = error instanceof FjcError ? error.code : undefined;
      const said = (code === undefined ? undefined : SECRET_OUTCOMES[code]) ?? 'not readable';
      checks.push(failure('secret', `${where} secret ${ref} ${said}`, error));
    }
  }
  return checks;
}

async function checkRest(
  context: ProbeContext,
  cluster: FlinkCluster,
  deadline: number,
): Promise<{ check: ProbeCheck; port?: FlinkPort; version?: string; supported?: boolean }> {
  const url = cluster.spec.url;
  let port: FlinkPort;
  try {
    // Building the client reads the cluster's secret and checks it is bound to the url.
    port = await before(context.flink(cluster.metadata.name), deadline, 'the cluster client');
  } catch (error) {
    return { check: failure('rest', `REST API at ${url} not tried: no client`, error) };
  }
  try {
    await before(port.listJobs(), deadline, `the REST API at ${url}`);
  } catch (error) {
    return { check: failure('rest', `REST API at ${url} not reachable`, error) };
  }
  let version: string;
  try {
    version = await before(port.flinkVersion(), deadline, `the REST API at ${url}`);
  } catch (error) {
    return { check: failure('rest', `REST API at ${url} reachable, version unknown`, error), port };
  }
  // A declared version is what fjc uses without asking; the probe asks, to catch a wrong one.
  const declared = cluster.spec.flinkVersion;
  let verified: DeclaredVersionCheck | undefined;
  if (declared !== undefined)
    verified = await checkDeclaredVersion(declared, () =>
      before(port.reportedFlinkVersion(), deadline, `GET /config at ${url}`),
    );
  const actual = verified?.version ?? version;
  const supported = isSupportedFlinkVersion(actual);
  const shown = verified?.shown ?? version;
  const range = `${String(MIN_SUPPORTED_FLINK.major)}.${String(MIN_SUPPORTED_FLINK.minor)} to ${String(NEWEST_TESTED_FLINK_MAJOR)}.x`;
  const mismatch = verified?.mismatch;
  return {
    check: mismatch
      ? {
          check: 'rest',
          outcome: 'failed',
          detail: `REST API at ${url} reachable, but ${mismatch.detail}`,
          remedy: mismatch.remedy,
          code: 'FLINK_VERSION_MISMATCH',
        }
      : supported
        ? { check: 'rest', outcome: 'ok', detail: `REST API at ${url} reachable, Flink ${shown}` }
        : {
            check: 'rest',
            outcome: 'failed',
            detail: `REST API at ${url} reachable, but Flink ${shown} is not supported (fjc supports ${range})`,
            remedy: `Run a Flink release from ${range}, or set spec.flinkVersion if the cluster reports its version wrongly.`,
            code: 'FLINK_VERSION_UNSUPPORTED',
          },
    port,
    version: actual,
    supported,
  };
}

async function checkStorage(
  context: ProbeContext,
  cluster: FlinkCluster,
  port: FlinkPort | undefined,
  deadline: number,
): Promise<ProbeCheck[]> {
  const storage = context.checkpoints;
  if (storage === undefined)
    return [
      {
        check: 'storage',
        outcome: 'skipped',
        detail: context.noStorageReason ?? 'not checked: this runtime reads no checkpoint storage',
      },
    ];
  const dirs: [string, string][] = [];
  const savepoints = cluster.spec.defaultSavepointDirectory;
  if (savepoints !== undefined) dirs.push(['savepoint directory', savepoints]);
  const checks: ProbeCheck[] = [];
  if (port !== undefined) {
    try {
      const checkpoints = await before(port.checkpointDirectory(), deadline, 'the REST API');
      if (checkpoints !== undefined) dirs.push(['checkpoint directory', checkpoints]);
    } catch (error) {
      checks.push(failure('storage', 'the checkpoint directory cannot be read from Flink', error));
    }
  }
  if (dirs.length === 0 && checks.length === 0)
    return [
      {
        check: 'storage',
        outcome: 'skipped',
        detail:
          port === undefined
            ? 'no savepoint directory declared; the checkpoint directory is unknown (REST API not reachable)'
            : 'no savepoint or checkpoint directory declared',
      },
    ];
  for (const [what, dir] of dirs) {
    try {
      await before(storage.listCompleted(dir), deadline, `the ${what}`);
      checks.push({ check: 'storage', outcome: 'ok', detail: `${what} ${dir} listable` });
    } catch (error) {
      checks.push(failure('storage', `${what} ${dir} not listable`, error));
    }
  }
  return checks;
}

/** Probes one cluster; never rejects (every failure is a failed check). */
export async function probeCluster(
  context: ProbeContext,
  name: string,
  options: ProbeOptions = {},
): Promise<ClusterProbe> {
  const deadline = Date.now() + (options.clusterTimeoutMs ?? DEFAULT_CLUSTER_TIMEOUT_MS);
  const record = await checkRecord(context, name, deadline);
  if (record.cluster === undefined)
    return {
      cluster: name,
      ok: false,
      checks: [
        record.check,
        ...(['secret', 'rest', 'storage'] as const).map((check): ProbeCheck => ({
          check,
          outcome: 'skipped',
          detail: SKIPPED_AFTER_RECORD,
        })),
      ],
    };
  const cluster = record.cluster;
  const secrets = await checkSecrets(context, cluster, deadline);
  const rest = await checkRest(context, cluster, deadline);
  const storage = await checkStorage(context, cluster, rest.port, deadline);
  const checks = [record.check, ...secrets, rest.check, ...storage];
  return {
    cluster: name,
    ok: checks.every((check) => check.outcome !== 'failed'),
    ...(rest.version === undefined ? {} : { flinkVersion: rest.version }),
    ...(rest.supported === undefined ? {} : { flinkVersionSupported: rest.supported }),
    checks,
  };
}

/**
 * Probes `names` (each once, in the order given), {@link ProbeOptions.concurrency} at a time,
 * each within its own deadline. Never rejects for a cluster's sake: a failure is a failed check.
 */
export async function probeClusters(
  context: ProbeContext,
  names: readonly string[],
  options: ProbeOptions = {},
): Promise<ProbeReport> {
  const unique = [...new Set(names)];
  const results: ClusterProbe[] = new Array<ClusterProbe>(unique.length);
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const index = next++;
      results[index] = await probeCluster(context, unique[index] ?? '', options);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_PROBE_CONCURRENCY, 8));
  await Promise.all(Array.from({ length: Math.min(workers, unique.length) }, worker));
  return { clusters: results };
}

/**
 * The one decision on who may probe (admins: a probe reads every cluster's secrets and storage
 * on the caller's behalf), audited like every decision, plus the audit line of the probe itself.
 * Throws a ForbiddenError for anyone else.
 */
export function authorizeProbe(caller: Caller, names: readonly string[]): void {
  authorize(
    caller.audit,
    caller.principal,
    { permission: 'cluster:probe', resource: `clusters/${names.join(',')}`, teams: [] },
    caller.correlationId,
  );
}

/** Writes the audit line of a probe that ran (an admin action; clusters keep no history). */
export function auditProbe(caller: Caller, report: ProbeReport): void {
  caller.audit.info('clusters probed', {
    audit: 'cluster-probe',
    principal: caller.principal.id,
    clusters: report.clusters.map((c) => c.cluster),
    failed: report.clusters.filter((c) => !c.ok).map((c) => c.cluster),
    correlationId: caller.correlationId,
  });
}
