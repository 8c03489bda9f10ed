/**
 * Jobs for people: the `fjc get` table and the detail view of one job.
 */
import { stringify } from 'yaml';
import type { JobSummary, JobView } from '../api-types.js';
import { renderGateDetail } from './gate.js';
import { renderTable } from './table.js';
import { age, instant } from './time.js';

/** The columns of `fjc get`. */
export const JOB_COLUMNS = [
  'NAME',
  'TEAM',
  'CLUSTER',
  'PHASE',
  'GEN',
  'JOB-ID',
  'NEWEST-SAVEPOINT',
  'AGE',
] as const;

/** A savepoint reference in a cell: the last path segment and its age. */
function savepointCell(ref: JobSummary['newestSavepoint'], now: Date): string {
  if (ref === undefined) return '';
  const name = ref.path.replace(/\/+$/, '').split('/').pop() ?? ref.path;
  const ago = age(ref.at, now);
  return ago === '' ? name : `${name} (${ago})`;
}

/**
 * The job table. AGE is the time since the job's record last changed (`updatedAt`): the listing
 * carries no creation time.
 */
export function renderJobTable(items: readonly JobSummary[], now: Date): string {
  return renderTable(
    JOB_COLUMNS,
    items.map((job) => [
      job.name,
      job.team,
      job.cluster,
      job.phase,
      String(job.generation),
      job.jobId ?? '',
      savepointCell(job.newestSavepoint, now),
      age(job.updatedAt, now),
    ]),
  );
}

function field(label: string, value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : [`${`${label}:`.padEnd(18)}${value}`];
}

function indent(text: string, by: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');
}

/** One job in detail: identity, status, operation in flight, errors and the desired spec. */
export function renderJobDetail(job: JobView, now: Date): string {
  const s = job.status;
  const lines = [
    ...field('Name', job.name),
    ...field('Team', job.team),
    ...field('Cluster', job.cluster),
    ...field('Generation', `${job.generation} (spec ${job.specHash.slice(0, 12)})`),
    ...field('Phase', s.attempt > 0 ? `${s.phase} (attempt ${s.attempt})` : s.phase),
    ...field('Flink job id', s.jobId),
    ...field(
      'Operation',
      s.operation === undefined
        ? undefined
        : `${s.operation.kind}: ${s.operation.step} (since ${instant(s.operation.startedAt, now)})`,
    ),
    ...field('Last applied', s.lastApplied && `generation ${s.lastApplied.generation}`),
    ...field('Last stable', s.lastStable && `generation ${s.lastStable.generation}`),
    ...field('Observed', s.observed && `${s.observed.state} at ${instant(s.observed.at, now)}`),
    ...field('Job started', s.jobStartedAt && instant(s.jobStartedAt, now)),
    ...field(
      'Newest savepoint',
      s.newestSavepoint && `${s.newestSavepoint.path} (${instant(s.newestSavepoint.at, now)})`,
    ),
    ...field(
      'Last error',
      s.lastError &&
        `${s.lastError.code}: ${s.lastError.message} (${instant(s.lastError.at, now)})`,
    ),
    ...field(
      'Rejected',
      s.rejected &&
        `spec ${s.rejected.specHash.slice(0, 12)}: ${s.rejected.reason} (${instant(s.rejected.at, now)})`,
    ),
    ...(s.gate ? renderGateDetail(s.gate) : []),
    ...field('Created', instant(job.createdAt, now)),
    ...field('Updated', instant(job.updatedAt, now)),
    'Spec:',
    indent(stringify(job.spec, { lineWidth: 0 }), '  '),
  ];
  return lines.join('\n');
}
