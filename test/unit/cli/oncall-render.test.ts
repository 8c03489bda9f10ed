/**
 * What the person on call reads: ages from creation, errors and history messages in full
 * (wrapped, never cut), the recent events under a job's detail.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntryView, JobSummary, JobView } from '../../../scripts/cli/api-types.js';
import { renderJobDetail, renderJobTable } from '../../../scripts/cli/render/jobs.js';
import { renderHistoryTable } from '../../../scripts/cli/render/trail.js';
import { hangingIndent, outputWidth, wrapText } from '../../../scripts/cli/render/wrap.js';

const now = new Date('2026-11-27T12:00:00Z');
const long =
  'Could not execute application: org.apache.flink.client.program.ProgramInvocationException: ' +
  'The main method caused an error: Table sink default_catalog.default_database.clicks does not exist';

describe('wrapText', () => {
  it('breaks at spaces, keeps every character, and splits only words longer than a line', () => {
    const lines = wrapText(`${long} s3://bucket/${'x'.repeat(50)}`, 40);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    expect(lines.join(' ').replace(/ /g, '')).toBe(
      `${long}s3://bucket/${'x'.repeat(50)}`.replace(/ /g, ''),
    );
    expect(lines[0]).toBe('Could not execute application:');
  });

  it('keeps line breaks and indents continuation lines under the value', () => {
    expect(wrapText('a\nb', 10)).toEqual(['a', 'b']);
    expect(hangingIndent('Error:  ', 'one two three four', 18)).toBe(
      'Error:  one two\n        three four',
    );
  });

  it('takes the width from $COLUMNS when it is sensible', () => {
    expect(outputWidth({ COLUMNS: '80' })).toBe(80);
    expect(outputWidth({ COLUMNS: 'wide' })).toBe(120);
    expect(outputWidth({ COLUMNS: '3' })).toBe(120);
    expect(outputWidth({})).toBe(120);
  });
});

const summary: JobSummary = {
  name: 'orders',
  team: 'payments',
  cluster: 'eu-1',
  phase: 'STABLE',
  generation: 4,
  specHash: 'a'.repeat(64),
  createdAt: '2026-11-20T12:00:00Z',
  updatedAt: '2026-11-27T11:59:00Z',
};

describe('fjc get', () => {
  it('counts AGE from the creation of the job, not its last change', () => {
    const [, row] = renderJobTable([summary], now).split('\n');
    expect(row).toMatch(/ 7d$/);
  });

  it('shows a long error in full under its label, the submissions, and the recent events', () => {
    const view: JobView = {
      name: 'orders',
      team: 'payments',
      cluster: 'eu-1',
      generation: 4,
      specHash: 'a'.repeat(64),
      spec: { apiVersion: 'fjc.dev/v1', kind: 'FlinkJob', metadata: { name: 'orders' }, spec: {} },
      status: {
        phase: 'FAILED',
        attempt: 6,
        lastError: { code: 'SUBMIT_FAILED', message: long, at: '2026-11-27T11:58:00Z' },
      },
      createdAt: summary.createdAt,
      updatedAt: summary.updatedAt,
    } as JobView;
    const events: AuditEntryView[] = [
      {
        jobName: 'orders',
        version: 9,
        actor: 'fjc:upgrade',
        action: 'upgrade.failed',
        outcome: 'failed',
        message: 'step submit kept failing (States.TaskFailed); the job is FAILED',
        at: '2026-11-27T11:58:00Z',
      },
      {
        jobName: 'orders',
        version: 7,
        actor: 'fjc:reconcile',
        action: 'upgrade.started',
        outcome: 'started',
        message: 'upgrade started: spec changed',
        at: '2026-11-27T11:57:00Z',
      },
    ];
    const text = renderJobDetail(view, now, { width: 80, events });
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toContain('Phase:            FAILED\n');
    expect(text).toContain('Submissions:      6\n');
    const error = text.slice(text.indexOf('Last error:'), text.indexOf('Created:'));
    expect(error.replace(/\s+/g, ' ')).toContain(long);
    const eventLines = text.slice(text.indexOf('Events:')).split('\n');
    expect(eventLines[1]).toMatch(/^ {2}AGE +EVENT +OUTCOME +ACTOR +MESSAGE$/);
    // Oldest first, as kubectl describe lists events.
    expect(eventLines[2]).toMatch(
      /^ {2}3m +upgrade\.started +started +fjc:reconcile +upgrade started/,
    );
    expect(eventLines.findIndex((l) => /^ {2}2m +upgrade\.failed +failed/.test(l))).toBeGreaterThan(
      2,
    );
  });

  it('wraps history messages under their column', () => {
    const text = renderHistoryTable(
      [
        {
          jobName: 'orders',
          version: 3,
          actor: 'fjc:deploy',
          action: 'deploy.failed',
          outcome: 'failed',
          message: long,
          at: '2026-11-27T11:59:00Z',
        },
      ],
      now,
      80,
    );
    const lines = text.split('\n');
    const column = (lines[0] ?? '').indexOf('MESSAGE');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    for (const line of lines.slice(2)) expect(line.slice(0, column).trim()).toBe('');
    // Words longer than the column are split, never dropped.
    expect(
      lines
        .slice(1)
        .map((l) => l.slice(column))
        .join('')
        .replace(/ /g, ''),
    ).toBe(long.replace(/ /g, ''));
  });
});
