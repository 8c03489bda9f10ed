import type { JobRecord } from '../../functions/core/model/index.js';
import { renderGateRequirements } from '../cli/render/gate.js';

function ago(iso: string | undefined, now: Date): string {
  if (iso === undefined) return '';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  return `${Math.round(seconds / 3600)}h ago`;
}

/** Shortens a savepoint path to its last segment: the folder name identifies it. */
function shortPath(path: string | undefined): string {
  return path === undefined ? '' : (path.replace(/\/+$/, '').split('/').pop() ?? path);
}

/**
 * The local runtime's live view of the fleet: one row per job with its phase, Flink job id,
 * newest savepoint and last action. Pure, so it is tested without a terminal.
 */
export function renderStatusTable(jobs: readonly JobRecord[], now: Date): string {
  const header = ['JOB', 'CLUSTER', 'PHASE', 'FLINK JOB', 'NEWEST SAVEPOINT', 'LAST ACTION'];
  const rows = jobs.map((job) => {
    const last = job.recentHistory[job.recentHistory.length - 1];
    const operation = job.status.operation;
    const gate = job.status.gate;
    // While the stability gate soaks, what it waits for says more than the step's name.
    const soaking =
      operation?.step === 'await-stable' && gate?.verdict === 'pending'
        ? ` (${renderGateRequirements(gate)})`
        : '';
    const action = operation
      ? `${operation.kind}: ${operation.step}${soaking}`
      : last
        ? `${last.action} (${ago(last.at, now)})`
        : '';
    const error =
      job.status.lastError && job.status.phase !== 'STABLE'
        ? `  ! ${job.status.lastError.message.slice(0, 80)}`
        : '';
    return [
      job.name,
      job.clusterRef,
      job.status.phase,
      job.status.jobId ?? '',
      job.status.newestSavepoint
        ? `${shortPath(job.status.newestSavepoint.path)} (${ago(job.status.newestSavepoint.at, now)})`
        : '',
      action + error,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line), ...(rows.length === 0 ? ['(no jobs yet)'] : [])].join(
    '\n',
  );
}
