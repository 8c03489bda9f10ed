/**
 * One "pending restore" rule: the start precedence and the catalog's deletion guard read the same
 * function, so a savepoint a start would still restore from is exactly one that cannot be deleted.
 */
import { describe, expect, it } from 'vitest';
import type { JobRecord, SavepointRecord } from '../../../../functions/core/model/index.js';
import * as shared from '../../../../functions/core/pending-restore.js';
import * as sources from '../../../../functions/core/restore-source.js';
import * as choices from '../../../../functions/core/savepoint-choice.js';
import type { FlinkJob } from '../../../../functions/core/spec/index.js';
import { NOW, job, snapshot } from '../plan/fixtures.js';

const ID = '20261126T115800000Z-chosen';
const chosen: SavepointRecord = {
  jobName: 'counter',
  id: ID,
  path: 'file:///sp/chosen',
  triggerKind: 'periodic',
  generation: 1,
  flinkJobId: 'a'.repeat(32),
  status: 'COMPLETED',
  createdAt: new Date(NOW.getTime() - 60_000).toISOString(),
  updatedAt: NOW.toISOString(),
};
// A newer entry, so `chosen` is never refused for being the newest restorable one.
const newer: SavepointRecord = {
  ...chosen,
  id: `${ID}-2`,
  path: 'file:///sp/newer',
  createdAt: NOW.toISOString(),
};

const byId = (nonce: number) => job({ restore: { from: { savepointId: ID, nonce } } });
const byPath = (nonce: number, path = 'file:/sp/chosen') =>
  job({ restore: { from: { path, nonce } } });
const applied = (spec: FlinkJob) =>
  ({ phase: 'SUSPENDED', attempt: 1, lastApplied: snapshot(spec) }) as JobRecord['status'];

const cases: [string, FlinkJob | undefined, JobRecord['status'] | undefined][] = [
  ['no desired spec', undefined, undefined],
  ['no restore.from', job(), applied(job())],
  ['a new job choosing by id', byId(1), undefined],
  ['a choice by id not applied yet', byId(2), applied(byId(1))],
  ['a choice by id applied already', byId(1), applied(byId(1))],
  ['a choice by path, spelt otherwise, not applied', byPath(3), applied(job())],
  ['a choice by path applied already', byPath(3), applied(byPath(3))],
  ['a choice of another path', byPath(1, 'file:///sp/other'), applied(job())],
];

describe('the pending restore rule', () => {
  it('has one home: restore-source and savepoint-choice hand out the shared functions', () => {
    expect(sources.pendingRestore).toBe(shared.pendingRestore);
    expect(choices.appliedRestoreNonce).toBe(shared.appliedRestoreNonce);
    expect(choices.choiceOf).toBe(shared.choiceOf);
  });

  it.each(cases)(
    'guards against deletion exactly what a resume would restore: %s',
    (_, desired, status) => {
      const pending = shared.pendingRestore(desired, status);
      const resumesFromIt =
        desired !== undefined &&
        sources.startSource('resume', desired, status ?? {}).kind === 'restore-from';
      expect(resumesFromIt).toBe(pending !== undefined);
      const names =
        pending !== undefined &&
        ('savepointId' in pending.choice
          ? pending.choice.savepointId === ID
          : pending.choice.path.endsWith('/sp/chosen'));
      const refusal = choices.deletionRefusal(
        chosen,
        [newer, chosen],
        status === undefined ? undefined : { status },
        desired,
      );
      expect(refusal !== undefined).toBe(names);
      if (names) expect(refusal).toMatch(/pending restore/);
    },
  );
});
