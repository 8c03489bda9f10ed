/**
 * The dry run behind `POST /v1/plan` and `fjc plan`: what applying spec documents would change,
 * and what the controller would then do to each job. Pure: a function of the documents and the
 * stored records, so every answer can be tested without I/O.
 *
 * It has no rules of its own. Whether a document is accepted is asked of the apply use case
 * ({@link clusterReferenceIssues}); what the controller does is asked of the planner reconcile
 * runs ({@link planJob}) and of the operation it would start ({@link beginOperation}), on a
 * hypothetical record: the stored job, settled (running, or suspended, as last applied) on a
 * reachable cluster, with the new spec desired. This file only puts their answers into words.
 */
import type { FieldIssue } from '../../commons/errors.js';
import type { ClusterRecord, JobRecord } from '../model/index.js';
import { clusterReferenceIssues } from '../apply/apply-documents.js';
import { sqlGatewayIssues, storedClusterHasSqlGateway } from '../apply/sql-gateway-rule.js';
import {
  canonicalJson,
  classifyChange,
  specHash,
  stateRiskNotes,
  type ChangeKind,
} from '../change/index.js';
import { beginOperation, type OperationStart } from '../operations/begin.js';
import { locateStage, nextStep } from '../operations/sequences.js';
import { pendingRestore } from '../pending-restore.js';
import { sourceWords } from '../restore-source.js';
import type { PreflightResult } from './preflight.js';
import {
  encodeSpecDocument,
  flinkJobSchema,
  type FlinkJob,
  type SpecDocument,
  type SpecKind,
} from '../spec/index.js';
import type { ClusterObservation } from './observation.js';
import { planJob, type PlannedAction } from './plan-actions.js';

/** What the controller will do to the running job once a document is applied. */
export interface PlanEffect {
  /** Compared with what runs (`last-applied`), or a first start (`initial`). */
  basis: 'initial' | 'last-applied';
  changeClass: ChangeKind;
  /** Whether a savepoint is taken. */
  savepoint: boolean;
  /** Whether the running job is stopped and started again. */
  restart: boolean;
  summary: string;
}

/** One entry of the plan (the shape of the API's `planEntrySchema`). */
export interface PlanEntry {
  kind: SpecKind;
  name: string;
  action: 'create' | 'update' | 'noop';
  /** FlinkJob only: the class of the change against the stored desired spec. */
  changeClass?: ChangeKind;
  /** FlinkJob only: the fields that differ from the stored desired spec. */
  changedFields?: { field: string; class: string }[];
  desiredState?: { from?: 'running' | 'suspended' | undefined; to: 'running' | 'suspended' };
  effect?: PlanEffect;
  /** FlinkJob only, when asked: the upgrade pre-flight on the cluster, or why it did not run. */
  preflight?: PreflightResult | { unavailable: string };
}

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

/** The hypothetical world is timeless: nothing is due, nothing expires. */
const AT = new Date(0);
const AT_ISO = AT.toISOString();
const RUNNING_JOB_ID = '0'.repeat(32);
const IDS = { operationId: 'preview', triggerId: 'preview', jobId: '1'.repeat(32) };

/**
 * A job settled on what was last applied (running, or suspended) with `next` desired. Nothing in
 * flight, no lease, no error, the newest savepoint known and the periodic one not yet due: so the
 * planner's answer is about the change alone.
 */
function settledRecord(
  next: FlinkJob,
  lastApplied: FlinkJob | undefined,
  servedSavepointNonce: number,
): JobRecord {
  const snapshot = (job: FlinkJob) => ({
    spec: encodeSpecDocument(job),
    specHash: specHash(job),
    generation: 1,
  });
  const running = lastApplied?.spec.state === 'running';
  return {
    name: next.metadata.name,
    team: next.spec.team,
    clusterRef: next.spec.clusterRef,
    spec: encodeSpecDocument(next),
    specHash: specHash(next),
    generation: 2,
    status: lastApplied
      ? {
          phase: running ? 'RUNNING' : 'SUSPENDED',
          attempt: 1,
          lastApplied: snapshot(lastApplied),
          ...(running ? { jobId: RUNNING_JOB_ID, jobStartedAt: AT_ISO } : {}),
          newestSavepoint: { path: 'newest', at: AT_ISO },
          savepointNonce: servedSavepointNonce,
        }
      : { phase: 'PENDING', attempt: 0, savepointNonce: servedSavepointNonce },
    version: 1,
    createdAt: AT_ISO,
    updatedAt: AT_ISO,
    recentHistory: [],
  };
}

/** What reconcile would decide, cycle after cycle, until it starts an operation or rests. */
function plannerDecision(
  next: FlinkJob,
  lastApplied: FlinkJob | undefined,
  servedSavepointNonce: number,
): { action: PlannedAction; start: OperationStart | undefined } {
  const observed: ClusterObservation = {
    reachable: true,
    at: AT,
    jobs: new Map([
      // A scheduler that cannot rescale in place: the plan states the general case.
      [RUNNING_JOB_ID, { jobId: RUNNING_JOB_ID, state: 'RUNNING', startTime: 0 }],
    ]),
  };
  const observations = new Map(
    [next, lastApplied].flatMap((job) => (job ? [[job.spec.clusterRef, observed] as const] : [])),
  );
  let applied = lastApplied;
  for (;;) {
    const record = settledRecord(next, applied, servedSavepointNonce);
    const view = { record, desired: next, lastApplied: applied, adaptiveScheduler: false };
    const action = planJob(view, observations, AT);
    // Adopting a change that does not touch the job makes it the applied spec: plan again.
    if (action.kind === 'adopt' && applied !== next) {
      applied = next;
      continue;
    }
    return { action, start: beginOperation(action, record, next, IDS) };
  }
}

function stepAfter(start: OperationStart): string | undefined {
  const placed = locateStage(start.kind, start.data.mode, start.step);
  return placed && nextStep(placed, start.data);
}

/** The words for how an upgrade runs, from the first step the operation would take. */
function upgradeHow(start: OperationStart | undefined): string {
  // The pre-flight touches nothing that runs: how the job restarts is the step after it.
  const step = start?.step === 'preflight' ? stepAfter(start) : start?.step;
  switch (step) {
    case 'stop-with-savepoint':
      return 'stop with a savepoint, start from it';
    case 'read-checkpoint':
      return 'stop, start from the latest checkpoint';
    default:
      return 'cancel, start without state';
  }
}

/**
 * Where a first deploy or a resume takes its state from, as the operation's start decided it
 * (restore-source.ts), as the end of the summary; empty when it starts without state.
 */
function fromWords(start: OperationStart): string {
  const source = start.source;
  if (source === undefined || source.kind === 'empty') return '';
  return source.kind === 'restore-from'
    ? ` from ${sourceWords(source)}, checked before it starts (refused: nothing starts)`
    : ` from ${sourceWords(source)}`;
}

function restartSummary(kind: ChangeKind, how: string): string {
  switch (kind) {
    case 'SCALE':
      return `rescales the job (in place with the adaptive scheduler, otherwise ${how})`;
    case 'REDEPLOY':
      return `moves the job to another cluster (${how})`;
    default:
      return `upgrades the job (${how})`;
  }
}

/** What the controller does to the job once `next` is desired and `lastApplied` runs. */
export function effectOf(
  next: FlinkJob,
  lastApplied: FlinkJob | undefined,
  servedSavepointNonce = 0,
): PlanEffect {
  const { action, start } = plannerDecision(next, lastApplied, servedSavepointNonce);
  const savepoint = start?.data.triggerId !== undefined;
  if (lastApplied === undefined)
    return {
      basis: 'initial',
      changeClass: 'REDEPLOY',
      savepoint: false,
      restart: false,
      summary:
        start?.kind === 'deploy'
          ? `starts the job for the first time${fromWords(start)}`
          : 'nothing starts: the job is declared suspended',
    };
  const change = classifyChange(lastApplied, next);
  const base = { basis: 'last-applied' as const, changeClass: change.kind };
  switch (start?.kind) {
    case 'suspend':
      return {
        ...base,
        savepoint,
        restart: false,
        summary: savepoint
          ? 'suspends the job: stops it with a savepoint'
          : 'suspends the job: cancels it (stateless)',
      };
    case 'resume':
      return {
        ...base,
        savepoint: false,
        restart: true,
        summary: `resumes the job${fromWords(start) || ' without state (stateless)'}`,
      };
    case 'upgrade':
      return {
        ...base,
        savepoint,
        restart: true,
        summary: [
          `${restartSummary(change.kind, upgradeHow(start))}: ${change.fields.join(', ')}`,
          ...stateRiskNotes(lastApplied, next).map((note) => `note: ${note}`),
        ].join('; '),
      };
    case 'restore':
      return {
        ...base,
        savepoint: false,
        restart: true,
        summary:
          'restores the job from spec.restore.from: checks the savepoint, cancels the job without a new savepoint, starts it from the chosen one',
      };
    case 'savepoint':
      return {
        ...base,
        savepoint: true,
        restart: false,
        summary: 'takes a manual savepoint (savepointNonce changed); the job keeps running',
      };
    default:
      return {
        ...base,
        savepoint: false,
        restart: false,
        summary:
          next.spec.state === 'suspended'
            ? 'the job stays suspended; the changes apply when it resumes'
            : action.kind === 'none'
              ? 'no effect on the running job'
              : action.reason,
      };
  }
}

/**
 * A job that stays suspended with a restore pending: the resume will start from the chosen
 * savepoint (restore-source.ts), which the owner should see before applying.
 */
function withPendingResume(
  job: FlinkJob,
  record: JobRecord | undefined,
  effect: PlanEffect,
): PlanEffect {
  if (job.spec.state !== 'suspended' || record === undefined) return effect;
  const pending = pendingRestore(job, record.status);
  if (pending === undefined) return effect;
  const source = sourceWords({ kind: 'restore-from', ...pending });
  return {
    ...effect,
    summary: `${effect.summary}; a resume starts from ${source}, checked before it starts`,
  };
}

function previewJob(job: FlinkJob, record: JobRecord | undefined): PlanEntry {
  const name = job.metadata.name;
  const stored = record && parseStored(record.spec);
  const lastApplied = record?.status.lastApplied && parseStored(record.status.lastApplied.spec);
  const effect = withPendingResume(
    job,
    record,
    effectOf(job, lastApplied, record?.status.savepointNonce ?? 0),
  );
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
 * cluster that is neither declared in the documents nor stored, or a SQL job to a cluster
 * without a SQL Gateway.
 */
export function previewDocuments(documents: readonly SpecDocument[], stored: StoredState): Preview {
  const issues = [
    ...clusterReferenceIssues(documents, (name) => stored.clusters.has(name)),
    ...sqlGatewayIssues(documents, (name) => {
      const record = stored.clusters.get(name);
      return record === undefined ? undefined : storedClusterHasSqlGateway(record);
    }),
  ];
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
