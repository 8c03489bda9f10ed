import { describe, expect, it } from 'vitest';
import {
  START_PRECEDENCE,
  pendingRestore,
  sourceWords,
  startSource,
} from '../../../../functions/core/restore-source.js';
import { job, snapshot } from '../plan/fixtures.js';

const ID = '20260101T000000000Z-a';
const newest = { newestSavepoint: { path: 'file:///sp/newest', at: '2026-01-01T00:00:00Z' } };

describe('where a first deploy or a resume takes its state from', () => {
  it('is one table: a pending restore.from first, then the initial or the newest savepoint', () => {
    expect(START_PRECEDENCE).toEqual({
      deploy: ['restore-from', 'initial-savepoint', 'empty'],
      resume: ['restore-from', 'newest-savepoint', 'empty'],
      recover: ['restore-from', 'newest-on-storage', 'empty'],
    });
  });

  it('recovers a vanished job from a pending restore.from, else from what storage holds', () => {
    const applied = { lastApplied: snapshot(job()) };
    const from = { path: 'file:///sp/chosen', nonce: 1 };
    expect(startSource('recover', job({ restore: { from } }), applied)).toMatchObject({
      kind: 'restore-from',
    });
    expect(startSource('recover', job(), applied)).toEqual({ kind: 'newest-on-storage' });
    expect(startSource('recover', job({ upgradeMode: 'stateless' }), applied)).toEqual({
      kind: 'empty',
    });
  });

  it('starts a new job from a pending restore.from over restore.initialSavepointPath', () => {
    const both = job({
      restore: { initialSavepointPath: 'file:///sp/seed', from: { savepointId: ID, nonce: 1 } },
    });
    expect(startSource('deploy', both, {})).toEqual({
      kind: 'restore-from',
      choice: { savepointId: ID },
      nonce: 1,
    });
    const seed = job({ restore: { initialSavepointPath: 'file:///sp/seed' } });
    expect(startSource('deploy', seed, {})).toEqual({
      kind: 'initial-savepoint',
      path: 'file:///sp/seed',
    });
    expect(startSource('deploy', job(), {})).toEqual({ kind: 'empty' });
  });

  it('resumes from a pending restore.from over the newest savepoint, in every mode', () => {
    const from = { path: 'file:///sp/chosen', nonce: 3 };
    const applied = { lastApplied: snapshot(job({ restore: { from: { ...from, nonce: 2 } } })) };
    for (const upgradeMode of ['savepoint', 'last-state', 'stateless'] as const)
      expect(
        startSource('resume', job({ upgradeMode, restore: { from } }), { ...newest, ...applied }),
      ).toMatchObject({ kind: 'restore-from', choice: { path: 'file:///sp/chosen' } });
  });

  it('resumes from the newest savepoint once the nonce was applied, and a stateless job empty', () => {
    const from = { path: 'file:///sp/chosen', nonce: 2 };
    const desired = job({ restore: { from } });
    const status = { ...newest, lastApplied: snapshot(job({ restore: { from } })) };
    expect(pendingRestore(desired, status)).toBeUndefined();
    expect(startSource('resume', desired, status)).toEqual({
      kind: 'newest-savepoint',
      path: 'file:///sp/newest',
    });
    expect(startSource('resume', job({ upgradeMode: 'stateless' }), newest)).toEqual({
      kind: 'empty',
    });
    expect(startSource('resume', job(), {})).toEqual({ kind: 'empty' });
  });

  it('counts a restore as pending while its nonce differs from the applied one', () => {
    const desired = job({ restore: { from: { savepointId: ID, nonce: 2 } } });
    expect(pendingRestore(desired, undefined)).toEqual({ choice: { savepointId: ID }, nonce: 2 });
    expect(pendingRestore(desired, { lastApplied: snapshot(job()) })).toBeDefined();
    expect(pendingRestore(job(), {})).toBeUndefined();
  });

  it('says each source in words', () => {
    expect(sourceWords({ kind: 'restore-from', choice: { savepointId: ID }, nonce: 1 })).toContain(
      `catalogued savepoint ${ID}`,
    );
    expect(sourceWords({ kind: 'restore-from', choice: { path: 's3://b/sp' }, nonce: 1 })).toBe(
      'spec.restore.from (s3://b/sp)',
    );
    expect(sourceWords({ kind: 'initial-savepoint', path: 's3://b/i' })).toContain(
      'initialSavepointPath',
    );
    expect(sourceWords({ kind: 'newest-savepoint', path: 'x' })).toBe('its newest savepoint');
    expect(sourceWords({ kind: 'empty' })).toBe('without state');
    expect(sourceWords({ kind: 'newest-on-storage' })).toContain('newest checkpoint or savepoint');
  });
});
