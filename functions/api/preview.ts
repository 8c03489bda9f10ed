/**
 * The dry run behind `POST /v1/plan`: what applying spec documents would change, and what the
 * controller would then do to each running job. Pure: a function of the documents and the stored
 * records, so every answer can be tested without I/O. It mirrors the rules of
 * `applySpecDocuments` (a job's cluster must be declared in the file or stored; unchanged
 * documents write nothing) and of the planner (how each change class and upgrade mode is run).
 */
import type { FieldIssue } from '../commons/errors.js';
import { classifyChange, specHash, type ChangeKind } from '../core/change/index.js';
import {
  encodeSpecDocument,
  flinkJobSchema,
  type FlinkJob,
  type SpecDocument,
} from '../core/spec/index.js';
import { canonicalJson } from '../core/change/index.js';
import type { ClusterRecord, JobRecord } from '../core/model/index.js';
import type { z } from 'zod';
import type { planEntrySchema } from './schemas.js';

/** One entry of the plan. */
export type PlanEntry = z.output<typeof planEntrySchema>;
type Effect = NonNullable<PlanEntry['effect']>;

/** The stored state the documents are compared with. */
export interface StoredState {
  jobs: ReadonlyMap<string, JobRecord>;
  clusters: ReadonlyMap<string, ClusterRecord>;
}

/** The plan, or the reasons it cannot be applied. */
export type Preview = { ok: true; entries: PlanEntry[] } | { ok: false; issues: FieldIssue[] };

/** A stored spec parsed back, or `undefined` when it is absent or no longer valid. */
function parseStored(spec: unknown): FlinkJob | undefined {
  const parsed = flinkJobSchema.safeParse(spec);
  return parsed.success ? parsed.data : undefined;
}

/** What the controller does to the job once `next` is desired and `lastApplied` runs. */
export function effectOf(
  next: FlinkJob,
  lastApplied: FlinkJob | undefined,
  servedSavepointNonce = 0,
): Effect {
  const mode = next.spec.upgradeMode;
  if (lastApplied === undefined) {
    const from = next.spec.restore.initialSavepointPath;
    return {
      basis: 'initial',
      changeClass: 'REDEPLOY',
      savepoint: false,
      restart: false,
      summary:
        next.spec.state === 'suspended'
          ? 'nothing starts: the job is declared suspended'
          : `starts the job for the first time${from === undefined ? '' : ' from restore.initialSavepointPath'}`,
    };
  }
  const change = classifyChange(lastApplied, next);
  const base = { basis: 'last-applied' as const, changeClass: change.kind };
  const was = lastApplied.spec.state;
  const will = next.spec.state;
  if (was === 'running' && will === 'suspended')
    return {
      ...base,
      savepoint: mode !== 'stateless',
      restart: false,
      summary:
        mode === 'stateless'
          ? 'suspends the job: cancels it (stateless)'
          : 'suspends the job: stops it with a savepoint',
    };
  if (was === 'suspended' && will === 'running')
    return {
      ...base,
      savepoint: false,
      restart: true,
      summary:
        mode === 'stateless'
          ? 'resumes the job without state (stateless)'
          : 'resumes the job from its newest savepoint',
    };
  if (will === 'suspended')
    return {
      ...base,
      savepoint: false,
      restart: false,
      summary: 'the job stays suspended; the changes apply when it resumes',
    };
  if (change.kind === 'IGNORE') {
    const manual = next.spec.savepointNonce !== servedSavepointNonce;
    return {
      ...base,
      savepoint: manual,
      restart: false,
      summary: manual
        ? 'takes a manual savepoint (savepointNonce changed); the job keeps running'
        : 'no effect on the running job',
    };
  }
  return {
    ...base,
    savepoint: mode === 'savepoint',
    restart: true,
    summary: `${restartSummary(change.kind, mode)}: ${change.fields.join(', ')}`,
  };
}

function restartSummary(
  kind: Exclude<ChangeKind, 'IGNORE'>,
  mode: FlinkJob['spec']['upgradeMode'],
): string {
  const how =
    mode === 'savepoint'
      ? 'stop with a savepoint, start from it'
      : mode === 'last-state'
        ? 'stop, start from the latest checkpoint'
        : 'cancel, start without state';
  switch (kind) {
    case 'SCALE':
      return `rescales the job (in place with the adaptive scheduler, otherwise ${how})`;
    case 'UPGRADE':
      return `upgrades the job (${how})`;
    case 'REDEPLOY':
      return `moves the job to another cluster (${how})`;
  }
}

function previewJob(job: FlinkJob, record: JobRecord | undefined): PlanEntry {
  const name = job.metadata.name;
  const stored = record && parseStored(record.spec);
  const lastApplied = record?.status.lastApplied && parseStored(record.status.lastApplied.spec);
  const effect = effectOf(job, lastApplied, record?.status.savepointNonce ?? 0);
  if (!record || !stored) {
    const change = classifyChange(undefined, job);
    return {
      kind: 'FlinkJob',
      name,
      action: record ? 'update' : 'create',
      changeClass: change.kind,
      changedFields: [],
      ...(change.desiredState ? { desiredState: change.desiredState } : {}),
      effect,
    };
  }
  const unchanged = record.specHash === specHash(job) && record.team === job.spec.team;
  const change = classifyChange(stored, job);
  return {
    kind: 'FlinkJob',
    name,
    action: unchanged ? 'noop' : 'update',
    changeClass: change.kind,
    changedFields: change.changes.map((c) => ({ field: c.field, class: c.class })),
    ...(change.desiredState ? { desiredState: change.desiredState } : {}),
    effect,
  };
}

/**
 * Previews spec documents against the stored state. Fails, like apply, when a job refers to a
 * cluster that is neither declared in the documents nor stored.
 */
export function previewDocuments(documents: readonly SpecDocument[], stored: StoredState): Preview {
  const declared = new Set(
    documents.filter((d) => d.kind === 'FlinkCluster').map((d) => d.metadata.name),
  );
  const issues: FieldIssue[] = [];
  for (const [index, document] of documents.entries()) {
    if (document.kind !== 'FlinkJob') continue;
    const ref = document.spec.clusterRef;
    if (!declared.has(ref) && !stored.clusters.has(ref))
      issues.push({
        path: `documents[${index}].spec.clusterRef`,
        message: `no FlinkCluster named "${ref}" is declared in this file or stored`,
      });
  }
  if (issues.length > 0) return { ok: false, issues };
  const entries = documents.map((document): PlanEntry => {
    if (document.kind === 'FlinkJob')
      return previewJob(document, stored.jobs.get(document.metadata.name));
    const current = stored.clusters.get(document.metadata.name);
    const same =
      current !== undefined &&
      canonicalJson(current.spec) === canonicalJson(encodeSpecDocument(document));
    return {
      kind: 'FlinkCluster',
      name: document.metadata.name,
      action: current === undefined ? 'create' : same ? 'noop' : 'update',
    };
  });
  return { ok: true, entries };
}
