/**
 * CPU cost of one page of the all-jobs listing (`GET /v1/jobs`, 100 jobs), which a loaded shared
 * machine measures far more steadily than throughput: dynalite, the store, the API server and the
 * client all run in this one process, requests go one at a time, and the process CPU per request
 * is printed for the old read (gsi3, projected: DynamoDB and dynalite decode whole items first)
 * and the lean listing index (gsi4), at the store and through HTTP.
 *
 *   npx tsx scripts/bench/list-cpu.ts [jobs=1000] [rounds=200] [store|http]
 *
 * `store` or `http` measures only that (for `node --cpu-prof`); LIMIT=10 in the environment sets
 * the page size of the store measurement (what a Query costs apart from its items).
 */
import { StaticTeamDirectory } from '../../functions/api/team-directory.js';
import { DynamoJobStore } from '../../functions/store/dynamo-job-store.js';
import { DynamoTable } from '../../functions/store/dynamo/client.js';
import { LISTING_PROJECTION, itemToListing } from '../../functions/store/job-listings.js';
import { queryJobShardsPage } from '../../functions/store/pages.js';
import { startApiServer } from '../local/api-server.js';
import { createTable, startDynalite } from '../local/dynalite.js';
import { seedFleet } from './seed.js';

const jobs = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 200);
const only = process.argv[4];
const limit = Number(process.env.LIMIT ?? 100);
const jobsPerCluster = 100;

async function measure(name: string, call: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await call();
  const cpu = process.cpuUsage();
  const wall = performance.now();
  for (let i = 0; i < rounds; i++) await call();
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / rounds;
  const wallMs = (performance.now() - wall) / rounds;
  console.log(
    `${name.padEnd(44)} ${cpuMs.toFixed(2).padStart(7)} ms CPU  ${wallMs.toFixed(2).padStart(7)} ms wall  ≈ ${(1000 / cpuMs).toFixed(0).padStart(5)} pages/s per core`,
  );
}

const dynamo = await startDynalite();
const tableName = 'fjc-list-cpu';
await createTable(dynamo.client, tableName);
const store = new DynamoJobStore({ client: dynamo.client, tableName });
const clusters = Math.ceil(jobs / jobsPerCluster);
await seedFleet(store, {
  urls: Array.from({ length: clusters }, (_, i) => `http://127.0.0.1:${String(10_000 + i)}`),
  jobsPerCluster,
  historyEntries: 10,
  templateJobs: 20,
  client: dynamo.client,
  table: tableName,
  now: new Date(),
});
const table = new DynamoTable(dynamo.client, tableName);
const api = await startApiServer({
  store,
  teams: new StaticTeamDirectory({ admins: ['bench'] }),
  logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
});
const headers = { authorization: 'Bearer bench' };
console.log(
  `${jobs} jobs, pages of ${limit} (HTTP: 100), ${rounds} requests one after the other, one process:`,
);
try {
  if (only === undefined)
    await measure('store: gsi3 projected (before)', () =>
      // The all-jobs listing before the listing index: gsi3 with the listing projection.
      queryJobShardsPage(table, { limit }, itemToListing, LISTING_PROJECTION),
    );
  if (only !== 'http')
    await measure('store: listing index gsi4 (after)', () =>
      store.listJobListings({ by: 'all' }, { limit }),
    );
  if (only !== 'store')
    await measure('HTTP GET /v1/jobs (listing index)', async () => {
      const response = await fetch(`${api.url}/v1/jobs`, { headers });
      if (!response.ok)
        throw new Error(`GET /v1/jobs: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    });
} finally {
  await api.stop();
  await dynamo.stop();
}
