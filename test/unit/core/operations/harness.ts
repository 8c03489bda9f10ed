/**
 * The engine's unit-test bench: the real store (DynamoJobStore on dynalite), real jars on disk
 * (FileArtifactSource on a temporary folder), an injectable clock and ids, and a scripted
 * `FlinkPort` whose methods are `vi.fn`s. Stubbing Flink is for ERROR paths: the real cluster
 * covers the happy paths in test/flink/control-loop.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, vi, type Mock } from 'vitest';
import { FileArtifactSource } from '../../../../functions/adapters/file-artifact-source.js';
import { FileCheckpointStorage } from '../../../../functions/adapters/file-checkpoint-storage.js';
import { specHash } from '../../../../functions/core/change/index.js';
import { beginOperation } from '../../../../functions/core/operations/begin.js';
import { LEASE_TTL_MS } from '../../../../functions/core/operations/advance.js';
import { locateStage, nextStep } from '../../../../functions/core/operations/sequences.js';
import {
  JobNotOnClusterError,
  type CheckpointSummary,
  type ControlContext,
  type FlinkPort,
  type JobState,
  type SavepointProgress,
} from '../../../../functions/core/ports/index.js';
import type { PlannedAction } from '../../../../functions/core/plan/plan-actions.js';
import { encodeSpecDocument, type FlinkJob } from '../../../../functions/core/spec/index.js';
import { summarizeThrowable } from '../../../../functions/flink/index.js';
import { DynamoJobStore } from '../../../../functions/store/index.js';
import type {
  JobRecord,
  JobStatusPatch,
  OperationKind,
} from '../../../../functions/core/model/index.js';
import { createTable, startDynalite, type LocalDynamo } from '../../../support/dynalite.js';
import { JOB_ID, NOW, job } from '../plan/fixtures.js';

export { JOB_ID, NOW, job };
export const NAME = 'counter';
export const OWNER = 'worker-1';

/** The job graph the stub plans and runs unless told otherwise: a source and a counter. */
export const GRAPH = {
  vertices: [
    { id: 'f421c7059e6771b9a595acc02e87aaef', name: 'Source: sequence-source → rate-limiter' },
    { id: '0da08f51eaa85fc298e176a139b3649a', name: 'counter → discard: Writer' },
  ],
};

/** A Flink port whose every method is a `vi.fn`: unscripted calls fail loudly. */
export type FlinkStub = { [K in keyof FlinkPort]: Mock<FlinkPort[K]> };

export function flinkStub(): FlinkStub {
  const unscripted = (name: string) =>
    vi.fn(() => Promise.reject(new Error(`unscripted Flink call ${name}`)));
  return {
    listJobs: vi.fn(() => Promise.resolve({ jobs: [], unreadable: [] })),
    getJob: vi.fn((jobId: string) =>
      Promise.reject(
        new JobNotOnClusterError(`Flink rejected job detail of ${jobId}`, 'Job not found'),
      ),
    ),
    getFailures: vi.fn(() => Promise.resolve([])),
    getCheckpoints: unscripted('getCheckpoints'),
    // Like getJob: a job the stub was not told about is not on the cluster.
    getSavepointHistory: vi.fn((jobId: string) =>
      Promise.reject(
        new JobNotOnClusterError(`Flink rejected checkpoint history of ${jobId}`, 'Job not found'),
      ),
    ),
    checkpointDirectory: vi.fn(() => Promise.resolve(undefined)),
    flinkVersion: vi.fn(() => Promise.resolve('2.3.0')),
    reportedFlinkVersion: vi.fn(() => Promise.resolve('2.3.0')),
    uploadJar: vi.fn(() => Promise.resolve({ jarId: 'jar-1_counter.jar' })),
    // A cluster that keeps no jars: every submission uploads (jar-cache.test.ts scripts more).
    listJars: vi.fn(() => Promise.resolve([])),
    runJar: vi.fn((_jarId: string, options: { jobId?: string }) =>
      Promise.resolve({ jobId: options.jobId ?? JOB_ID }),
    ),
    deleteJar: vi.fn(() => Promise.resolve()),
    // The new version plans as the same graph as the running job: the pre-flight passes.
    planJar: vi.fn(() => Promise.resolve(GRAPH)),
    getJobPlan: vi.fn(() => Promise.resolve(GRAPH)),
    getVertexStateSizes: vi.fn(() => Promise.resolve({ [GRAPH.vertices[0]?.id ?? '']: 4096 })),
    triggerSavepoint: vi.fn((_jobId: string, options?: { triggerId?: string }) =>
      Promise.resolve({ triggerId: options?.triggerId ?? 'none' }),
    ),
    stopWithSavepoint: vi.fn((_jobId: string, options?: { triggerId?: string }) =>
      Promise.resolve({ triggerId: options?.triggerId ?? 'none' }),
    ),
    getSavepointStatus: unscripted('getSavepointStatus'),
    cancelJob: vi.fn(() => Promise.resolve()),
    disposeSavepoint: unscripted('disposeSavepoint'),
    awaitDisposal: vi.fn(() => Promise.resolve()),
    rescale: vi.fn(() => Promise.resolve()),
    isCheckpointingEnabled: vi.fn(() => Promise.resolve(true)),
    getJobMetrics: unscripted('getJobMetrics'),
  };
}

/** Flink calls that change something on the cluster. */
export const MUTATIONS = [
  'uploadJar',
  'runJar',
  'planJar',
  'deleteJar',
  'triggerSavepoint',
  'stopWithSavepoint',
  'cancelJob',
  'disposeSavepoint',
  'rescale',
] as const;

export function jobDetail(state: string, jid = JOB_ID, runningSince?: number): JobState {
  return { jobId: jid, state, ...(runningSince === undefined ? {} : { runningSince }) };
}

export function savepointDone(location: string): SavepointProgress {
  return { state: 'COMPLETED', location };
}

/** A failed savepoint as the adapter reports it: Flink's throwable, summarized. */
export function savepointFailed(cls: string, trace: string): SavepointProgress {
  return { state: 'FAILED', cause: summarizeThrowable(trace, cls) };
}

export const savepointInProgress = (): SavepointProgress => ({ state: 'IN_PROGRESS' });

export function checkpoints(path: string | undefined, completed = 1, ackAt = 0): CheckpointSummary {
  return { completed, ...(path === undefined ? {} : { latest: { path, completedAt: ackAt } }) };
}

const SNAPSHOTS = mkdtempSync(join(tmpdir(), 'fjc-snapshots-'));
afterAll(() => rm(SNAPSHOTS, { recursive: true, force: true }));

/**
 * A checkpoint or savepoint folder with its `_metadata` on disk (restore points are checked on
 * storage), completed at `atMs` when given; returns its file URI.
 */
export async function snapshotOnDisk(relative: string, atMs?: number): Promise<string> {
  const metadata = join(SNAPSHOTS, relative, '_metadata');
  await mkdir(dirname(metadata), { recursive: true });
  await writeFile(metadata, 'metadata');
  if (atMs !== undefined) await utimes(metadata, atMs / 1000, atMs / 1000);
  return pathToFileURL(join(SNAPSHOTS, relative)).href;
}

export interface Bench {
  ctx: ControlContext;
  store: DynamoJobStore;
  flink: FlinkStub;
  /** Which clusters `ctx.flink` was asked for. */
  clusterCalls: string[];
  /** Moves the clock on. */
  advance(ms: number): void;
  /** The current time of the clock. */
  now(): Date;
  /** Reads the job (fails when it is gone). */
  get(): Promise<JobRecord>;
  /** The local DynamoDB and the table of {@link store}, for a second client that misbehaves. */
  dynamo: LocalDynamo;
  tableName: string;
  cleanup(): Promise<void>;
}

/** A new table, a new jar folder, a new stub. */
export async function bench(dynamo: LocalDynamo): Promise<Bench> {
  const tableName = `fjc-${randomUUID()}`;
  await createTable(dynamo.client, tableName);
  let t = NOW.getTime();
  const now = () => new Date(t);
  const store = new DynamoJobStore({ client: dynamo.client, tableName, clock: now });
  const dir = await mkdtemp(join(tmpdir(), 'fjc-ops-'));
  await mkdir(join(dir, 'jobs'));
  await writeFile(join(dir, 'jobs', 'counter.jar'), 'PK\u0003\u0004 not really a jar');
  const flink = flinkStub();
  const clusterCalls: string[] = [];
  let next = 0;
  const ctx: ControlContext = {
    store,
    flink: (cluster) => {
      clusterCalls.push(cluster);
      return Promise.resolve(flink);
    },
    savepointDirectory: () => Promise.resolve('file:///savepoints'),
    artifacts: new FileArtifactSource(dir),
    checkpoints: new FileCheckpointStorage(),
    now,
    newId: () => (++next).toString(16).padStart(32, '0'),
  };
  return {
    ctx,
    store,
    flink,
    clusterCalls,
    advance: (ms) => {
      t += ms;
    },
    now,
    get: async () => {
      const record = await store.getJob(NAME);
      if (!record) throw new Error('job is gone');
      return record;
    },
    dynamo,
    tableName,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export function snap(doc: FlinkJob, generation: number) {
  return {
    spec: encodeSpecDocument(doc) as Record<string, unknown>,
    specHash: specHash(doc),
    generation,
  };
}

/**
 * Stores `desired` for job `counter` and, when `applied` is given, a status in which that spec
 * runs (stable) as Flink job JOB_ID.
 */
export async function seed(
  b: Bench,
  desired: FlinkJob,
  applied?: FlinkJob,
  status: JobStatusPatch = {},
  name = NAME,
): Promise<JobRecord> {
  const put = await b.store.putDesired(
    {
      name,
      team: desired.spec.team,
      clusterRef: desired.spec.clusterRef,
      spec: encodeSpecDocument(desired),
      specHash: specHash(desired),
    },
    { actor: 'test', now: b.now() },
  );
  if (!applied && Object.keys(status).length === 0) return put.record;
  const appliedSnap = applied ? snap(applied, 1) : undefined;
  return b.store.transition(
    name,
    put.record.version,
    {
      phase: 'STABLE',
      ...(appliedSnap
        ? {
            jobId: JOB_ID,
            attempt: 1,
            lastApplied: appliedSnap,
            lastStable: appliedSnap,
            jobStartedAt: b.now().toISOString(),
          }
        : {}),
      ...status,
    },
    { actor: 'test', action: 'seeded' },
    b.now(),
  );
}

/**
 * Starts an operation the way reconcile does: lease first, then the operation from
 * beginOperation, past its pre-flight as if that had passed (these tests are about what follows;
 * preflight.test.ts covers the pre-flight through {@link beginWithPreflight}).
 */
export async function begin(
  b: Bench,
  kind: PlannedAction['kind'],
  desired: FlinkJob,
  extra: Partial<PlannedAction> = {},
  owner = OWNER,
): Promise<string> {
  return beginAt(b, kind, desired, extra, owner, false);
}

/** {@link begin} at the operation's very first step, the pre-flight included. */
export async function beginWithPreflight(
  b: Bench,
  kind: PlannedAction['kind'],
  desired: FlinkJob,
  extra: Partial<PlannedAction> = {},
  owner = OWNER,
): Promise<string> {
  return beginAt(b, kind, desired, extra, owner, true);
}

async function beginAt(
  b: Bench,
  kind: PlannedAction['kind'],
  desired: FlinkJob,
  extra: Partial<PlannedAction>,
  owner: string,
  withPreflight: boolean,
): Promise<string> {
  const leased = await b.store.acquireLease(NAME, owner, LEASE_TTL_MS, b.now());
  const start = beginOperation(
    {
      jobName: NAME,
      kind,
      reason: 'test',
      expectedVersion: leased.version,
      clusterRef: desired.spec.clusterRef,
      ...extra,
    },
    leased,
    desired,
    { operationId: b.ctx.newId(), triggerId: b.ctx.newId(), jobId: b.ctx.newId() },
  );
  if (!start) throw new Error(`no operation for ${kind}`);
  const placed = locateStage(start.kind, start.data.mode, start.step);
  const step =
    !withPreflight && start.step === 'preflight' && placed
      ? (nextStep(placed, start.data) ?? start.step)
      : start.step;
  return record(b, leased, start.kind, step, start.data, start.phase);
}

/** Records an arbitrary operation (a step and data no planner would produce), under a lease. */
export async function withOperation(
  b: Bench,
  kind: OperationKind,
  step: string,
  data: Record<string, unknown>,
  owner = OWNER,
): Promise<string> {
  const leased = await b.store.acquireLease(NAME, owner, LEASE_TTL_MS, b.now());
  return record(b, leased, kind, step, data);
}

async function record(
  b: Bench,
  leased: JobRecord,
  kind: OperationKind,
  step: string,
  data: Record<string, unknown>,
  phase?: JobStatusPatch['phase'],
): Promise<string> {
  const id = b.ctx.newId();
  await b.store.transition(
    NAME,
    leased.version,
    {
      ...(phase ? { phase } : {}),
      operation: { id, kind, step, startedAt: b.now().toISOString(), data },
    },
    { actor: 'test', action: `${kind}-started` },
    b.now(),
  );
  return id;
}

/** The audit actions of the job, oldest first. */
export async function actions(b: Bench): Promise<string[]> {
  return (await b.get()).recentHistory.map((e) => e.action);
}

/**
 * Registers the usual lifecycle: one dynalite for the file, a fresh bench (own table, stub Flink,
 * clock) for each test, cleaned up after it. `set` receives each test's bench.
 */
export function useBench(set: (fresh: Bench) => void): void {
  let dynamo: LocalDynamo | undefined;
  let current: Bench | undefined;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo?.stop();
  });
  beforeEach(async () => {
    if (!dynamo) throw new Error('dynalite did not start');
    current = await bench(dynamo);
    set(current);
  });
  afterEach(async () => {
    await current?.cleanup();
  });
}

/**
 * Polls `check` until it holds, for steps whose work runs on a real timer (heartbeats, lock
 * renewals); the bound guards against a hang and is no speed target.
 */
export async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  const until = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
