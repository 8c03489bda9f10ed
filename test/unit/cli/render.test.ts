/**
 * Rendering without I/O: tables, the plan diff, ages, durations and the exit code mapping.
 */
import { describe, expect, it } from 'vitest';
import { parseSpecDocuments, type SpecDocument } from '../../../functions/core/spec/index.js';
import { parseDuration } from '../../../scripts/cli/duration.js';
import { exitCodeForStatus } from '../../../scripts/cli/errors.js';
import type { PlannedDocument } from '../../../scripts/cli/plan.js';
import { renderPlan, showValue } from '../../../scripts/cli/render/plan.js';
import { renderTable } from '../../../scripts/cli/render/table.js';
import { age } from '../../../scripts/cli/render/time.js';

function doc(kind: 'FlinkJob' | 'FlinkCluster', name: string): SpecDocument {
  const text =
    kind === 'FlinkCluster'
      ? `{"apiVersion":"fjc.dev/v1","kind":"FlinkCluster","metadata":{"name":"${name}"},"spec":{"url":"http://x:8081"}}`
      : `{"apiVersion":"fjc.dev/v1","kind":"FlinkJob","metadata":{"name":"${name}"},"spec":{"team":"t","clusterRef":"c","artifact":{"uri":"s3://bucket/app.jar"}}}`;
  const parsed = parseSpecDocuments(text, { filename: 'x.json' });
  if (!parsed.ok || parsed.documents[0] === undefined) throw new Error('bad fixture');
  return parsed.documents[0];
}

describe('renderTable', () => {
  it('pads columns, marks empty cells and leaves no trailing spaces', () => {
    expect(
      renderTable(
        ['NAME', 'PHASE', 'AGE'],
        [
          ['orders', 'STABLE', '5m'],
          ['a-much-longer-name', '', ''],
        ],
      ),
    ).toBe(
      [
        'NAME                 PHASE    AGE',
        'orders               STABLE   5m',
        'a-much-longer-name   -        -',
      ].join('\n'),
    );
  });
});

describe('renderPlan', () => {
  it('shows creates, updates with values and consequences, and unchanged documents', () => {
    const planned: PlannedDocument[] = [
      {
        file: 'a.yaml',
        document: doc('FlinkCluster', 'eu-1'),
        entry: { kind: 'FlinkCluster', name: 'eu-1', action: 'update' },
        etag: '"1"',
        diffs: [{ path: 'spec.url', before: 'http://old:8081', after: 'http://new:8081' }],
      },
      {
        file: 'a.yaml',
        document: doc('FlinkJob', 'orders'),
        entry: {
          kind: 'FlinkJob',
          name: 'orders',
          action: 'update',
          changeClass: 'UPGRADE',
          changedFields: [
            { field: 'spec.args', class: 'UPGRADE' },
            { field: 'spec.parallelism', class: 'SCALE' },
            { field: 'spec.savepointPolicy.maxCount', class: 'IGNORE' },
          ],
          effect: {
            basis: 'last-applied',
            changeClass: 'UPGRADE',
            savepoint: true,
            restart: true,
            summary: 'upgrades the job (stop with a savepoint, start from it): spec.args',
          },
        },
        etag: '"3"',
        diffs: [
          { path: 'spec.args', before: ['--rate', '50'], after: ['--rate', '100'] },
          { path: 'spec.parallelism', before: 2, after: 4 },
          { path: 'spec.savepointPolicy.maxCount', before: undefined, after: 5 },
        ],
      },
      {
        file: 'b.yaml',
        document: doc('FlinkJob', 'billing'),
        entry: {
          kind: 'FlinkJob',
          name: 'billing',
          action: 'create',
          changeClass: 'REDEPLOY',
          changedFields: [],
          effect: {
            basis: 'initial',
            changeClass: 'REDEPLOY',
            savepoint: false,
            restart: false,
            summary: 'starts the job for the first time',
          },
        },
        etag: undefined,
        diffs: [],
      },
      {
        file: 'b.yaml',
        document: doc('FlinkJob', 'search'),
        entry: {
          kind: 'FlinkJob',
          name: 'search',
          action: 'noop',
          changeClass: 'IGNORE',
          changedFields: [],
        },
        etag: '"7"',
        diffs: [],
      },
    ];
    expect(renderPlan(planned)).toMatchInlineSnapshot(`
      "# a.yaml
      ~ update FlinkCluster/eu-1
          spec.url: "http://old:8081" → "http://new:8081"
      ~ update FlinkJob/orders (UPGRADE: spec.args) — takes a savepoint, restarts the job
          spec.args: ["--rate","50"] → ["--rate","100"]
          spec.parallelism: 2 → 4
          spec.savepointPolicy.maxCount: (unset) → 5
          effect: upgrades the job (stop with a savepoint, start from it): spec.args

      # b.yaml
      + create FlinkJob/billing — starts the job for the first time
      = unchanged FlinkJob/search

      Plan: 1 to create, 2 to update, 1 unchanged."
    `);
  });

  it('says so when nothing changes, and cuts long values', () => {
    expect(renderPlan([])).toBe('No changes: the stored state matches the files.');
    expect(showValue('x'.repeat(200))).toHaveLength(80);
    expect(showValue(undefined)).toBe('(unset)');
  });
});

describe('small helpers', () => {
  it('formats ages like kubectl', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(age('2026-03-01T11:59:15Z', now)).toBe('45s');
    expect(age('2026-03-01T11:00:00Z', now)).toBe('60m');
    expect(age('2026-02-28T12:00:00Z', now)).toBe('24h');
    expect(age('2026-02-20T12:00:00Z', now)).toBe('9d');
    expect(age(undefined, now)).toBe('');
  });

  it('parses durations and maps HTTP statuses to exit codes', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(() => parseDuration('soon')).toThrow('must be a duration');
    expect(
      [200, 400, 401, 403, 404, 409, 412, 413, 415, 422, 429, 500, 503].map(exitCodeForStatus),
    ).toEqual([1, 2, 1, 1, 2, 3, 3, 2, 2, 2, 1, 1, 1]);
  });
});
