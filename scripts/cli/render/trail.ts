/**
 * A job's trail for people: the audit history and the savepoint catalog, newest first (the
 * order the API returns them in).
 */
import type { AuditEntryView, SavepointView } from '../api-types.js';
import { renderTable } from './table.js';
import { age } from './time.js';
import { wrapText } from './wrap.js';

const EVENT_HEADERS = ['AGE', 'EVENT', 'OUTCOME', 'ACTOR', 'MESSAGE'] as const;

/**
 * History entries as a table whose last column, the message, is wrapped to fit `width` (never
 * cut): continuation lines start under the message column. The record version is left out (it
 * counts every write, so its gaps say nothing); `-o json` has it.
 */
export function renderEventTable(
  items: readonly AuditEntryView[],
  now: Date,
  width: number,
): string {
  const rows = items.map((e) => [age(e.at, now), e.action, e.outcome, e.actor] as const);
  const table = renderTable(EVENT_HEADERS.slice(0, -1), rows).split('\n');
  const columnWidth = Math.max(...table.map((line) => line.length));
  const messageStart = columnWidth + 3;
  const pad = ' '.repeat(messageStart);
  const room = Math.max(20, width - messageStart);
  const header = `${(table[0] ?? '').padEnd(columnWidth)}   ${EVENT_HEADERS[4]}`;
  const body = items.map((entry, index) => {
    const [first = '', ...rest] = wrapText(entry.message, room);
    const row = `${(table[index + 1] ?? '').padEnd(columnWidth)}   ${first}`.trimEnd();
    return [row, ...rest.map((line) => `${pad}${line}`)].join('\n');
  });
  return [header, ...body].join('\n');
}

/** The history table, newest first (the order the API returns). */
export function renderHistoryTable(
  items: readonly AuditEntryView[],
  now: Date,
  width = 120,
): string {
  return renderEventTable(items, now, width);
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
