import { describe, expect, it } from 'vitest';
import { beginOperation } from '../../../../functions/core/operations/begin.js';
import { SEQUENCES, firstStep } from '../../../../functions/core/operations/sequences.js';
import type { PlannedAction } from '../../../../functions/core/plan/plan-actions.js';
import { UPGRADE_MODES } from '../../../../functions/core/spec/index.js';
import { JOB_ID, job, running, snapshot, view } from '../plan/fixtures.js';

const ids = { operationId: 'op', triggerId: 't'.repeat(32), jobId: 'n'.repeat(32) };

function action(kind: PlannedAction['kind'], extra: Partial<PlannedAction> = {}): PlannedAction {
  return {
    jobName: 'counter',
    kind,
    reason: 'why',
    expectedVersion: 7,
    clusterRef: 'local',
    ...extra,
  };
}

describe('beginOperation', () => {
  it('suspends a stateless job by cancelling it (no savepoint)', () => {
    const desired = job({ upgradeMode: 'stateless', state: 'suspended' });
    const start = beginOperation(action('suspend'), running(desired).record, desired, ids);
    expect(start).toMatchObject({ kind: 'suspend', step: 'cancel', phase: 'SUSPENDING' });
    expect(start?.data).toMatchObject({ mode: 'stateless', previousJobId: JOB_ID });
    expect(start?.data.triggerId).toBeUndefined();
  });

  it('suspends a stateful job with a stop-with-savepoint under the fixed trigger id', () => {
    const desired = job({ state: 'suspended' });
    const start = beginOperation(action('suspend'), running(desired).record, desired, ids);
    expect(start).toMatchObject({
      step: 'stop-with-savepoint',
      data: { triggerId: ids.triggerId, savepointKind: 'suspend' },
    });
  });

  it('takes a savepoint under the fixed trigger id, answering the spec’s nonce', () => {
    const desired = job({ savepointNonce: 4 });
    const record = running(desired, job()).record;
    const manual = beginOperation(
      action('savepoint', { savepointKind: 'manual' }),
      record,
      desired,
      ids,
    );
    expect(manual).toEqual({
      kind: 'savepoint',
      step: 'trigger-savepoint',
      phase: 'STABLE',
      data: expect.objectContaining({
        triggerId: ids.triggerId,
        savepointKind: 'manual',
        savepointNonce: 4,
        previousJobId: JOB_ID,
        pendingJobId: ids.jobId,
      }) as object,
    });
    expect(beginOperation(action('savepoint'), record, desired, ids)?.data.savepointKind).toBe(
      'manual',
    );
  });

  it('deploys from the initial savepoint, resumes from the newest unless stateless', () => {
    const desired = job({ restore: { initialSavepointPath: 'file:///sp/seed' } });
    expect(
      beginOperation(action('deploy'), view(desired, {}).record, desired, ids)?.data.restorePath,
    ).toBe('file:///sp/seed');
    const newest = { newestSavepoint: { path: 'file:///sp/9', at: 'x' } };
    const stateful = job();
    expect(
      beginOperation(action('resume'), view(stateful, newest).record, stateful, ids)?.data
        .restorePath,
    ).toBe('file:///sp/9');
    const stateless = job({ upgradeMode: 'stateless' });
    expect(
      beginOperation(action('resume'), view(stateless, newest).record, stateless, ids)?.data,
    ).not.toHaveProperty('restorePath');
  });

  it('deploys and resumes from a pending restore.from: its choice is checked first, no path yet', () => {
    const from = { savepointId: '20260101T000000000Z-a', nonce: 2 };
    const desired = job({ restore: { initialSavepointPath: 'file:///sp/seed', from } });
    const deploy = beginOperation(action('deploy'), view(desired, {}).record, desired, ids);
    expect(deploy).toMatchObject({
      kind: 'deploy',
      step: 'resolve-chosen-savepoint',
      phase: 'DEPLOYING',
      source: { kind: 'restore-from', choice: { savepointId: from.savepointId } },
    });
    expect(deploy?.data).not.toHaveProperty('restorePath');
    const newest = { newestSavepoint: { path: 'file:///sp/9', at: 'x' } };
    const resume = beginOperation(action('resume'), view(desired, newest).record, desired, ids);
    expect(resume).toMatchObject({ kind: 'resume', step: 'resolve-chosen-savepoint' });
    expect(resume?.data).not.toHaveProperty('restorePath');
    // Applied already: the resume takes the newest savepoint as before.
    const applied = { ...newest, lastApplied: snapshot(desired) };
    const again = beginOperation(action('resume'), view(desired, applied).record, desired, ids);
    expect(again).toMatchObject({
      step: 'locate-restore-point',
      data: { restorePath: 'file:///sp/9' },
    });
  });

  it('recovers, upgrades and scales by mode', () => {
    const stateless = job({ upgradeMode: 'stateless' });
    const lastState = job({ upgradeMode: 'last-state' });
    const step = (kind: PlannedAction['kind'], desired = job()) =>
      beginOperation(action(kind), running(desired).record, desired, ids)?.step;
    expect(step('recover', stateless)).toBe('submit');
    expect(step('recover')).toBe('locate-restore-point');
    // Every upgrade begins with its pre-flight, before anything running is touched.
    expect(step('upgrade')).toBe('preflight');
    expect(step('upgrade', lastState)).toBe('preflight');
    expect(step('upgrade', stateless)).toBe('preflight');
    expect(step('scale')).toBe('rescale');
  });

  it('starts each planned operation at the first step, kind and phase of its sequence', () => {
    const planned = ['deploy', 'resume', 'upgrade', 'scale', 'suspend', 'recover', 'savepoint'];
    for (const kind of planned as PlannedAction['kind'][])
      for (const upgradeMode of UPGRADE_MODES) {
        const desired = job({ upgradeMode });
        const record = running(desired).record;
        const start = beginOperation(action(kind), record, desired, ids);
        const sequence = SEQUENCES[kind as keyof typeof SEQUENCES];
        expect(start, `${kind}/${upgradeMode}`).toMatchObject({
          kind: sequence.kind,
          step: firstStep(kind as keyof typeof SEQUENCES, upgradeMode),
          phase: sequence.phase ?? record.status.phase,
        });
      }
  });

  it('fixes the stop savepoint’s trigger id at the start, before the pre-flight runs', () => {
    const desired = job();
    const start = beginOperation(action('upgrade'), running(desired).record, desired, ids);
    expect(start?.data).toMatchObject({ triggerId: ids.triggerId, savepointKind: 'upgrade' });
    const stateless = job({ upgradeMode: 'stateless' });
    const cancel = beginOperation(action('upgrade'), running(stateless).record, stateless, ids);
    expect(cancel?.data.triggerId).toBeUndefined();
  });

  it('has no operation for other kinds', () => {
    const desired = job();
    for (const kind of ['none', 'settle', 'resume-operation'] as const)
      expect(beginOperation(action(kind), running(desired).record, desired, ids)).toBeUndefined();
  });

  it('recovers what was last applied when the desired spec was rejected', () => {
    const applied = job({ args: ['--rate', '5'] });
    const v = running(job({ args: ['--bad'] }), applied);
    const start = beginOperation(
      {
        jobName: 'counter',
        kind: 'recover',
        reason: 'vanished',
        expectedVersion: 7,
        clusterRef: 'local',
        keepLastApplied: true,
      },
      v.record,
      v.desired,
      { operationId: 'o', triggerId: 't'.repeat(32), jobId: 'j'.repeat(32) },
    );
    expect(start?.data.target.specHash).toBe(v.record.status.lastApplied?.specHash);
    expect(start?.data.target.specHash).not.toBe(v.record.specHash);
  });
});
