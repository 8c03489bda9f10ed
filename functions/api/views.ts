/**
 * How stored records are shown: the representations of jobs and clusters in responses. Internal
 * bookkeeping (lease, record version, operation data, spec copies) stays out; the desired spec is
 * shown as stored, in its input form.
 */
import type { z } from 'zod';
import {
  describeHistoryEntry,
  type AuditEntry,
  type ClusterRecord,
  type JobListing,
  type JobRecord,
} from '../core/model/index.js';
import type {
  auditEntrySchema,
  clusterViewSchema,
  jobStatusViewSchema,
  jobSummarySchema,
  jobViewSchema,
} from './schemas.js';

type JobStatusView = z.input<typeof jobStatusViewSchema>;

function statusView(record: JobRecord): JobStatusView {
  const s = record.status;
  return {
    phase: s.phase,
    attempt: s.attempt,
    ...(s.jobId === undefined ? {} : { jobId: s.jobId }),
    ...(s.lastApplied
      ? {
          lastApplied: {
            generation: s.lastApplied.generation,
            specHash: s.lastApplied.specHash,
          },
        }
      : {}),
    ...(s.lastStable
      ? { lastStable: { generation: s.lastStable.generation, specHash: s.lastStable.specHash } }
      : {}),
    ...(s.operation
      ? {
          operation: {
            kind: s.operation.kind,
            step: s.operation.step,
            startedAt: s.operation.startedAt,
          },
        }
      : {}),
    ...(s.lastError ? { lastError: s.lastError } : {}),
    ...(s.observed ? { observed: s.observed } : {}),
    ...(s.jobStartedAt === undefined ? {} : { jobStartedAt: s.jobStartedAt }),
    ...(s.newestSavepoint ? { newestSavepoint: s.newestSavepoint } : {}),
    ...(s.rejected ? { rejected: s.rejected } : {}),
    ...(s.backoff ? { backoff: s.backoff } : {}),
    ...(s.restorePoint ? { restorePoint: s.restorePoint } : {}),
    ...(s.gate ? { gate: s.gate } : {}),
  };
}

/** A job as `GET /v1/jobs/{name}` shows it. */
export function jobView(record: JobRecord): z.input<typeof jobViewSchema> {
  return {
    name: record.name,
    team: record.team,
    cluster: record.clusterRef,
    generation: record.generation,
    specHash: record.specHash,
    spec: record.spec as z.input<typeof jobViewSchema>['spec'],
    status: statusView(record),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** A job in a listing. */
export function jobSummary(record: JobListing): z.input<typeof jobSummarySchema> {
  const s = record.status;
  return {
    name: record.name,
    team: record.team,
    cluster: record.clusterRef,
    phase: s.phase,
    generation: record.generation,
    specHash: record.specHash,
    ...(s.jobId === undefined ? {} : { jobId: s.jobId }),
    ...(s.newestSavepoint ? { newestSavepoint: s.newestSavepoint } : {}),
    ...(s.lastError ? { lastError: s.lastError } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** A cluster as `GET /v1/clusters/{name}` shows it. */
export function clusterView(record: ClusterRecord): z.input<typeof clusterViewSchema> {
  return {
    name: record.name,
    version: record.version,
    spec: record.spec as z.input<typeof clusterViewSchema>['spec'],
    updatedAt: record.updatedAt,
  };
}

/**
 * An audit entry as `GET /v1/jobs/{name}/history` shows it: named and described in the one
 * scheme of history events, whatever code its writer stored.
 */
export function auditEntryView(entry: AuditEntry): z.input<typeof auditEntrySchema> {
  const { event, outcome, message } = describeHistoryEntry(entry);
  return {
    jobName: entry.jobName,
    version: entry.version,
    actor: entry.actor,
    action: event,
    outcome,
    message,
    at: entry.at,
    ...(entry.details ? { details: entry.details } : {}),
  };
}
