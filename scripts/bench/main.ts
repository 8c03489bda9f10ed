/**
 * `npm run bench`: the fleet benchmark (issue 12). Not part of `npm test`: it measures, it does
 * not assert (except that the seeded fleet is steady, or the numbers would mean nothing).
 *
 *   npm run bench                                   # reconcile at 100/1,000/10,000 jobs + API
 *   npm run bench -- --jobs 100,1000 --only reconcile
 *   npm run bench -- --only api --api-jobs 1000 --duration 5
 *
 * Options: --jobs (list), --only reconcile|api, --jobs-per-cluster (100), --history (recent
 * history entries per job, 10), --templates (jobs seeded through the real apply, 20),
 * --latency (ms per Flink answer, 0), --cycles (measured cycles, the median reported; 3), --api-jobs (1000), --duration (s per load run, 5),
 * --connections (10).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchApi, type ApiBenchResult } from './api-bench.js';
import { formatApi, formatBounds, formatReconcile, header } from './report.js';
import { benchReconcile, type ReconcileBenchResult } from './reconcile-bench.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '100,1000,10000' },
    only: { type: 'string' },
    'jobs-per-cluster': { type: 'string', default: '100' },
    history: { type: 'string', default: '10' },
    templates: { type: 'string', default: '20' },
    latency: { type: 'string', default: '0' },
    cycles: { type: 'string', default: '3' },
    'api-jobs': { type: 'string', default: '1000' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
  },
});

function count(name: string, text: string | undefined, min = 0): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min}, not ${String(text)}`);
    process.exit(2);
  }
  return n;
}

const only = values.only;
if (only !== undefined && only !== 'reconcile' && only !== 'api') {
  console.error(`--only must be reconcile or api, not ${only}`);
  process.exit(2);
}
const sizes = values.jobs.split(',').map((text) => count('jobs', text.trim(), 1));
const jobsPerCluster = count('jobs-per-cluster', values['jobs-per-cluster'], 1);
const historyEntries = Math.min(10, Math.max(4, count('history', values.history, 4)));
const templateJobs = count('templates', values.templates, 1);

// The SDK's notice about Node 20 goes to stderr three times per run (once per process): noise
// next to the figures. Set before any client exists; the children inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const started = Date.now();
console.log(header(new Date(), cpus().length, loadavg()));

if (only !== 'api') {
  const results: ReconcileBenchResult[] = [];
  for (const jobs of sizes) {
    results.push(
      await benchReconcile({
        jobs,
        jobsPerCluster,
        historyEntries,
        templateJobs,
        cycles: count('cycles', values.cycles, 1),
        flinkLatencyMs: count('latency', values.latency),
      }),
    );
  }
  console.log(
    formatReconcile(results, {
      historyEntries,
      cycles: count('cycles', values.cycles, 1),
      latencyMs: count('latency', values.latency),
      templateJobs,
    }),
  );
  console.log(formatBounds(results));
}
if (only !== 'reconcile') {
  const api: ApiBenchResult = await benchApi({
    jobs: count('api-jobs', values['api-jobs'], 1),
    jobsPerCluster,
    historyEntries,
    templateJobs,
    durationS: count('duration', values.duration, 1),
    connections: count('connections', values.connections, 1),
  });
  console.log(formatApi(api));
}
console.log(
  `\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}.`,
);
