/**
 * The zod schemas of the API: query parameters, request bodies and every response body. They are
 * the single source of the OpenAPI document and the contract the tests hold real responses to.
 * Response schemas describe what the API writes; unknown fields are allowed so that adding a
 * field to a response is not a breaking change for clients.
 */
import { z } from 'zod';
import { teamQuotaSchema } from '../core/apply/team-quota.js';
import { CHANGE_KINDS } from '../core/change/index.js';
import { gateProgressSchema } from './gate-schema.js';
import { SPEC_KINDS, flinkClusterSchema, flinkJobSchema } from '../core/spec/index.js';
import { restoreFromSchema } from '../core/spec/job.js';
import {
  HISTORY_OUTCOMES,
  JOB_PHASES,
  OPERATION_KINDS,
  SAVEPOINT_STATUSES,
  SAVEPOINT_JOB_TYPES,
  SAVEPOINT_TRIGGER_KINDS,
} from '../core/model/index.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A job, team or cluster name in a path or query. */
export const nameSchema = z
  .string({ error: 'must be a string' })
  .max(63, { error: 'must be at most 63 characters' })
  .regex(DNS_LABEL, {
    error:
      "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  });

const LIMIT_MESSAGE = 'must be a whole number from 1 to 1000';

/** `cursor` and `limit` of a paged listing. */
export const pageQueryShape = {
  cursor: z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(4096, { error: 'must be at most 4096 characters' })
    .optional()
    .describe('The cursor of the previous page.'),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, { error: LIMIT_MESSAGE })
    .transform(Number)
    .pipe(z.number().min(1, { error: LIMIT_MESSAGE }).max(1000, { error: LIMIT_MESSAGE }))
    .optional()
    .describe('Page size, 1 to 1000 (default 100).'),
};

/** Query of `GET /v1/jobs`. */
export const listJobsQuerySchema = z.strictObject({
  team: nameSchema.optional().describe('Only jobs of this team.'),
  cluster: nameSchema.optional().describe('Only jobs on this cluster.'),
  ...pageQueryShape,
});

/** Query of paged listings without filters. */
export const pageQuerySchema = z.strictObject(pageQueryShape);

/** Query of `DELETE /v1/jobs/{name}`. */
export const deleteJobQuerySchema = z.strictObject({
  purge: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .describe(
      'true: remove the record of a job whose deletion has finished (SUSPENDED); its savepoints and history stay.',
    ),
});

/** No query parameters. */
export const noQuerySchema = z.strictObject({});

/** The optional body of `POST /v1/jobs/{name}/actions/{action}`. */
export const actionBodySchema = z.strictObject({
  reason: z
    .string({ error: 'must be a string' })
    .max(500, { error: 'must be at most 500 characters' })
    .optional()
    .describe('Why, recorded in the audit trail.'),
  savepointId: restoreFromSchema.shape.savepointId.describe(
    'restore only: the catalog id of the savepoint to restore (give it or path).',
  ),
  path: restoreFromSchema.shape.path.describe(
    'restore only: a savepoint location to restore (give it or savepointId).',
  ),
  resume: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .describe(
      'restore only: also set the desired state to running, in the same write, so a suspended job resumes from the chosen savepoint. Without it a suspended job stays suspended and restores from the choice when it is resumed.',
    ),
});

/** `POST /v1/jobs/{name}/savepoints`: a savepoint made elsewhere, to add to the job's catalog. */
export const registerSavepointBodySchema = z.strictObject({
  path: restoreFromSchema.shape.path
    .unwrap()
    .describe('Where the savepoint is (its directory, holding `_metadata`).'),
  reason: actionBodySchema.shape.reason,
});

/** `POST /v1/jobs/{name}/savepoints/{id}/pin|unpin` and `DELETE …/{id}` take no body. */
export const SAVEPOINT_CHANGES = ['pin', 'unpin'] as const;

/** The actions a caller can ask of a job. */
export const JOB_ACTIONS = [
  'savepoint',
  'suspend',
  'resume',
  'rollback',
  'redeploy',
  'restore',
] as const;
/** One of {@link JOB_ACTIONS}. */
export type JobAction = (typeof JOB_ACTIONS)[number];

// ------------------------------------------------------------------------------- responses

/** One problem with the input. */
export const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });

/** The body of every error response. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    remedy: z.string().optional(),
    issues: z.array(fieldIssueSchema).min(1).optional(),
    correlationId: z.string(),
  }),
});

const iso = z.string().describe('ISO-8601 timestamp');

const savepointRefSchema = z.object({ id: z.string().optional(), path: z.string(), at: iso });
const jobErrorSchema = z.object({ code: z.string(), message: z.string(), at: iso });
const snapshotRefSchema = z.object({ generation: z.number().int(), specHash: z.string() });

/** One job in a listing. */
export const jobSummarySchema = z.object({
  name: z.string(),
  team: z.string(),
  cluster: z.string(),
  phase: z.enum(JOB_PHASES),
  generation: z.number().int().min(1),
  specHash: z.string(),
  jobId: z.string().optional(),
  newestSavepoint: savepointRefSchema.optional(),
  lastError: jobErrorSchema.optional(),
  createdAt: iso,
  updatedAt: iso,
});

/** A page of jobs. */
export const jobListSchema = z.object({
  items: z.array(jobSummarySchema),
  cursor: z.string().optional().describe('Pass as ?cursor= to get the next page.'),
});

/** The observed status of a job, as the API shows it. */
export const jobStatusViewSchema = z.object({
  phase: z.enum(JOB_PHASES),
  attempt: z.number().int(),
  jobId: z.string().optional(),
  lastApplied: snapshotRefSchema.optional(),
  lastStable: snapshotRefSchema.optional(),
  operation: z
    .object({ kind: z.enum(OPERATION_KINDS), step: z.string(), startedAt: iso })
    .optional(),
  lastError: jobErrorSchema.optional(),
  observed: z.object({ state: z.string(), at: iso }).optional(),
  jobStartedAt: iso.optional(),
  newestSavepoint: savepointRefSchema.optional(),
  rejected: z.object({ specHash: z.string(), reason: z.string(), at: iso }).optional(),
  /** Operations for this spec ended on faults: the next does not start before `nextAttemptAt`. */
  backoff: z
    .object({
      attempts: z.number().int(),
      nextAttemptAt: iso,
      specHash: z.string(),
      reason: z.string(),
    })
    .optional(),
  restorePoint: z
    .object({
      source: z.enum(['checkpoint', 'savepoint']),
      path: z.string(),
      at: iso,
      reason: z.string(),
    })
    .optional()
    .describe('The snapshot the last restart restored, and why fjc chose it.'),
  gate: gateProgressSchema.optional(),
});

/** A job: its desired spec as stored and its status. */
export const jobViewSchema = z.object({
  name: z.string(),
  team: z.string(),
  cluster: z.string(),
  generation: z.number().int().min(1),
  specHash: z.string(),
  spec: flinkJobSchema,
  status: jobStatusViewSchema,
  createdAt: iso,
  updatedAt: iso,
});

/** The result of `PUT /v1/jobs/{name}`. */
export const jobPutResultSchema = jobViewSchema.extend({
  created: z.boolean(),
  changed: z.boolean().describe('False when the spec was already stored: nothing was written.'),
});

/** The result of `DELETE /v1/jobs/{name}`. */
export const deletionResultSchema = z.object({
  name: z.string(),
  action: z.enum(['suspending', 'released', 'purged']),
  generation: z.number().int().optional(),
});

/** The result of a job action. */
export const actionResultSchema = z.object({
  name: z.string(),
  action: z.enum(JOB_ACTIONS),
  generation: z.number().int().min(1),
  changed: z.boolean().describe('False when the job was already in the requested state.'),
  takesEffect: z
    .enum(['now', 'on-resume'])
    .optional()
    .describe(
      'restore only: `now` when the job is desired running (the controller restores it next), `on-resume` when it stays suspended and restores from the choice when it is resumed.',
    ),
});

/** One audit entry. */
export const auditEntrySchema = z.object({
  jobName: z.string(),
  version: z
    .number()
    .int()
    .describe(
      "The job record's version after this change. Every write counts (observations and lease renewals too), so versions in the history have gaps. A savepoint catalog change by a person (`savepoint.registered`, `.pinned`, `.unpinned`, `.deleted`) does not write the job record: it is listed under the version it was decided against.",
    ),
  actor: z.string(),
  action: z
    .string()
    .describe(
      'What happened, as `subject.what-happened` (e.g. `job.submitted`, `upgrade.succeeded`).',
    ),
  outcome: z
    .enum(HISTORY_OUTCOMES)
    .describe(
      'Where the change stands: accepted, started, progressed, succeeded, failed, retrying or noted.',
    ),
  message: z.string().describe('The entry in words, built from its details.'),
  at: iso,
  details: z.record(z.string(), z.unknown()).optional(),
});

/** A page of audit entries, newest first. */
export const historyListSchema = z.object({
  items: z.array(auditEntrySchema),
  cursor: z.string().optional(),
});

/** One savepoint of the catalog. */
export const savepointSchema = z.object({
  jobName: z.string(),
  id: z.string(),
  path: z.string().optional(),
  triggerKind: z.enum(SAVEPOINT_TRIGGER_KINDS),
  generation: z.number().int(),
  flinkJobId: z.string().optional().describe('Unknown for a registered savepoint.'),
  artifactDigest: z.string().optional().describe('sha256 of the program that wrote it, if pinned.'),
  flinkVersion: z.string().optional().describe('Flink version of the cluster that wrote it.'),
  jobType: z.enum(SAVEPOINT_JOB_TYPES).optional(),
  restoredFrom: z
    .string()
    .optional()
    .describe('The savepoint or checkpoint the writing job started from.'),
  parentId: z.string().optional().describe('Catalog id of restoredFrom, when catalogued.'),
  status: z.enum(SAVEPOINT_STATUSES),
  failureCause: z.string().optional(),
  pinned: z.boolean().optional().describe('Kept by retention and refused for deletion.'),
  deleteRequestedAt: iso
    .optional()
    .describe('Deletion asked for: the next retention round disposes of it.'),
  createdAt: iso,
  updatedAt: iso,
});

/** A page of savepoints, newest first. */
export const savepointListSchema = z.object({
  items: z.array(savepointSchema),
  cursor: z.string().optional(),
});

/** A cluster as stored. */
export const clusterViewSchema = z.object({
  name: z.string(),
  version: z.number().int().min(1),
  spec: flinkClusterSchema,
  updatedAt: iso,
});

/** The result of `PUT /v1/clusters/{name}`. */
export const clusterPutResultSchema = clusterViewSchema.extend({
  created: z.boolean(),
  changed: z.boolean(),
});

/** A page of clusters. */
export const clusterListSchema = z.object({
  items: z.array(clusterViewSchema),
  cursor: z.string().optional(),
});

const changeKindSchema = z.enum(CHANGE_KINDS);

/** `POST /v1/plan` query: `preflight=true` also builds each job's new graph on its cluster. */
export const planQuerySchema = z.strictObject({
  preflight: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .describe(
      'Also run the upgrade pre-flight of each FlinkJob on its cluster (uploads the jar, runs its main() to build the job graph, compares it with the running job). Off unless asked: it touches the cluster.',
    ),
});

const preflightVertexSchema = z.object({
  id: z.string(),
  name: z.string(),
  stateBytes: z.number().optional(),
});

/** The upgrade pre-flight of one job (functions/core/plan/preflight.ts). */
export const preflightResultSchema = z.object({
  verdict: z.enum(['passed', 'refused']),
  program: z.enum(['built', 'failed', 'not-checked']),
  vertices: z.number().int().optional(),
  state: z
    .object({
      dropped: z.array(preflightVertexSchema),
      removedStateless: z.array(preflightVertexSchema),
      startsEmpty: z.array(preflightVertexSchema),
      kept: z.number().int(),
    })
    .optional(),
  summary: z.string(),
});

/** What applying one document would do. */
export const planEntrySchema = z.object({
  kind: z.enum(SPEC_KINDS),
  name: z.string(),
  action: z.enum(['create', 'update', 'noop']),
  changeClass: changeKindSchema
    .optional()
    .describe('FlinkJob only: the class of the change against the stored desired spec.'),
  changedFields: z
    .array(z.object({ field: z.string(), class: z.string() }))
    .optional()
    .describe('FlinkJob only: the fields that differ from the stored desired spec.'),
  desiredState: z
    .object({
      from: z.enum(['running', 'suspended']).optional(),
      to: z.enum(['running', 'suspended']),
    })
    .optional(),
  effect: z
    .object({
      basis: z.enum(['initial', 'last-applied']),
      changeClass: changeKindSchema,
      savepoint: z.boolean().describe('Whether a savepoint is taken.'),
      restart: z.boolean().describe('Whether the running job is stopped and started again.'),
      summary: z.string(),
    })
    .optional()
    .describe('FlinkJob only: what the controller will do to the running job.'),
  preflight: z
    .union([preflightResultSchema, z.object({ unavailable: z.string() })])
    .optional()
    .describe('FlinkJob only, with ?preflight=true: the upgrade pre-flight on the cluster.'),
});

/** The result of `POST /v1/plan`. Nothing is written. */
export const planResultSchema = z.object({ documents: z.array(planEntrySchema) });

/** The OpenAPI document (loosely: it is checked structurally by the tests). */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** The answer of `GET /v1/whoami`. */
export const whoamiSchema = z.object({
  principal: z.string().describe('The caller as authenticated (an IAM ARN in AWS).'),
  admin: z.boolean().describe('Admins change clusters and every team’s jobs.'),
  teams: z.array(z.string()).describe('Teams whose jobs the caller reads and changes.'),
  quotas: z
    .record(z.string(), teamQuotaSchema)
    .describe('The quotas of the caller’s teams (of every team for an admin).'),
});
