/**
 * What `npm run bench` prints: plain-text tables of the figures and the Done-means bounds of
 * issue 12, checked against the measured cycle. Pure functions of the results, so the checks
 * are unit-tested (test/unit/bench/report.test.ts).
 */
import type { ApiBenchResult } from './api-bench.js';
import type { CycleFigures, ReconcileBenchResult } from './reconcile-bench.js';

/** Bytes per MB in everything printed (decimal, as DynamoDB bills). */
export const MB = 1_000_000;

/** The fleet size the bounds are defined for. */
export const BOUND_JOBS = 10_000;

/** One Done-means bound and whether the measured cycle keeps it. */
export interface BoundCheck {
  bound: string;
  measured: string;
  holds: boolean;
}

/** Checks the reconcile bounds of issue 12 on one measured cycle. */
export function checkBounds(result: ReconcileBenchResult): BoundCheck[] {
  const cycle = result.reconcile;
  const perCluster = cycle.flink.total / result.clusters;
  return [
    {
      bound: '≤ 1 Flink call per cluster',
      measured: `${cycle.flink.total} calls for ${result.clusters} clusters, at most ${cycle.flink.maxPerCluster} on one`,
      holds: cycle.flink.maxPerCluster <= 1 && perCluster <= 1,
    },
    {
      bound: 'controller CPU ≤ 1.0 s per cycle',
      measured: `${(cycle.cpuMs / 1000).toFixed(2)} s`,
      holds: cycle.cpuMs <= 1000,
    },
    {
      bound: '≤ 20 MB DynamoDB read per cycle',
      measured: `${(cycle.dynamo.bytesRead / MB).toFixed(1)} MB`,
      holds: cycle.dynamo.bytesRead <= 20 * MB,
    },
  ];
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (a: number, b: number) => (b === 0 ? '–' : `${(a / b).toFixed(2)}×`);

/** The first lines: when, where, and how loaded the machine was. */
export function header(at: Date, cores: number, load: number[]): string {
  return [
    `fjc fleet benchmark — ${at.toISOString()} — node ${process.version}, ${cores} cores, ` +
      `load average ${load.map((l) => l.toFixed(1)).join(' / ')}`,
    'dynalite, the Flink fleet stand-in and the API server run in processes of their own; ' +
      'CPU and heap are this process only.',
  ].join('\n');
}

function cycleRow(label: string, jobs: number, clusters: number, c: CycleFigures): string[] {
  return [
    label,
    n(jobs),
    n(clusters),
    n(c.wallMs),
    n(c.cpuMs),
    n(c.dynamo.requests),
    n(c.dynamo.bytesRead / MB, 1),
    n(c.flink.total),
    n(c.flink.bytes / MB, 1),
    n(c.heapUsedMb, 0),
  ];
}

/** The reconcile and baseline tables, the ratios and the growth per job. */
export function formatReconcile(
  results: readonly ReconcileBenchResult[],
  setup: { historyEntries: number; cycles: number; latencyMs: number; templateJobs: number },
): string {
  const headers = [
    'cycle',
    'jobs',
    'clusters',
    'wall ms',
    'CPU ms',
    'Dynamo req',
    'Dynamo MB read',
    'Flink req',
    'Flink MB',
    'heap MB',
  ];
  const rows = results.flatMap((r) => [
    cycleRow('reconcile', r.jobs, r.clusters, r.reconcile),
    cycleRow('per-job polling', r.jobs, r.clusters, r.baseline),
  ]);
  const ratios = table(
    ['reconcile ÷ polling', 'jobs', 'wall', 'CPU', 'Dynamo req', 'Dynamo MB', 'Flink req'],
    results.map((r) => [
      '',
      n(r.jobs),
      ratio(r.reconcile.wallMs, r.baseline.wallMs),
      ratio(r.reconcile.cpuMs, r.baseline.cpuMs),
      ratio(r.reconcile.dynamo.requests, r.baseline.dynamo.requests),
      ratio(r.reconcile.dynamo.bytesRead, r.baseline.dynamo.bytesRead),
      ratio(r.reconcile.flink.total, r.baseline.flink.total),
    ]),
  );
  const growth = table(
    [
      'reconcile per job',
      'jobs',
      'CPU µs',
      'Dynamo B read',
      'seeding s',
      'DynamoDB requests by kind',
    ],
    results.map((r) => [
      '',
      n(r.jobs),
      n((r.reconcile.cpuMs * 1000) / r.jobs),
      n(r.reconcile.dynamo.bytesRead / r.jobs),
      n(r.seedMs / 1000, 1),
      Object.entries(r.reconcile.dynamo.byOperation)
        .map(([op, count]) => `${op} ${count}`)
        .join(', '),
    ]),
  );
  const steady = results.every((r) => r.started === 0 && r.reconcile.planned.none === r.jobs)
    ? 'every measured cycle planned `none` for every job (a steady fleet)'
    : `NOT steady: ${results.map((r) => `${r.jobs}: ${JSON.stringify(r.reconcile.planned)}`).join('; ')}`;
  return [
    '',
    `Reconcile: a steady cycle in a warm process (after a warm-up cycle; of ${setup.cycles} ` +
      `measured, the one of median CPU; the clock moves 60 s between cycles, as the schedule ` +
      `does); ${setup.historyEntries} recent-history entries per ` +
      `job; Flink answers after ${setup.latencyMs} ms; ${setup.templateJobs} jobs seeded through ` +
      `the real apply, the rest cloned from them.`,
    `Per-job polling: the same listing, then one GET /jobs/:id per job.`,
    table(headers, rows),
    '',
    ratios,
    '',
    growth,
    '',
    steady,
  ].join('\n');
}

/** The bounds of issue 12, checked at 10,000 jobs (or the largest size run, said so). */
export function formatBounds(results: readonly ReconcileBenchResult[]): string {
  const largest = [...results].sort((a, b) => b.jobs - a.jobs)[0];
  if (!largest) return '';
  const at =
    largest.jobs === BOUND_JOBS
      ? `at ${n(BOUND_JOBS)} jobs / ${largest.clusters} clusters`
      : `at ${n(largest.jobs)} jobs (the bounds are for ${n(BOUND_JOBS)}; run with --jobs 10000)`;
  return [
    '',
    `Done-means bounds (issue 12), ${at}:`,
    ...checkBounds(largest).map(
      (check) => `  ${check.holds ? 'holds ' : 'FAILS '} ${check.bound}: ${check.measured}`,
    ),
  ].join('\n');
}

/** The API load table. */
export function formatApi(result: ApiBenchResult): string {
  return [
    '',
    `API load (autocannon; API server and dynalite in processes of their own), ${n(result.jobs)} ` +
      `jobs, seeded in ${n(result.seedMs / 1000, 1)} s:`,
    table(
      ['route', 'rate', 'requests/s', 'p50 ms', 'p99 ms', 'requests', 'failed'],
      result.runs.map((run) => [
        run.name,
        run.rate === undefined ? 'max' : `${run.rate}/s`,
        n(run.requestsPerS, 1),
        n(run.p50Ms, 1),
        n(run.p99Ms, 1),
        n(run.requests),
        n(run.failures),
      ]),
    ),
    'Done-means bounds (issue 12), the GET one on an otherwise idle machine:',
    ...checkApiBounds(result).map(
      (check) => `  ${check.holds ? 'holds ' : 'FAILS '} ${check.bound}: ${check.measured}`,
    ),
  ].join('\n');
}

/** Checks the API bounds of issue 12 on the load runs (list at max rate, GET at 200/s). */
export function checkApiBounds(result: ApiBenchResult): BoundCheck[] {
  const list = result.runs.find((run) => run.name.startsWith('GET /v1/jobs (') && !run.rate);
  const get = result.runs.find((run) => run.name === 'GET /v1/jobs/{name}' && run.rate === 200);
  const checks: BoundCheck[] = [];
  if (list)
    checks.push({
      bound: 'list ≥ 200 requests/s with p99 ≤ 100 ms',
      measured: `${n(list.requestsPerS, 1)} requests/s, p99 ${n(list.p99Ms, 1)} ms`,
      holds: list.requestsPerS >= 200 && list.p99Ms <= 100 && list.failures === 0,
    });
  if (get)
    checks.push({
      bound: 'GET one job p99 ≤ 25 ms at 200 requests/s',
      measured: `p99 ${n(get.p99Ms, 1)} ms at ${n(get.requestsPerS, 1)} requests/s`,
      holds: get.p99Ms <= 25 && get.failures === 0,
    });
  return checks;
}
