/**
 * What the end-to-end scenarios on real Flink read from outside: the example job's counter (its
 * `max-count` accumulator, which proves where state came from), Flink's live job states, and the
 * status that means "stable on this spec".
 */
import { inject } from 'vitest';
import { stringify } from 'yaml';
import type { ReconcileReport } from '../../functions/core/reconcile.js';
import type { JobRecord } from '../../functions/core/model/index.js';
import type { FlinkRestClient } from '../../functions/flink/index.js';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/local-runtime.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { EXAMPLE_ENTRY_CLASS } from './flink-contract.js';

/** Flink job states in which a copy of the job runs or is about to. */
export const LIVE_STATES: ReadonlySet<string> = new Set([
  'CREATED',
  'INITIALIZING',
  'RUNNING',
  'RESTARTING',
  'RECONCILING',
]);

/** The counter of the example job `jobId` (0 before its first report). */
export async function counterOf(flink: FlinkRestClient, jobId: string): Promise<number> {
  return Number((await flink.getAccumulators(jobId))['max-count'] ?? 0);
}

/** Waits until the counter passes `above` (accumulators arrive with TaskManager heartbeats). */
export async function counterAbove(
  flink: FlinkRestClient,
  jobId: string,
  above: number,
  intervalMs = 500,
): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await counterOf(flink, jobId);
    if (value > above) return value;
    if (Date.now() > deadline)
      throw new Error(`counter of ${jobId} stayed at ${value}, not above ${above}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** STABLE on the spec `hash`, with no operation left. */
export const stableAt = (hash: string) => (r: JobRecord) =>
  r.status.phase === 'STABLE' &&
  r.status.lastStable?.specHash === hash &&
  r.status.operation === undefined;

/** Options of {@link localClusterDocument}. */
export interface LocalClusterOptions {
  /** The cluster's name (the jobs' `clusterRef`); `local` unless told. */
  name?: string;
  /** A local directory for savepoints; omitted, the cluster document names none. */
  savepointDir?: string;
  /** More spec fields (e.g. `sqlGateway`). */
  spec?: Record<string, unknown>;
}

/** The YAML of a FlinkCluster at `url` without auth, as every scenario on a local cluster applies it. */
export function localClusterDocument(url: string, o: LocalClusterOptions = {}): string {
  return stringify({
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkCluster',
    metadata: { name: o.name ?? 'local' },
    spec: {
      url,
      auth: { type: 'none' },
      ...o.spec,
      ...(o.savepointDir ? { defaultSavepointDirectory: `file://${o.savepointDir}` } : {}),
    },
  });
}

/** Options of {@link exampleJob}. */
export interface ExampleJobOptions {
  /** The program's arguments; none unless told. */
  args?: string[];
  /** Fields that replace those of the default stability gate (1 checkpoint, no restart, 2 s soak, 60 s readiness). */
  gate?: Record<string, unknown>;
  /** More spec fields, applied last (they may replace any default, e.g. `artifact`, `upgradeMode`). */
  spec?: Record<string, unknown>;
}

/** A FlinkJob of the example counter jar on the cluster `local`, savepoint upgrades, parallelism 1. */
export function exampleJob(name: string, o: ExampleJobOptions = {}): Record<string, unknown> {
  return {
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name },
    spec: {
      team: 'platform',
      clusterRef: 'local',
      artifact: { uri: inject('exampleJar') },
      entryClass: EXAMPLE_ENTRY_CLASS,
      ...(o.args ? { args: o.args } : {}),
      parallelism: 1,
      upgradeMode: 'savepoint',
      stabilityGate: {
        minCompletedCheckpoints: 1,
        maxRestarts: 0,
        soakWindow: '2s',
        readinessTimeout: '60s',
        ...o.gate,
      },
      ...o.spec,
    },
  };
}

/** {@link exampleJob} as the YAML `apply` reads. */
export const exampleJobDocument = (name: string, o: ExampleJobOptions = {}): string =>
  stringify(exampleJob(name, o));

/** The stored job `name`; throws when it is not stored (every caller applied it first). */
export async function storedJob(rt: Pick<LocalRuntime, 'store'>, name: string): Promise<JobRecord> {
  const record = await rt.store.getJob(name);
  if (!record) throw new Error(`job ${name} not stored`);
  return record;
}

/** Options of {@link converge}. */
export interface ConvergeOptions {
  /** How long to keep cycling; 150 s unless told (a loaded machine). */
  timeoutMs?: number;
  /** The pause between cycles; 300 ms unless told. */
  intervalMs?: number;
  /** Sees each cycle's report (for debugging output). */
  onReport?: (report: ReconcileReport) => void;
}

/**
 * Runs reconcile cycles, each waiting for the state machine it started, until `done` holds of
 * what `read` returns: polled, never timed, since the machine is shared and loaded.
 */
export async function convergeOn<T>(
  rt: Pick<LocalRuntime, 'reconcileOnce' | 'stateMachine'>,
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  describe: (value: T) => string,
  o: ConvergeOptions = {},
): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 150_000);
  for (;;) {
    const report = await rt.reconcileOnce();
    o.onReport?.(report);
    await rt.stateMachine.idle();
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${describe(value)}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 300));
  }
}

/** {@link convergeOn} for the one stored job `name`, until it is stored and `done` holds of it. */
export async function converge(
  rt: Pick<LocalRuntime, 'reconcileOnce' | 'stateMachine' | 'store'>,
  name: string,
  what: string,
  done: (r: JobRecord) => boolean,
  o: ConvergeOptions = {},
): Promise<JobRecord> {
  const record = await convergeOn(
    rt,
    what,
    () => rt.store.getJob(name),
    (r) => r !== undefined && done(r),
    (r) => JSON.stringify(r?.status),
    o,
  );
  if (!record) throw new Error(`job ${name} not stored`); // unreachable: `done` saw it stored
  return record;
}

/**
 * The local runtime talking to the suite's Flink cluster through a pass-through fault proxy (the
 * cluster `local`, savepoints in the suite's directory), so scenarios can count or break calls.
 */
export async function startProxiedRuntime(): Promise<{ rt: LocalRuntime; proxy: FaultProxy }> {
  const proxy = await startFaultProxy({ target: inject('flinkUrl') });
  const rt = await startLocalRuntime({ baseDir: process.cwd() });
  await rt.apply(
    localClusterDocument(proxy.url, { savepointDir: inject('savepointDir') }),
    'cluster.yaml',
  );
  return { rt, proxy };
}
