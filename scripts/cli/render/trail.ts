/**
 * A job's trail for people: the audit history and the savepoint catalog, newest first (the
 * order the API returns them in).
 */
import type { AuditEntryView, SavepointView } from '../api-types.js';
import { renderTable } from './table.js';
import { age } from './time.js';

const MAX_DETAILS_LENGTH = 80;

/** Audit details as `key=value` pairs; strings bare, other values as JSON, cut when long. */
function detailsCell(details: AuditEntryView['details']): string {
  if (details === undefined) return '';
  const text = Object.entries(details)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return text.length <= MAX_DETAILS_LENGTH ? text : `${text.slice(0, MAX_DETAILS_LENGTH - 1)}…`;
}

/** The history table. */
export function renderHistoryTable(items: readonly AuditEntryView[], now: Date): string {
  return renderTable(
    ['VERSION', 'ACTION', 'ACTOR', 'AGE', 'DETAILS'],
    items.map((e) => [
      String(e.version),
      e.action,
      e.actor,
      age(e.at, now),
      detailsCell(e.details),
    ]),
  );
}

/** The savepoint table. */
export function renderSavepointTable(items: readonly SavepointView[], now: Date): string {
  return renderTable(
    ['ID', 'STATUS', 'TRIGGER', 'GEN', 'FLINK-JOB-ID', 'AGE', 'PATH'],
    items.map((s) => [
      s.id,
      // A pin and a pending deletion change what retention does: shown where the status is.
      `${s.status}${s.pinned === true ? ' pinned' : ''}${s.deleteRequestedAt === undefined ? '' : ' deleting'}`,
      s.triggerKind,
      String(s.generation),
      s.flinkJobId ?? '-',
      age(s.createdAt, now),
      s.path ?? (s.failureCause === undefined ? '' : `(failed: ${s.failureCause})`),
    ]),
  );
}
