import { specHash } from '../../../../functions/core/change/index.js';
import type { ClusterObservation } from '../../../../functions/core/plan/observation.js';
import type { JobView } from '../../../../functions/core/plan/plan-actions.js';
import {
  encodeSpecDocument,
  flinkJobSchema,
  type FlinkJob,
  type FlinkJobInput,
} from '../../../../functions/core/spec/index.js';
import type { JobRecord, JobStatus } from '../../../../functions/core/model/index.js';

export const NOW = new Date('2026-11-26T12:00:00Z');
export const JOB_ID = 'a'.repeat(32);

export function job(
  overrides: Partial<FlinkJobInput['spec']> = {},
  labels?: Record<string, string>,
): FlinkJob {
  return flinkJobSchema.parse({
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name: 'counter', ...(labels ? { labels } : {}) },
    spec: {
      team: 'platform',
      clusterRef: 'local',
      artifact: { uri: 'jobs/counter.jar' },
      entryClass: 'dev.fjc.examples.StatefulCounter',
      ...overrides,
    },
  });
}

export function snapshot(doc: FlinkJob, generation = 1) {
  return {
    spec: encodeSpecDocument(doc) as Record<string, unknown>,
    specHash: specHash(doc),
    generation,
  };
}

/** A job record whose desired spec is `desired` and whose status is `status`. */
export function view(
  desired: FlinkJob,
  status: Partial<JobStatus>,
  extra: Partial<JobRecord> = {},
  lastApplied?: FlinkJob,
): JobView<JobRecord> {
  const desiredSnap = snapshot(desired, 2);
  const record: JobRecord = {
    name: 'counter',
    team: 'platform',
    clusterRef: desired.spec.clusterRef,
    spec: desiredSnap.spec,
    specHash: desiredSnap.specHash,
    generation: 2,
    status: { phase: 'STABLE', attempt: 1, ...status },
    version: 7,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    recentHistory: [],
    ...extra,
  };
  return { record, desired, lastApplied };
}

/** A stable job that runs `applied` as Flink job JOB_ID. */
export function running(
  desired: FlinkJob,
  applied: FlinkJob = desired,
  status: Partial<JobStatus> = {},
): JobView<JobRecord> {
  const snap = snapshot(applied, 1);
  return view(
    desired,
    {
      jobId: JOB_ID,
      lastApplied: snap,
      lastStable: snap,
      jobStartedAt: NOW.toISOString(),
      ...status,
    },
    {},
    applied,
  );
}

export function cluster(
  jobs: Record<string, string> = { [JOB_ID]: 'RUNNING' },
): Map<string, ClusterObservation> {
  return new Map([
    [
      'local',
      {
        reachable: true,
        at: NOW,
        jobs: new Map(
          Object.entries(jobs).map(([jobId, state]) => [jobId, { jobId, state, startTime: 0 }]),
        ),
      },
    ],
  ]);
}

export const unreachable = (): Map<string, ClusterObservation> =>
  new Map([['local', { reachable: false, reason: 'ECONNREFUSED', at: NOW }]]);
