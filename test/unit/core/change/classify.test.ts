import { describe, expect, it } from 'vitest';
import {
  CHANGE_KINDS,
  JOB_FIELD_RULES,
  UNLISTED_FIELD,
  classifyChange,
  schemaFieldPaths,
} from '../../../../functions/core/change/index.js';
import { FjcError } from '../../../../functions/commons/errors.js';
import { flinkJobSchema, type FlinkJob } from '../../../../functions/core/spec/index.js';
import { fullJob, minimalJob } from '../../spec/fixtures.js';

function job(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): FlinkJob {
  const base = minimalJob();
  return flinkJobSchema.parse({
    ...base,
    metadata: { ...(base.metadata as Record<string, unknown>), ...metadata },
    spec: { ...(base.spec as Record<string, unknown>), ...spec },
  });
}

describe('the field table', () => {
  it('lists exactly the fields of the FlinkJob schema', () => {
    expect(Object.keys(JOB_FIELD_RULES).sort()).toEqual(schemaFieldPaths(flinkJobSchema).sort());
  });

  it('gives every field a reason', () => {
    for (const rule of Object.values(JOB_FIELD_RULES)) expect(rule.why.length).toBeGreaterThan(5);
  });

  it('walks nested objects to their leaves and stops at maps', () => {
    const fields = schemaFieldPaths(flinkJobSchema);
    expect(fields).toContain('spec.savepointPolicy.maxCount');
    expect(fields).toContain('spec.flinkConfiguration');
    expect(fields).not.toContain('spec.savepointPolicy');
  });
});

describe('classifyChange', () => {
  it('treats a first deploy as REDEPLOY with initial set', () => {
    expect(classifyChange(undefined, job())).toEqual({
      kind: 'REDEPLOY',
      fields: [],
      changes: [],
      initial: true,
      desiredState: { from: undefined, to: 'running' },
    });
  });

  it('finds nothing in an unchanged spec', () => {
    expect(classifyChange(job(), job())).toEqual({
      kind: 'IGNORE',
      fields: [],
      changes: [],
      initial: false,
    });
  });

  it.each([
    [{ parallelism: 2 }, 'SCALE', ['spec.parallelism']],
    [{ artifact: { uri: 's3://b-1/new.jar' } }, 'UPGRADE', ['spec.artifact.uri']],
    [
      { artifact: { uri: 's3://fjc-artifacts/counter/counter-1.0.jar', sha256: 'b'.repeat(64) } },
      'UPGRADE',
      ['spec.artifact.sha256'],
    ],
    [{ entryClass: 'a.B' }, 'UPGRADE', ['spec.entryClass']],
    [{ args: ['--x'] }, 'UPGRADE', ['spec.args']],
    [{ flinkConfiguration: { 'a.b': 'c' } }, 'UPGRADE', ['spec.flinkConfiguration']],
    [{ restartNonce: 1 }, 'UPGRADE', ['spec.restartNonce']],
    [{ clusterRef: 'other' }, 'REDEPLOY', ['spec.clusterRef']],
    [{ upgradeMode: 'last-state' }, 'IGNORE', ['spec.upgradeMode']],
    [{ savepointNonce: 3 }, 'IGNORE', ['spec.savepointNonce']],
    [{ team: 'other' }, 'IGNORE', ['spec.team']],
    [{ savepointPolicy: { maxCount: 2 } }, 'IGNORE', ['spec.savepointPolicy.maxCount']],
    [{ stabilityGate: { soakWindow: '1m' } }, 'IGNORE', ['spec.stabilityGate.soakWindow']],
    [{ rollback: { enabled: false } }, 'IGNORE', ['spec.rollback.enabled']],
    [{ deletionPolicy: 'keep-running' }, 'IGNORE', ['spec.deletionPolicy']],
    [
      { restore: { allowNonRestoredState: true } },
      'IGNORE',
      ['spec.restore.allowNonRestoredState'],
    ],
  ])('classifies %j as %s', (spec, kind, fields) => {
    const result = classifyChange(job(), job(spec));
    expect(result.kind).toBe(kind);
    expect(result.fields).toEqual(fields);
  });

  it('lets the highest class win and lists every change', () => {
    const result = classifyChange(
      job(),
      job({ parallelism: 3, args: ['--a'], team: 'x', clusterRef: 'c2' }),
    );
    expect(result.kind).toBe('REDEPLOY');
    expect(result.fields).toEqual(['spec.clusterRef']);
    expect(result.changes).toEqual([
      { field: 'spec.team', class: 'IGNORE' },
      { field: 'spec.clusterRef', class: 'REDEPLOY' },
      { field: 'spec.args', class: 'UPGRADE' },
      { field: 'spec.parallelism', class: 'SCALE' },
    ]);
    expect(CHANGE_KINDS).toEqual(['IGNORE', 'SCALE', 'UPGRADE', 'REDEPLOY', 'RESTORE']);
  });

  describe('the restore nonce (spec.restore.from)', () => {
    const ID = '20260101T000000000Z-abc';
    const from = (nonce: number, savepointId = ID) => ({
      restore: { from: { savepointId, nonce } },
    });

    it('classifies a first restore choice as RESTORE, its target as bookkeeping', () => {
      const result = classifyChange(job(), job(from(1)));
      expect(result.kind).toBe('RESTORE');
      expect(result.fields).toEqual(['spec.restore.from.nonce']);
      expect(result.changes).toContainEqual({
        field: 'spec.restore.from.savepointId',
        class: 'IGNORE',
      });
    });

    it('restores again only when the nonce changes', () => {
      expect(classifyChange(job(from(1)), job(from(2))).kind).toBe('RESTORE');
      // Down counts too: "changed", like the operator's savepointRedeployNonce.
      expect(classifyChange(job(from(2)), job(from(1))).kind).toBe('RESTORE');
      const other = classifyChange(job(from(1)), job(from(1, '20260102T000000000Z-def')));
      expect(other).toMatchObject({ kind: 'IGNORE', fields: ['spec.restore.from.savepointId'] });
      expect(classifyChange(job(from(1)), job(from(1))).kind).toBe('IGNORE');
    });

    it('outranks an upgrade and a move: everything comes up from the chosen state', () => {
      const result = classifyChange(job(), job({ ...from(1), args: ['--b'], clusterRef: 'c2' }));
      expect(result.kind).toBe('RESTORE');
      expect(result.changes).toContainEqual({ field: 'spec.clusterRef', class: 'REDEPLOY' });
    });

    it('asks for nothing when the choice is removed', () => {
      const result = classifyChange(job(from(3)), job());
      expect(result.kind).toBe('IGNORE');
      expect(result.changes).toContainEqual({ field: 'spec.restore.from.nonce', class: 'IGNORE' });
    });
  });

  it('reports a desired state change beside the kind, not as one', () => {
    const result = classifyChange(job(), job({ state: 'suspended', parallelism: 2 }));
    expect(result.kind).toBe('SCALE');
    expect(result.desiredState).toEqual({ from: 'running', to: 'suspended' });
    expect(result.changes).toContainEqual({ field: 'spec.state', class: 'DESIRED_STATE' });
  });

  it('treats labels as IGNORE', () => {
    const result = classifyChange(job(), job({}, { labels: { app: 'x' } }));
    expect(result).toMatchObject({ kind: 'IGNORE', fields: ['metadata.labels'] });
  });

  it('refuses to compare different jobs', () => {
    expect(() => classifyChange(job(), job({}, { name: 'other' }))).toThrow(FjcError);
  });

  it('classifies a change outside the table conservatively as UPGRADE', () => {
    const next = { ...job(), extra: 1 } as FlinkJob;
    expect(classifyChange(job(), next)).toMatchObject({
      kind: 'UPGRADE',
      fields: [UNLISTED_FIELD],
    });
  });

  it('classifies a change of job type and of each program field as UPGRADE', () => {
    const python = job({
      artifact: undefined,
      python: { artifact: { uri: 'job.zip' }, entryModule: 'pkg.main' },
    });
    expect(classifyChange(job(), python)).toMatchObject({
      kind: 'UPGRADE',
      fields: [
        'spec.artifact.uri',
        'spec.python.artifact.uri',
        'spec.python.entryModule',
        'spec.python.pyFiles',
      ],
    });
    const sql = (statements: string) => job({ artifact: undefined, sql: { statements } });
    expect(
      classifyChange(sql('INSERT INTO a SELECT 1;'), sql('INSERT INTO a SELECT 2;')),
    ).toMatchObject({
      kind: 'UPGRADE',
      fields: ['spec.sql.statements'],
    });
  });

  it('classifies a full spec against the minimal one', () => {
    const full = flinkJobSchema.parse({ ...fullJob(), metadata: { name: 'counter' } });
    const result = classifyChange(job(), full);
    expect(result.kind).toBe('REDEPLOY');
    expect(result.changes.map((change) => change.field).sort()).toEqual(
      Object.keys(JOB_FIELD_RULES)
        .filter(
          (field) =>
            !['apiVersion', 'kind', 'metadata.name', 'metadata.labels', 'spec.state'].includes(
              field,
            ) &&
            // A jar job: the other job types' program fields stay absent.
            !field.startsWith('spec.python.') &&
            !field.startsWith('spec.sql.') &&
            // A restore choice names a savepoint of a running job: not part of a full first spec.
            !field.startsWith('spec.restore.from.'),
        )
        .sort(),
    );
  });
});
