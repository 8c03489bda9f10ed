import { z } from 'zod';
import { CorruptItemError } from '../core/ports/index.js';
import { specSummaryAttribute, specSummaryItem } from './spec-summary-item.js';
import {
  JOB_PHASES,
  OPERATION_KINDS,
  SAVEPOINT_STATUSES,
  SAVEPOINT_JOB_TYPES,
  SAVEPOINT_TRIGGER_KINDS,
  type AuditEntry,
  type ClusterRecord,
  type GateProgress,
  type JobRecord,
  type JsonObject,
  type RecentAuditEntry,
  type SavepointRecord,
  type SpecSnapshot,
} from '../core/model/index.js';
import {
  CLUSTERS_KIND_PK,
  auditKey,
  clusterIndexPk,
  clusterKey,
  clusterKindSk,
  jobIndexSk,
  jobKey,
  jobShard,
  jobShardPk,
  savepointKey,
  teamIndexPk,
} from './keys.js';

/**
 * Mapping between records and DynamoDB items. Opaque JSON (specs, operation data, audit details)
 * is stored as a JSON string: DynamoDB maps cannot nest deeper than 32 levels, reorder keys and
 * refuse empty sets, none of which an opaque spec should have to care about. Items read back are
 * validated, so a hand-edited or foreign item is reported instead of travelling on half-typed.
 */

/** A JSON object stored as text (see above); parsed, refused when it is not an object. */
export const jsonString = z.string().transform((text, ctx): JsonObject => {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as JsonObject;
    }
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'not a JSON object' });
  return z.NEVER;
});

const snapshotItem = z.object({
  specJson: jsonString,
  specHash: z.string(),
  generation: z.number(),
});

/** The status operation's fields that every read of it decodes (its data only the full item). */
export const OPERATION_FIELDS = {
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  step: z.string(),
  startedAt: z.string(),
};

/**
 * The job status fields stored and decoded alike by the full job item and by the planning
 * projection (planning-reads.ts), so the two reads cannot drift apart.
 */
export const STATUS_FIELDS = {
  phase: z.enum(JOB_PHASES),
  attempt: z.number(),
  jobId: z.string().optional(),
  observed: z.object({ state: z.string(), at: z.string() }).optional(),
  jobStartedAt: z.string().optional(),
  newestSavepoint: z
    .object({ id: z.string().optional(), path: z.string(), at: z.string() })
    .optional(),
  rejected: z.object({ specHash: z.string(), reason: z.string(), at: z.string() }).optional(),
  savepointNonce: z.number().optional(),
  backoff: z
    .object({
      attempts: z.number(),
      nextAttemptAt: z.string(),
      specHash: z.string(),
      reason: z.string(),
    })
    .optional(),
};

const recentItem = z.object({
  version: z.number(),
  actor: z.string(),
  action: z.string(),
  at: z.string(),
  detailsJson: jsonString.optional(),
});

const jobItem = z.object({
  name: z.string(),
  team: z.string(),
  clusterRef: z.string(),
  specJson: jsonString,
  specHash: z.string(),
  generation: z.number(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: z.object({
    ...STATUS_FIELDS,
    lastApplied: snapshotItem.optional(),
    lastStable: snapshotItem.optional(),
    operation: z.object({ ...OPERATION_FIELDS, dataJson: jsonString.optional() }).optional(),
    lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).optional(),
    restoredFrom: z.string().optional(),
    // Added after the first release: items written before have neither.
    checkpointLocation: z.string().optional(),
    restorePoint: z
      .object({
        source: z.enum(['checkpoint', 'savepoint']),
        path: z.string(),
        at: z.string(),
        reason: z.string(),
      })
      .optional(),
    // The stability gate's progress (model/gate.ts), written and read only by fjc.
    gateJson: jsonString.optional(),
  }),
  leaseOwner: z.string().optional(),
  /** Epoch ms; a number so the lease condition compares numerically. */
  leaseExpiresAt: z.number().optional(),
  recentHistory: z.array(recentItem).default([]),
  specSummary: specSummaryItem,
});

function parse<T>(schema: z.ZodType<T>, item: Record<string, unknown>, what: string): T {
  const result = schema.safeParse(item);
  if (!result.success) {
    const where = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new CorruptItemError(`Stored ${what} item ${String(item.pk)} is malformed (${where}).`, {
      remedy: 'Restore the item from a backup or delete it; it was not written by this version.',
    });
  }
  return result.data;
}

const toSnapshotItem = (s: SpecSnapshot) => ({
  specJson: JSON.stringify(s.spec),
  specHash: s.specHash,
  generation: s.generation,
});
const fromSnapshotItem = (s: z.infer<typeof snapshotItem>): SpecSnapshot => ({
  spec: s.specJson,
  specHash: s.specHash,
  generation: s.generation,
});

const toRecentItem = (e: RecentAuditEntry) => ({
  version: e.version,
  actor: e.actor,
  action: e.action,
  at: e.at,
  ...(e.details === undefined ? {} : { detailsJson: JSON.stringify(e.details) }),
});
const fromRecentItem = (e: z.infer<typeof recentItem>): RecentAuditEntry => ({
  version: e.version,
  actor: e.actor,
  action: e.action,
  at: e.at,
  ...(e.detailsJson === undefined ? {} : { details: e.detailsJson }),
});

/** The complete item of a job record, keys included. */
export function jobToItem(job: JobRecord): Record<string, unknown> {
  const { status } = job;
  return {
    ...jobKey(job.name),
    gsi1pk: clusterIndexPk(job.clusterRef),
    gsi1sk: jobIndexSk(job.name),
    gsi2pk: teamIndexPk(job.team),
    gsi2sk: jobIndexSk(job.name),
    gsi3pk: jobShardPk(jobShard(job.name)),
    gsi3sk: jobIndexSk(job.name),
    type: 'job',
    name: job.name,
    team: job.team,
    clusterRef: job.clusterRef,
    specJson: JSON.stringify(job.spec),
    specHash: job.specHash,
    generation: job.generation,
    version: job.version,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    status: {
      phase: status.phase,
      attempt: status.attempt,
      jobId: status.jobId,
      lastApplied: status.lastApplied && toSnapshotItem(status.lastApplied),
      lastStable: status.lastStable && toSnapshotItem(status.lastStable),
      operation: status.operation && {
        id: status.operation.id,
        kind: status.operation.kind,
        step: status.operation.step,
        startedAt: status.operation.startedAt,
        dataJson: status.operation.data && JSON.stringify(status.operation.data),
      },
      lastError: status.lastError,
      observed: status.observed,
      jobStartedAt: status.jobStartedAt,
      restoredFrom: status.restoredFrom,
      newestSavepoint: status.newestSavepoint,
      rejected: status.rejected,
      savepointNonce: status.savepointNonce,
      backoff: status.backoff,
      checkpointLocation: status.checkpointLocation,
      restorePoint: status.restorePoint,
      gateJson: status.gate && JSON.stringify(status.gate),
    },
    // The listing index's copy of the status fields a listing shows (keys.ts LISTING_ATTRIBUTES).
    listing: {
      phase: status.phase,
      jobId: status.jobId,
      newestSavepoint: status.newestSavepoint,
      lastError: status.lastError,
    },
    leaseOwner: job.lease?.owner,
    leaseExpiresAt: job.lease && Date.parse(job.lease.expiresAt),
    recentHistory: job.recentHistory.map(toRecentItem),
    ...specSummaryAttribute(job),
  };
}

/** Reads a job item back into a record. @throws CorruptItemError */
export function itemToJob(item: Record<string, unknown>): JobRecord {
  const i = parse(jobItem, item, 'job');
  const s = i.status;
  return {
    name: i.name,
    team: i.team,
    clusterRef: i.clusterRef,
    spec: i.specJson,
    specHash: i.specHash,
    generation: i.generation,
    version: i.version,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    status: {
      phase: s.phase,
      attempt: s.attempt,
      ...(s.jobId === undefined ? {} : { jobId: s.jobId }),
      ...(s.lastApplied === undefined ? {} : { lastApplied: fromSnapshotItem(s.lastApplied) }),
      ...(s.lastStable === undefined ? {} : { lastStable: fromSnapshotItem(s.lastStable) }),
      ...(s.operation === undefined
        ? {}
        : {
            operation: {
              id: s.operation.id,
              kind: s.operation.kind,
              step: s.operation.step,
              startedAt: s.operation.startedAt,
              ...(s.operation.dataJson === undefined ? {} : { data: s.operation.dataJson }),
            },
          }),
      ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
      ...(s.observed === undefined ? {} : { observed: s.observed }),
      ...(s.jobStartedAt === undefined ? {} : { jobStartedAt: s.jobStartedAt }),
      ...(s.restoredFrom === undefined ? {} : { restoredFrom: s.restoredFrom }),
      ...(s.newestSavepoint === undefined
        ? {}
        : {
            newestSavepoint: {
              ...(s.newestSavepoint.id === undefined ? {} : { id: s.newestSavepoint.id }),
              path: s.newestSavepoint.path,
              at: s.newestSavepoint.at,
            },
          }),
      ...(s.rejected === undefined ? {} : { rejected: s.rejected }),
      ...(s.savepointNonce === undefined ? {} : { savepointNonce: s.savepointNonce }),
      ...(s.backoff === undefined ? {} : { backoff: s.backoff }),
      ...(s.checkpointLocation === undefined ? {} : { checkpointLocation: s.checkpointLocation }),
      ...(s.restorePoint === undefined ? {} : { restorePoint: s.restorePoint }),
      ...(s.gateJson === undefined ? {} : { gate: s.gateJson as unknown as GateProgress }),
    },
    ...(i.leaseOwner === undefined || i.leaseExpiresAt === undefined
      ? {}
      : { lease: { owner: i.leaseOwner, expiresAt: new Date(i.leaseExpiresAt).toISOString() } }),
    recentHistory: i.recentHistory.map(fromRecentItem),
    ...(i.specSummary === undefined ? {} : { specSummary: i.specSummary }),
  };
}

const auditItem = recentItem.extend({ jobName: z.string(), expiresAt: z.number() });

/** The item of a long-term audit entry; `subject` names the item it came from, if not the job. */
export function auditToItem(entry: AuditEntry, subject?: string): Record<string, unknown> {
  return {
    ...auditKey(entry.jobName, entry.at, entry.version, subject),
    type: 'audit',
    jobName: entry.jobName,
    ...toRecentItem(entry),
    expiresAt: entry.expiresAt,
  };
}

/** @throws CorruptItemError */
export function itemToAudit(item: Record<string, unknown>): AuditEntry {
  const i = parse(auditItem, item, 'audit');
  return { jobName: i.jobName, ...fromRecentItem(i), expiresAt: i.expiresAt };
}

const savepointItem = z.object({
  jobName: z.string(),
  id: z.string(),
  path: z.string().optional(),
  triggerKind: z.enum(SAVEPOINT_TRIGGER_KINDS),
  triggerId: z.string().optional(),
  generation: z.number(),
  artifactDigest: z.string().optional(),
  flinkVersion: z.string().optional(),
  jobType: z.enum(SAVEPOINT_JOB_TYPES).optional(),
  flinkJobId: z.string().optional(),
  restoredFrom: z.string().optional(),
  parentId: z.string().optional(),
  status: z.enum(SAVEPOINT_STATUSES),
  failureCause: z.string().optional(),
  pinned: z.boolean().optional(),
  deleteRequestedAt: z.string().optional(),
  lastChange: recentItem.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The item of a savepoint catalog entry. */
export function savepointToItem(sp: SavepointRecord): Record<string, unknown> {
  const { lastChange, ...rest } = sp;
  return {
    ...savepointKey(sp.jobName, sp.id),
    type: 'savepoint',
    ...rest,
    ...(lastChange === undefined ? {} : { lastChange: recentAttribute(lastChange) }),
  };
}

/** A history entry as an item attribute (a job's `recentHistory`, a savepoint's `lastChange`). */
export const recentAttribute = (e: RecentAuditEntry) => toRecentItem(e);

/** @throws CorruptItemError */
export function itemToSavepoint(item: Record<string, unknown>): SavepointRecord {
  const {
    path,
    triggerId,
    artifactDigest,
    flinkVersion,
    jobType,
    flinkJobId,
    restoredFrom,
    parentId,
    failureCause,
    pinned,
    deleteRequestedAt,
    lastChange,
    ...rest
  } = parse(savepointItem, item, 'savepoint');
  return {
    ...rest,
    ...(path === undefined ? {} : { path }),
    ...(triggerId === undefined ? {} : { triggerId }),
    ...(artifactDigest === undefined ? {} : { artifactDigest }),
    ...(flinkVersion === undefined ? {} : { flinkVersion }),
    ...(jobType === undefined ? {} : { jobType }),
    ...(flinkJobId === undefined ? {} : { flinkJobId }),
    ...(restoredFrom === undefined ? {} : { restoredFrom }),
    ...(parentId === undefined ? {} : { parentId }),
    ...(failureCause === undefined ? {} : { failureCause }),
    ...(pinned === true ? { pinned } : {}),
    ...(deleteRequestedAt === undefined ? {} : { deleteRequestedAt }),
    ...(lastChange === undefined ? {} : { lastChange: fromRecentItem(lastChange) }),
  };
}

const clusterItem = z.object({
  name: z.string(),
  specJson: jsonString,
  version: z.number(),
  updatedAt: z.string(),
});

/** The item of a cluster record. */
export function clusterToItem(cluster: ClusterRecord): Record<string, unknown> {
  return {
    ...clusterKey(cluster.name),
    gsi3pk: CLUSTERS_KIND_PK,
    gsi3sk: clusterKindSk(cluster.name),
    type: 'cluster',
    name: cluster.name,
    specJson: JSON.stringify(cluster.spec),
    version: cluster.version,
    updatedAt: cluster.updatedAt,
  };
}

/** @throws CorruptItemError */
export function itemToCluster(item: Record<string, unknown>): ClusterRecord {
  const i = parse(clusterItem, item, 'cluster');
  return { name: i.name, spec: i.specJson, version: i.version, updatedAt: i.updatedAt };
}
