import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HISTORY_CODES,
  HISTORY_OUTCOMES,
  describeHistoryEntry,
} from '../../../functions/core/model/history-events.js';
import { OPERATION_KINDS } from '../../../functions/core/model/index.js';
import { STATUS_ACTIONS } from '../../../functions/core/plan/plan-actions.js';

const ROOT = join(import.meta.dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * `audit:`/`action:` literals that are not history codes: log lines, return values, plan output.
 * Listed by file so that a new history code written anywhere else cannot hide.
 */
const NOT_HISTORY: Record<string, readonly string[]> = {
  'functions/core/authorization.ts': ['authorization'],
  'functions/core/apply/apply-cluster.ts': ['change', 'cluster-url-change'],
  'functions/core/cluster-probe.ts': ['cluster-probe'],
  'functions/core/deletion.ts': ['suspending', 'released'],
  'functions/core/plan/preview.ts': ['create', 'update', 'noop'],
};

/** Every string literal on a line that records an audit code, in the controller and store. */
function writtenCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of [
    ...sources(join(ROOT, 'functions/core')),
    ...sources(join(ROOT, 'functions/store')),
  ]) {
    const relative = file.slice(ROOT.length + 1);
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const line of lines) {
      const at = /\b(?:audit|action):\s/.exec(line);
      if (at === null) continue;
      // The literals after the key, except those a condition compares with.
      for (const match of line.slice(at.index).matchAll(/(?<!=== )'([a-z][a-z.-]*)'/g)) {
        const code = match[1] ?? '';
        if (NOT_HISTORY[relative]?.includes(code)) continue;
        codes.set(code, relative);
      }
    }
  }
  return codes;
}

describe('history events', () => {
  it('names every code the controller and the store write', () => {
    const written = writtenCodes();
    // Sanity: the scan finds the codes it must find.
    expect(written.get('job-submitted')).toBe('functions/core/operations/steps/submit.ts');
    expect(written.get('job.created')).toBe('functions/store/jobs.ts');
    const templated = [
      ...OPERATION_KINDS.flatMap((kind) => [`${kind}-started`, `${kind}-aborted`]),
      ...STATUS_ACTIONS,
    ];
    const missing = [...written.keys(), ...templated].filter((c) => !HISTORY_CODES.includes(c));
    expect(missing).toEqual([]);
  });

  it('uses one naming scheme and known outcomes', () => {
    for (const code of HISTORY_CODES) {
      const described = describeHistoryEntry({ action: code, actor: 'fjc:upgrade', details: {} });
      expect(described.event, code).toMatch(/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/);
      expect(HISTORY_OUTCOMES).toContain(described.outcome);
      expect(described.message.length, code).toBeGreaterThan(0);
    }
  });

  it('says what a step did and what runs next', () => {
    expect(
      describeHistoryEntry({
        action: 'job-submitted',
        actor: 'fjc:upgrade',
        details: {
          operationId: 'o1',
          step: 'submit',
          next: 'await-running',
          flinkJobId: 'abc',
          restorePath: null,
        },
      }),
    ).toEqual({
      event: 'job.submitted',
      outcome: 'progressed',
      message: 'job submitted to Flink (Flink job abc); next: await-running',
    });
  });

  it('names an operation end by the operation it ends', () => {
    expect(
      describeHistoryEntry({
        action: 'stable',
        actor: 'fjc:upgrade',
        details: { summary: 'ran 30s' },
      }),
    ).toMatchObject({
      event: 'upgrade.succeeded',
      outcome: 'succeeded',
      message: 'stable: ran 30s',
    });
    expect(
      describeHistoryEntry({
        action: 'operation-failed',
        actor: 'fjc:deploy',
        details: { step: 'submit', error: 'FlinkUnavailable', failures: 3 },
      }),
    ).toMatchObject({ event: 'deploy.failed', outcome: 'failed' });
    expect(
      describeHistoryEntry({
        action: 'upgrade-started',
        actor: 'fjc:reconcile',
        details: { reason: 'spec changed' },
      }),
    ).toEqual({
      event: 'upgrade.started',
      outcome: 'started',
      message: 'upgrade started: spec changed',
    });
    expect(
      describeHistoryEntry({
        action: 'savepoint-aborted',
        actor: 'fjc:savepoint',
        details: { code: 'SAVEPOINT_FAILED', message: 'disk full' },
      }),
    ).toMatchObject({ event: 'savepoint.failed', outcome: 'failed' });
  });

  it('shows a code it does not know as it is, with its details', () => {
    expect(
      describeHistoryEntry({
        action: 'future-thing',
        actor: 'x',
        details: { operationId: 'o', size: 3 },
      }),
    ).toEqual({ event: 'future-thing', outcome: 'noted', message: 'future-thing (size 3)' });
  });
});
