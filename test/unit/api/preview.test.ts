/** The pure dry run behind POST /v1/plan. */
import { describe, expect, it } from 'vitest';
import { effectOf, previewDocuments } from '../../../functions/core/plan/preview.js';
import { specHash } from '../../../functions/core/change/index.js';
import {
  encodeSpecDocument,
  flinkClusterSchema,
  flinkJobSchema,
  type FlinkJob,
} from '../../../functions/core/spec/index.js';
import type { ClusterRecord, JobRecord } from '../../../functions/core/model/index.js';
import { clusterDoc, jobDoc } from './harness.js';

const job = (spec: Record<string, unknown> = {}, name = 'orders'): FlinkJob =>
  flinkJobSchema.parse(jobDoc(name, 'payments', spec));

function record(desired: FlinkJob, lastApplied?: FlinkJob, savepointNonce?: number): JobRecord {
  return {
    name: desired.metadata.name,
    team: desired.spec.team,
    clusterRef: desired.spec.clusterRef,
    spec: encodeSpecDocument(desired),
    specHash: specHash(desired),
    generation: 3,
    status: {
      phase: 'STABLE',
      attempt: 1,
      ...(lastApplied
        ? {
            lastApplied: {
              spec: encodeSpecDocument(lastApplied),
              specHash: specHash(lastApplied),
              generation: 2,
            },
          }
        : {}),
      ...(savepointNonce === undefined ? {} : { savepointNonce }),
    },
    version: 5,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    recentHistory: [],
  };
}

const cluster: ClusterRecord = {
  name: 'eu-1',
  spec: encodeSpecDocument(flinkClusterSchema.parse(clusterDoc())),
  version: 1,
  updatedAt: '2025-01-01T00:00:00Z',
};
const stored = (jobs: JobRecord[] = []) => ({
  jobs: new Map(jobs.map((j) => [j.name, j])),
  clusters: new Map([['eu-1', cluster]]),
});

describe('effectOf', () => {
  const running = job();
  it.each([
    ['first start', job(), undefined, false, false, /first time$/],
    [
      'first start from a savepoint',
      job({ restore: { initialSavepointPath: 's3://b/sp' } }),
      undefined,
      false,
      false,
      /initialSavepointPath/,
    ],
    [
      'first start from a pending restore.from, over the initial savepoint',
      job({
        restore: {
          initialSavepointPath: 's3://b/sp',
          from: { savepointId: '20260101T000000000Z-a', nonce: 1 },
        },
      }),
      undefined,
      false,
      false,
      /first time from spec\.restore\.from \(catalogued savepoint 20260101T000000000Z-a\), checked/,
    ],
    [
      'resume from a pending restore.from',
      job({ restore: { from: { path: 's3://b/chosen', nonce: 1 } } }),
      job({ state: 'suspended' }),
      false,
      true,
      /resumes the job from spec\.restore\.from \(s3:\/\/b\/chosen\)/,
    ],
    ['declared suspended', job({ state: 'suspended' }), undefined, false, false, /nothing starts/],
    [
      'nothing that touches the job',
      job({ rollback: { enabled: false } }),
      running,
      false,
      false,
      /no effect/,
    ],
    ['manual savepoint', job({ savepointNonce: 1 }), running, true, false, /manual savepoint/],
    [
      'scale, savepoint mode',
      job({ parallelism: 4 }),
      running,
      true,
      true,
      /rescales.*stop with a savepoint.*spec.parallelism/,
    ],
    [
      'upgrade, last-state',
      job({ upgradeMode: 'last-state', args: ['x'] }),
      running,
      false,
      true,
      /upgrades.*latest checkpoint/,
    ],
    [
      'upgrade, stateless',
      job({ upgradeMode: 'stateless', restartNonce: 1 }),
      running,
      false,
      true,
      /cancel, start without state/,
    ],
    ['redeploy', job({ clusterRef: 'us-1' }), running, true, true, /moves the job/],
    [
      'suspend with savepoint',
      job({ state: 'suspended' }),
      running,
      true,
      false,
      /stops it with a savepoint/,
    ],
    [
      'suspend stateless',
      job({ state: 'suspended', upgradeMode: 'stateless' }),
      job({ upgradeMode: 'stateless' }),
      false,
      false,
      /cancels it/,
    ],
    ['resume', job(), job({ state: 'suspended' }), false, true, /newest savepoint/],
    [
      'resume stateless',
      job({ upgradeMode: 'stateless' }),
      job({ state: 'suspended', upgradeMode: 'stateless' }),
      false,
      true,
      /without state/,
    ],
    [
      'change while suspended',
      job({ state: 'suspended', parallelism: 2 }),
      job({ state: 'suspended' }),
      false,
      false,
      /stays suspended/,
    ],
  ] as const)('%s', (_name, next, last, savepoint, restart, summary) => {
    const effect = effectOf(next, last);
    expect(effect.savepoint).toBe(savepoint);
    expect(effect.restart).toBe(restart);
    expect(effect.summary).toMatch(summary);
    expect(effect.basis).toBe(last === undefined ? 'initial' : 'last-applied');
  });

  it('compares the savepoint nonce with the one last served', () => {
    expect(effectOf(job({ savepointNonce: 2 }), job(), 2).savepoint).toBe(false);
  });
});

describe('previewDocuments', () => {
  it('classifies against the stored desired spec and reports the effect against last applied', () => {
    const applied = job();
    const desired = job({ parallelism: 2 });
    const result = previewDocuments(
      [
        job({ parallelism: 2 }),
        job({ parallelism: 2, args: ['a'] }, 'other'),
        flinkClusterSchema.parse(clusterDoc()),
        flinkClusterSchema.parse(clusterDoc('eu-1-b', 'http://x:1')),
      ],
      stored([record(desired, applied), record(job({}, 'other'))]),
    );
    expect(result).toEqual({
      ok: true,
      entries: [
        {
          kind: 'FlinkJob',
          name: 'orders',
          action: 'noop',
          changeClass: 'IGNORE',
          changedFields: [],
          effect: expect.objectContaining({ changeClass: 'SCALE', restart: true }) as unknown,
        },
        {
          kind: 'FlinkJob',
          name: 'other',
          action: 'update',
          changeClass: 'UPGRADE',
          changedFields: [
            { field: 'spec.args', class: 'UPGRADE' },
            { field: 'spec.parallelism', class: 'SCALE' },
          ],
          effect: expect.objectContaining({ basis: 'initial' }) as unknown,
        },
        { kind: 'FlinkCluster', name: 'eu-1', action: 'noop' },
        { kind: 'FlinkCluster', name: 'eu-1-b', action: 'create' },
      ],
    });
  });

  it('plans a create, a suspend (desired state) and a cluster update', () => {
    const result = previewDocuments(
      [
        job({}, 'new-job'),
        job({ state: 'suspended' }),
        flinkClusterSchema.parse(clusterDoc('eu-1', 'http://other:1')),
      ],
      stored([record(job(), job())]),
    );
    if (!result.ok) throw new Error('expected a plan');
    expect(result.entries.map((e) => [e.name, e.action, e.desiredState?.to])).toEqual([
      ['new-job', 'create', 'running'],
      ['orders', 'update', 'suspended'],
      ['eu-1', 'update', undefined],
    ]);
  });

  it('says which savepoint a suspended job will resume from when a restore is pending', () => {
    const suspended = job({ state: 'suspended' });
    const chosen = job({
      state: 'suspended',
      parallelism: 2,
      restore: { from: { savepointId: '20260101T000000000Z-a', nonce: 1 } },
    });
    const result = previewDocuments([chosen], stored([record(suspended, suspended)]));
    if (!result.ok) throw new Error('expected a plan');
    expect(result.entries[0]).toMatchObject({
      effect: {
        summary:
          'the job stays suspended; the changes apply when it resumes; a resume starts from spec.restore.from (catalogued savepoint 20260101T000000000Z-a), checked before it starts',
      },
    });
    // Without a pending restore the summary says no more than before.
    const plain = previewDocuments(
      [job({ state: 'suspended', parallelism: 2 })],
      stored([record(suspended, suspended)]),
    );
    if (!plain.ok) throw new Error('expected a plan');
    expect(plain.entries[0]).toMatchObject({
      effect: { summary: 'the job stays suspended; the changes apply when it resumes' },
    });
  });

  it('treats a stored spec it cannot read as replaced', () => {
    const broken = { ...record(job()), spec: { not: 'a job' } };
    const result = previewDocuments([job()], stored([broken]));
    expect(result.ok && result.entries[0]?.action).toBe('update');
  });

  it('refuses jobs on clusters neither declared nor stored, naming each', () => {
    const result = previewDocuments(
      [
        job({ clusterRef: 'mars' }),
        job({ clusterRef: 'us-1' }, 'b'),
        flinkClusterSchema.parse(clusterDoc('us-1')),
      ],
      stored(),
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: 'documents[0].spec.clusterRef',
          message: 'no FlinkCluster named "mars" is declared in this file or stored',
        },
      ],
    });
  });
});
