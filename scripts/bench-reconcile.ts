/**
 * Quick benchmark of one reconcile cycle: N jobs on N/100 clusters, all RUNNING as desired, so a
 * cycle plans and writes nothing and measures exactly the cost of loading, observing and planning.
 * dynalite runs in its own process (its CPU is not the controller's) and counts the bytes it
 * answers; Flink is a stand-in port answering each cluster's job list from memory.
 *
 *   npx tsx scripts/bench-reconcile.ts [jobs=1000,10000] [cycles=3]
 *
 * Prints per cycle: wall, controller CPU (user+system of this process), DynamoDB requests and
 * response bytes, Flink calls. The first cycle of a process is "cold" (empty spec cache).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { ControlContext, StateMachinePort } from '../functions/core/ports/index.js';
import { reconcile } from '../functions/core/reconcile.js';
import { DynamoJobStore } from '../functions/store/index.js';
import { BENCH_NOW, localClient, populate } from './bench/fleet.js';
import { createTable } from './local/dynalite.js';

const SIZES = (process.argv[2] ?? '1000,10000').split(',').map(Number);
const CYCLES = Number(process.argv[3] ?? 3);

interface Stats {
  bytes: number;
  requests: number;
  byTarget: Record<string, number>;
}

const child = fork(fileURLToPath(new URL('./bench/dynalite-child.ts', import.meta.url)));
const port = await new Promise<number>((resolve) => {
  child.once('message', (m: { port: number }) => {
    resolve(m.port);
  });
});
const stats = () =>
  new Promise<Stats>((resolve) => {
    child.once('message', (m: Stats) => {
      resolve(m);
    });
    child.send('stats');
  });

const client = localClient(port);

for (const jobs of SIZES) {
  const clusters = Math.max(1, Math.round(jobs / 100));
  const table = `fjc-bench-${jobs}`;
  await createTable(client, table);
  const store = new DynamoJobStore({ client, tableName: table, clock: () => BENCH_NOW });
  const lists = await populate(client, table, jobs, clusters, store);
  let flinkCalls = 0;
  const flinkPort = (name: string) =>
    ({
      listJobs: () => {
        flinkCalls++;
        return Promise.resolve({ jobs: lists.get(name) ?? [], unreadable: [] });
      },
    }) as never;
  const stateMachine: StateMachinePort = { start: () => Promise.resolve() };
  const ctx: ControlContext & { stateMachine: StateMachinePort } = {
    store,
    // As FlinkClients does today when its 10 s cache is older than the 60 s schedule.
    flink: async (name) => {
      await store.getCluster(name);
      return flinkPort(name);
    },
    savepointDirectory: () => Promise.resolve(undefined),
    // As FlinkClients.cycle does: one listing of every cluster per cycle (ignored before it existed).
    beginCycle: async () => {
      for (let cursor: string | undefined, first = true; first || cursor; first = false)
        cursor = (await store.listClusters({ limit: 1000, ...(cursor ? { cursor } : {}) })).cursor;
      return {
        flink: (name) => Promise.resolve(flinkPort(name)),
        savepointDirectory: () => Promise.resolve(undefined),
      };
    },
    artifacts: {} as never,
    checkpoints: {} as never,
    now: () => BENCH_NOW,
    newId: () => 'x',
    stateMachine,
  };
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    child.send('reset');
    flinkCalls = 0;
    global.gc?.();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const report = await reconcile(ctx, { correlationId: `bench-${cycle}` });
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const s = await stats();
    const notNone = report.planned.filter((a) => a.kind !== 'none').length;
    console.log(
      `jobs=${jobs} clusters=${clusters} cycle=${cycle}: wall ${wall.toFixed(0)} ms, ` +
        `cpu ${((used.user + used.system) / 1000).toFixed(0)} ms, ` +
        `dynamo ${s.requests} req ${(s.bytes / 1e6).toFixed(2)} MB ${JSON.stringify(s.byTarget)}, ` +
        `flink ${flinkCalls}, planned ${report.planned.length} (${notNone} not none), ` +
        `skipped ${report.skipped.length}, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
    );
  }
}
child.send('stop');
client.destroy();
