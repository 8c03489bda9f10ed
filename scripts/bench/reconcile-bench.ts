/**
 * One fleet size of the reconcile benchmark: dynalite and the Flink fleet stand-in each in a
 * process of their own, the store seeded with the fleet in its steady state, then in THIS process
 * (as in a warm Lambda) a warm-up cycle and measured cycles of the real `reconcile`, and the same
 * for a per-job-polling baseline (list the jobs, one `GET /jobs/:id` each, as a naive controller
 * would). The control context is wired like the Lambdas' (functions/runtime/aws-runtime.ts): the
 * DynamoDB store, `FlinkClients` with its default cluster cache, a no-op state machine.
 *
 * The clock moves one schedule interval (60 s) between cycles, as the EventBridge schedule does,
 * so caches that expire sooner than that (the cluster records') expire here too.
 */
import { FjcError } from '../../functions/commons/errors.js';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FileArtifactSource } from '../../functions/adapters/file-artifact-source.js';
import { FileCheckpointStorage } from '../../functions/adapters/file-checkpoint-storage.js';
import { FlinkClients } from '../../functions/adapters/flink-clients.js';
import { LocalSecretsProvider } from '../../functions/adapters/secrets/local-secrets-provider.js';
import type { JobRecord } from '../../functions/core/model/index.js';
import type {
  ControlContext,
  ExecutionAction,
  StateMachinePort,
} from '../../functions/core/ports/index.js';
import { reconcile, type ReconcileReport } from '../../functions/core/reconcile.js';
import { DynamoJobStore } from '../../functions/store/dynamo-job-store.js';
import { createTable } from '../local/dynalite.js';
import { countDynamo, type DynamoCounts } from './dynamo-counter.js';
import type { FleetCounts } from './flink-fleet.js';
import { dynaliteClient, startDynaliteProcess, startFleetProcess } from './processes.js';
import { seedFleet } from './seed.js';

/** The schedule's interval: how far the clock moves between two cycles. */
export const SCHEDULE_MS = 60_000;

/** Options of {@link benchReconcile}. */
export interface ReconcileBenchOptions {
  jobs: number;
  jobsPerCluster: number;
  historyEntries: number;
  /** Jobs seeded through the real apply and transitions; the rest are clones (seed.ts). */
  templateJobs: number;
  /** Cycles measured (after the warm-up); the one of median CPU time is reported. */
  cycles: number;
  /** Latency of every Flink answer. */
  flinkLatencyMs: number;
}

/** What one measured cycle cost. */
export interface CycleFigures {
  wallMs: number;
  cpuMs: number;
  dynamo: DynamoCounts;
  flink: FleetCounts;
  /** V8 heap in use right after the cycle (before any collection). */
  heapUsedMb: number;
  /** What the cycle decided, by kind (a steady fleet: all `none`). */
  planned: Record<string, number>;
}

/** One fleet size's results. */
export interface ReconcileBenchResult {
  jobs: number;
  clusters: number;
  seedMs: number;
  reconcile: CycleFigures;
  baseline: CycleFigures;
  /** Operations the measured reconciles handed to the state machine (a steady fleet: none). */
  started: number;
}

async function measure(
  run: () => Promise<Record<string, number>>,
  counters: { reset(): Promise<void>; read(): Promise<Pick<CycleFigures, 'dynamo' | 'flink'>> },
): Promise<CycleFigures> {
  // A collection before, so the heap figure is this cycle's garbage, not the seeding's.
  (globalThis as { gc?: () => void }).gc?.();
  await counters.reset();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const planned = await run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const heapUsedMb = process.memoryUsage().heapUsed / 1_048_576;
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    heapUsedMb,
    planned,
    ...(await counters.read()),
  };
}

/**
 * Measures `times` cycles and keeps the one of median CPU time: on a shared machine a single
 * cycle can land on a busy moment, the median of a few seldom does.
 */
async function repeated(times: number, one: () => Promise<CycleFigures>): Promise<CycleFigures> {
  const figures: CycleFigures[] = [];
  for (let k = 0; k < Math.max(1, times); k++) figures.push(await one());
  figures.sort((a, b) => a.cpuMs - b.cpuMs);
  const median = figures[Math.floor((figures.length - 1) / 2)];
  if (!median) throw new FjcError('no cycle measured');
  return median;
}

function byKind(report: ReconcileReport): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const action of report.planned) kinds[action.kind] = (kinds[action.kind] ?? 0) + 1;
  if (report.skipped.length > 0) kinds.skipped = report.skipped.length;
  return kinds;
}

/** Runs one fleet size; every process it starts is stopped before it returns. */
export async function benchReconcile(
  options: ReconcileBenchOptions,
): Promise<ReconcileBenchResult> {
  const clusters = Math.max(1, Math.ceil(options.jobs / options.jobsPerCluster));
  const jobsPerCluster = Math.ceil(options.jobs / clusters);
  const dynamo = await startDynaliteProcess();
  const fleet = await startFleetProcess({
    clusters,
    jobsPerCluster,
    latencyMs: options.flinkLatencyMs,
  });
  const client = dynaliteClient(dynamo.ready.endpoint);
  try {
    const table = 'fjc-bench';
    await createTable(client, table);
    const counter = countDynamo(client);
    let offsetMs = 0;
    const now = () => new Date(Date.now() + offsetMs);
    const store = new DynamoJobStore({ client, tableName: table, clock: now });

    const seedStart = performance.now();
    await seedFleet(store, {
      urls: fleet.ready.urls,
      jobsPerCluster,
      historyEntries: options.historyEntries,
      templateJobs: options.templateJobs,
      client,
      table,
      now: now(),
    });
    const seedMs = performance.now() - seedStart;

    const clients = new FlinkClients(store, new LocalSecretsProvider({ env: {} }), {
      now: () => now().getTime(),
    });
    let started = 0;
    const stateMachine: StateMachinePort = {
      start: (input: { actions: ExecutionAction[] }) => {
        started += input.actions.length;
        return Promise.resolve();
      },
    };
    const ctx: ControlContext & { stateMachine: StateMachinePort } = {
      store,
      flink: (name) => clients.port(name),
      savepointDirectory: (name) => clients.savepointDirectory(name),
      // As aws-runtime.ts wires it: cluster records read with one listing per cycle.
      beginCycle: async () => {
        const cycle = await clients.cycle();
        return { flink: cycle.port, savepointDirectory: cycle.savepointDirectory };
      },
      artifacts: new FileArtifactSource(process.cwd()),
      checkpoints: new FileCheckpointStorage(),
      now,
      newId: () => randomBytes(16).toString('hex'),
      stateMachine,
    };
    const counters = {
      reset: async () => {
        counter.reset();
        await fleet.resetCounts();
      },
      read: async () => ({ dynamo: counter.counts(), flink: await fleet.counts() }),
    };
    const cycle = async () =>
      byKind(await reconcile(ctx, { correlationId: randomBytes(8).toString('hex') }));

    // Per-job polling: the same listing, each cluster's client once, then one job detail per
    // job, all at once (the client's connection pool, 4 per cluster, queues them).
    const baselineCycle = async () => {
      const kinds: Record<string, number> = {};
      const records: JobRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listJobs({ limit: 1000, ...(cursor ? { cursor } : {}) });
        records.push(...page.items);
        cursor = page.cursor;
      } while (cursor !== undefined);
      const names = [...new Set(records.map((record) => record.clusterRef))];
      const flink = new Map(
        await Promise.all(names.map(async (name) => [name, await clients.get(name)] as const)),
      );
      await Promise.all(
        records.map(async (record) => {
          const jobId = record.status.jobId;
          const client = flink.get(record.clusterRef);
          if (jobId === undefined || !client) return;
          const job = await client.getJob(jobId);
          kinds[job.state] = (kinds[job.state] ?? 0) + 1;
        }),
      );
      return kinds;
    };

    const warm = await cycle();
    // A benchmark of the wrong thing is worse than none: the fleet must be steady.
    if (warm.none !== clusters * jobsPerCluster)
      throw new FjcError(
        `the seeded fleet is not steady: the warm-up cycle planned ${JSON.stringify(warm)}`,
        {
          remedy:
            'The store or the planner changed what a steady job is: update scripts/bench/seed.ts (settle, cloneOf) to match.',
        },
      );
    started = 0;
    const reconcileFigures = await repeated(options.cycles, async () => {
      offsetMs += SCHEDULE_MS;
      return measure(cycle, counters);
    });
    const startedInMeasured = started;
    offsetMs += SCHEDULE_MS;
    await baselineCycle();
    const baselineFigures = await repeated(options.cycles, async () => {
      offsetMs += SCHEDULE_MS;
      return measure(baselineCycle, counters);
    });
    await clients.closeAll();
    return {
      jobs: clusters * jobsPerCluster,
      clusters,
      seedMs,
      reconcile: reconcileFigures,
      baseline: baselineFigures,
      started: startedInMeasured,
    };
  } finally {
    client.destroy();
    await Promise.all([dynamo.stop(), fleet.stop()]);
  }
}
