/**
 * Benchmark of the job store on in-process dynalite: write 10,000 jobs through `putDesired`, then
 * list all of them the way the reconcile loop does (cursor pages over the sharded index).
 *
 *   npx tsx scripts/bench-store.ts [jobs=10000] [pageSize=100,1000]
 *
 * dynalite is a single-threaded in-memory emulator: the times show the store's request pattern
 * (requests per listing, pages), not DynamoDB latency.
 */
import { performance } from 'node:perf_hooks';
import { DynamoJobStore } from '../functions/store/index.js';
import { createTable, startDynalite } from './local/dynalite.js';

const JOBS = Number(process.argv[2] ?? 10_000);
const PAGE_SIZES = (process.argv[3] ?? '100,1000').split(',').map(Number);
const WRITE_CONCURRENCY = 50;

const dynamo = await startDynalite();
try {
  await createTable(dynamo.client, 'fjc-bench');
  const store = new DynamoJobStore({ client: dynamo.client, tableName: 'fjc-bench' });

  const writeStart = performance.now();
  for (let start = 0; start < JOBS; start += WRITE_CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(WRITE_CONCURRENCY, JOBS - start) }, (_, k) => {
        const i = start + k;
        return store.putDesired(
          {
            name: `job-${String(i).padStart(5, '0')}`,
            team: `team-${i % 40}`,
            clusterRef: `cluster-${i % 25}`,
            spec: {
              jar: `s3://jars/app-${i}.jar`,
              parallelism: 1 + (i % 8),
              args: ['--x', `${i}`],
            },
            specHash: `hash-${i}`,
          },
          { actor: 'bench' },
        );
      }),
    );
  }
  const writeMs = performance.now() - writeStart;
  console.log(
    `write: ${JOBS} jobs in ${writeMs.toFixed(0)} ms (${((JOBS / writeMs) * 1000).toFixed(0)} jobs/s, ` +
      `3 requests each: get, conditional put, audit put)`,
  );

  for (const limit of PAGE_SIZES) {
    const start = performance.now();
    const seen = new Set<string>();
    let pages = 0;
    let bytes = 0;
    let cursor: string | undefined;
    do {
      const page = await store.listJobs({ limit, ...(cursor === undefined ? {} : { cursor }) });
      pages += 1;
      for (const job of page.items) {
        seen.add(job.name);
        bytes += Buffer.byteLength(JSON.stringify(job));
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
    const ms = performance.now() - start;
    if (seen.size !== JOBS) throw new Error(`listed ${seen.size} distinct jobs, expected ${JOBS}`);
    console.log(
      `list all (limit ${limit}): ${seen.size} jobs, ${pages} pages, ` +
        `${(seen.size / pages).toFixed(1)} items/page, ${ms.toFixed(0)} ms, ` +
        `~${(bytes / seen.size).toFixed(0)} B/record`,
    );
  }
} finally {
  await dynamo.stop();
}
