import { describeHistoryEntry, type JobRecord } from '../../functions/core/model/index.js';
import { renderTable } from '../cli/render/table.js';
import { age } from '../cli/render/time.js';
import { wrapText } from '../cli/render/wrap.js';
import { renderGateRequirements } from '../cli/render/gate.js';

/** `5m ago`, or nothing for a missing instant. */
function ago(iso: string | undefined, now: Date): string {
  const text = age(iso, now);
  return text === '' ? '' : `${text} ago`;
}

/** Shortens a savepoint path to its last segment: the folder name identifies it. */
function shortPath(path: string | undefined): string {
  return path === undefined ? '' : (path.replace(/\/+$/, '').split('/').pop() ?? path);
}

/** What the job is doing, or the last thing that happened to it. */
function lastEvent(job: JobRecord, now: Date): string {
  const operation = job.status.operation;
  const gate = job.status.gate;
  // While the stability gate soaks, what it waits for says more than the step's name.
  const soaking =
    operation?.step === 'await-stable' && gate?.verdict === 'pending'
      ? ` (${renderGateRequirements(gate)})`
      : '';
  if (operation) return `${operation.kind}, at step ${operation.step}${soaking}`;
  const last = job.recentHistory[job.recentHistory.length - 1];
  if (!last) return '';
  return `${describeHistoryEntry(last).event} (${ago(last.at, now)})`;
}

/**
 * The local runtime's live view of the fleet, in the same table style as `fjc get`: one row per
 * job with its phase, Flink job id, newest savepoint and what it is doing or last did. The error
 * of a job that is not fine follows its row in full, wrapped to `width` (never cut). Pure, so it
 * is tested without a terminal.
 */
export function renderStatusTable(jobs: readonly JobRecord[], now: Date, width = 120): string {
  if (jobs.length === 0) return '(no jobs yet)';
  const headers = ['JOB', 'CLUSTER', 'PHASE', 'FLINK-JOB', 'NEWEST-SAVEPOINT', 'LAST-EVENT'];
  const rows = jobs.map((job) => [
    job.name,
    job.clusterRef,
    job.status.phase,
    job.status.jobId ?? '',
    job.status.newestSavepoint
      ? `${shortPath(job.status.newestSavepoint.path)} (${ago(job.status.newestSavepoint.at, now)})`
      : '',
    lastEvent(job, now),
  ]);
  const [header = '', ...lines] = renderTable(headers, rows).split('\n');
  const out = [header];
  jobs.forEach((job, index) => {
    out.push(lines[index] ?? '');
    const error = job.status.lastError;
    if (error && job.status.phase !== 'STABLE')
      out.push(
        ...wrapText(`${error.code}: ${error.message}`, width - 4).map(
          (line, i) => `${i === 0 ? '  ! ' : '    '}${line}`,
        ),
      );
  });
  return out.join('\n');
}
