/**
 * The README's samples of `fjc get`, `fjc history` and the local status table, rendered by the
 * code that prints them from one example fleet: a counter job upgraded from parallelism 1 to 2,
 * with the history entries the controller writes for that (codes and details as stored). The
 * README shows them between `<!-- sample:NAME:start -->` and `<!-- sample:NAME:end -->`;
 * `npx tsx scripts/gen-readme-samples.ts` rewrites them and a unit test fails while they differ.
 */
import { auditEntryView, jobSummary } from '../functions/api/views.js';
import type { AuditEntry, JobRecord } from '../functions/core/model/index.js';
import { renderJobTable } from './cli/render/jobs.js';
import { renderHistoryTable } from './cli/render/trail.js';
import { renderStatusTable } from './local/status-table.js';

/** The clock the samples are rendered at. */
export const SAMPLE_NOW = new Date('2026-11-27T10:30:00Z');
const WIDTH = 100;

const at = (minutesAgo: number, seconds = 0): string =>
  new Date(SAMPLE_NOW.getTime() - minutesAgo * 60_000 - seconds * 1000).toISOString();

const COUNTER_JOB = '3f1c9a27b54e4d0e8c1a6b2d9e7f0a51';
const OLD_JOB = '12805b54eee1410e6619e0a831ea6713';
const SAVEPOINT = 'file:/work/.local/savepoints/stateful-counter/savepoint-12805b-5d1b5a0c7e21';

/** What the controller stored for the counter's life, oldest first. */
const COUNTER_HISTORY: readonly Omit<AuditEntry, 'jobName' | 'expiresAt'>[] = [
  { version: 1, actor: 'local-admin', action: 'job.created', at: at(47), details: { via: 'api' } },
  {
    version: 3,
    actor: 'fjc:reconcile',
    action: 'deploy-started',
    at: at(47),
    details: { reason: 'new job', operationId: 'op-1' },
  },
  {
    version: 5,
    actor: 'fjc:deploy',
    action: 'job-submitted',
    at: at(46, 50),
    details: { operationId: 'op-1', step: 'submit', next: 'await-running', flinkJobId: OLD_JOB },
  },
  {
    version: 9,
    actor: 'fjc:deploy',
    action: 'stable',
    at: at(46),
    details: {
      operationId: 'op-1',
      outcome: 'done',
      summary: 'RUNNING, 30s of 30s soak, 1/1 checkpoints, 0/3 restarts',
    },
  },
  {
    version: 31,
    actor: 'local-admin',
    action: 'desired.updated',
    at: at(3),
    details: { via: 'api', generation: 2 },
  },
  {
    version: 32,
    actor: 'fjc:reconcile',
    action: 'upgrade-started',
    at: at(3),
    details: {
      reason: 'parallelism changed: the cluster cannot rescale in place',
      operationId: 'op-2',
      fields: ['spec.parallelism'],
    },
  },
  {
    version: 33,
    actor: 'fjc:upgrade',
    action: 'stop-with-savepoint-triggered',
    at: at(2, 58),
    details: {
      operationId: 'op-2',
      step: 'stop-with-savepoint',
      next: 'await-savepoint',
      triggerId: 'c0ffee',
      flinkJobId: OLD_JOB,
    },
  },
  {
    version: 34,
    actor: 'fjc:upgrade',
    action: 'savepoint-completed',
    at: at(2, 55),
    details: { operationId: 'op-2', step: 'await-savepoint', next: 'submit', path: SAVEPOINT },
  },
  {
    version: 36,
    actor: 'fjc:upgrade',
    action: 'job-submitted',
    at: at(2, 53),
    details: {
      operationId: 'op-2',
      step: 'submit',
      next: 'await-running',
      flinkJobId: COUNTER_JOB,
      restorePath: SAVEPOINT,
    },
  },
  {
    version: 41,
    actor: 'fjc:upgrade',
    action: 'stable',
    at: at(2, 10),
    details: {
      operationId: 'op-2',
      outcome: 'done',
      summary: 'RUNNING, 30s of 30s soak, 2/1 checkpoints, 0/3 restarts, parallelism 2',
    },
  },
];

function record(over: Partial<JobRecord> & Pick<JobRecord, 'name' | 'status'>): JobRecord {
  return {
    team: 'platform',
    clusterRef: 'local',
    spec: {},
    specHash: '0'.repeat(64),
    generation: 1,
    version: 1,
    createdAt: at(47),
    updatedAt: at(2),
    recentHistory: [],
    ...over,
  };
}

/** The example fleet: a counter just upgraded, a SQL job running, a PyFlink job that failed. */
function fleet(): JobRecord[] {
  return [
    record({
      name: 'stateful-counter',
      generation: 2,
      status: {
        phase: 'STABLE',
        attempt: 2,
        jobId: COUNTER_JOB,
        newestSavepoint: { path: SAVEPOINT, at: at(2, 55) },
      },
      recentHistory: COUNTER_HISTORY.map((e) => ({ ...e })),
    }),
    record({
      name: 'sql-clicks',
      createdAt: at(45),
      status: { phase: 'UPGRADING', attempt: 1, jobId: 'a94f0c2e7d3b4c51b8e2f6a0d9c7e134' },
      recentHistory: [],
    }),
    record({
      name: 'pyflink-counter',
      team: 'data-science',
      createdAt: at(60 * 26),
      status: {
        phase: 'FAILED',
        attempt: 3,
        lastError: {
          code: 'SUBMIT_FAILED',
          message:
            'Could not execute application: the Python program exited with code 1: ' +
            "ModuleNotFoundError: No module named 'pyflink_counter.windows' (python/pyflink_counter/main.py, line 12)",
          at: at(5),
        },
      },
      recentHistory: [
        {
          version: 12,
          actor: 'fjc:deploy',
          action: 'operation-failed',
          at: at(5),
          details: { operationId: 'op-3', step: 'submit', failures: 3, error: 'SUBMIT_FAILED' },
        },
      ],
    }),
  ].map((job) =>
    job.name === 'sql-clicks'
      ? {
          ...job,
          status: {
            ...job.status,
            operation: { id: 'op-4', kind: 'upgrade', step: 'await-stable', startedAt: at(1) },
          },
        }
      : job,
  );
}

/** The samples by name, each as the terminal shows it (command line included). */
export function renderReadmeSamples(): Record<'status-table' | 'fjc-get' | 'fjc-history', string> {
  const jobs = fleet();
  const listing = jobs.map((job) =>
    jobSummary({
      name: job.name,
      team: job.team,
      clusterRef: job.clusterRef,
      specHash: job.specHash,
      generation: job.generation,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      status: job.status,
    }),
  );
  const history = [...COUNTER_HISTORY]
    .reverse()
    .map((e) => auditEntryView({ ...e, jobName: 'stateful-counter', expiresAt: 0 }));
  return {
    'status-table': renderStatusTable(jobs, SAMPLE_NOW, WIDTH),
    'fjc-get': `$ npx fjc get\n${renderJobTable(listing, SAMPLE_NOW)}`,
    'fjc-history': `$ npx fjc history stateful-counter\n${renderHistoryTable(history, SAMPLE_NOW, WIDTH)}`,
  };
}

/** The README block of a sample, markers included. */
export function sampleBlock(name: string, text: string): string {
  return [
    `<!-- sample:${name}:start (npx tsx scripts/gen-readme-samples.ts) -->`,
    '',
    '```',
    text,
    '```',
    '',
    `<!-- sample:${name}:end -->`,
  ].join('\n');
}

/** The README with every sample block replaced by what the code renders now. */
export function withSamples(readme: string): string {
  let text = readme;
  for (const [name, sample] of Object.entries(renderReadmeSamples())) {
    const pattern = new RegExp(
      `<!-- sample:${name}:start[^>]*-->[\\s\\S]*?<!-- sample:${name}:end -->`,
    );
    if (!pattern.test(text)) throw new Error(`README.md lacks the sample markers of ${name}`);
    text = text.replace(pattern, () => sampleBlock(name, sample));
  }
  return text;
}
