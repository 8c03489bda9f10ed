/**
 * Jobs for people: the `fjc get` table and the detail view of one job.
 */
import { stringify } from 'yaml';
import type { AuditEntryView, JobSummary, JobView } from '../api-types.js';
import { renderGateDetail } from './gate.js';
import { renderTable } from './table.js';
import { age, instant } from './time.js';
import { renderEventTable } from './trail.js';
import { hangingIndent } from './wrap.js';

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
 * The job table. AGE counts from the job's creation, as `kubectl get` does; the detail view
 * shows when it last changed.
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
      age(job.createdAt, now),
    ]),
  );
}

const LABEL_WIDTH = 18;

function field(label: string, value: string | undefined, width: number): string[] {
  return value === undefined || value === ''
    ? []
    : [hangingIndent(`${label}:`.padEnd(LABEL_WIDTH), value, width)];
}

function indent(text: string, by: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');
}

/**
 * One job in detail, in the manner of `kubectl describe`: identity, status, the operation in
 * flight, errors in full (wrapped to `width`), the desired spec and, when given, its recent
 * events oldest first.
 */
export function renderJobDetail(
  job: JobView,
  now: Date,
  options: { width?: number; events?: readonly AuditEntryView[] } = {},
): string {
  const width = options.width ?? 120;
  const s = job.status;
  const lines = [
    ...field('Name', job.name, width),
    ...field('Team', job.team, width),
    ...field('Cluster', job.cluster, width),
    ...field('Generation', `${job.generation} (spec ${job.specHash.slice(0, 12)})`, width),
    ...field('Phase', s.phase, width),
    ...field('Flink job id', s.jobId, width),
    // Each submission runs under a new Flink job id; the count says how often the job was
    // (re)started since it was created.
    ...field('Submissions', s.attempt > 0 ? String(s.attempt) : undefined, width),
    ...field(
      'Operation',
      s.operation === undefined
        ? undefined
        : `${s.operation.kind}, at step ${s.operation.step} (since ${instant(s.operation.startedAt, now)})`,
      width,
    ),
    ...field('Last applied', s.lastApplied && `generation ${s.lastApplied.generation}`, width),
    ...field('Last stable', s.lastStable && `generation ${s.lastStable.generation}`, width),
    ...field(
      'Observed',
      s.observed && `${s.observed.state} at ${instant(s.observed.at, now)}`,
      width,
    ),
    ...field('Job started', s.jobStartedAt && instant(s.jobStartedAt, now), width),
    ...field(
      'Newest savepoint',
      s.newestSavepoint && `${s.newestSavepoint.path} (${instant(s.newestSavepoint.at, now)})`,
      width,
    ),
    ...field(
      'Last error',
      s.lastError &&
        `${s.lastError.code} at ${instant(s.lastError.at, now)}: ${s.lastError.message}`,
      width,
    ),
    ...field(
      'Rejected',
      s.rejected &&
        `spec ${s.rejected.specHash.slice(0, 12)} at ${instant(s.rejected.at, now)}: ${s.rejected.reason}`,
      width,
    ),
    ...(s.gate ? renderGateDetail(s.gate) : []),
    ...field('Created', instant(job.createdAt, now), width),
    ...field('Updated', instant(job.updatedAt, now), width),
    'Spec:',
    indent(stringify(job.spec, { lineWidth: 0 }), '  '),
  ];
  if (options.events !== undefined) {
    lines.push('Events:');
    lines.push(
      options.events.length === 0
        ? '  <none>'
        : indent(renderEventTable([...options.events].reverse(), now, width - 2), '  '),
    );
  }
  return lines.join('\n');
}
