/**
 * `/v1/jobs`: list, read, put (create or change the desired spec) and delete jobs, and read their
 * audit trail and savepoint catalog.
 *
 * Every change is conditional on the generation the authorization decision was based on (the
 * caller's If-Match, or the one just read): so a job cannot change owner between the check and
 * the write. Without If-Match, losing such a race is a 409 (retry); with it, a 412.
 */
import { ConflictError } from '../../commons/errors.js';
import { applyJob } from '../../core/apply/apply-job.js';
import { jobNotFound, requireVisibleJob } from '../../core/authorization.js';
import { purgeJob, requestJobDeletion } from '../../core/deletion.js';
import { VersionConflictError } from '../../core/ports/index.js';
import type { JobRecord } from '../../core/model/index.js';
import { readOneDocument, readQuery } from '../body.js';
import { preconditionFailed } from '../errors.js';
import { jsonResponse } from '../http.js';
import { listVisibleJobs } from '../job-listing.js';
import { actorOf, nameParam, pageOf } from '../params.js';
import {
  checkPrecondition,
  etag,
  hasPrecondition,
  preconditionOf,
  type Precondition,
} from '../preconditions.js';
import { savepointView } from '../savepoint-view.js';
import type { Route, RouteContext } from '../router.js';
import {
  deleteJobQuerySchema,
  deletionResultSchema,
  historyListSchema,
  jobListSchema,
  jobPutResultSchema,
  jobViewSchema,
  listJobsQuerySchema,
  noQuerySchema,
  pageQuerySchema,
  savepointListSchema,
} from '../schemas.js';
import { auditEntryView, jobSummary, jobView } from '../views.js';

const TAGS = ['jobs'] as const;

/**
 * The job named in the path, if the caller may see it (audited); otherwise the one 404 a missing
 * job gets too, so the answer does not tell whether another team has a job of that name.
 */
export async function requireJob(context: RouteContext, name: string): Promise<JobRecord> {
  return requireVisibleJob(context.caller, name, await context.deps.store.getJob(name));
}

/**
 * Asks for a targeted reconcile of a job whose desired state this request just committed (the
 * event path). Never fails the request: the trigger reports its own failures.
 */
export async function requestReconcile(context: RouteContext, name: string): Promise<void> {
  try {
    await context.deps.reconcile?.requestReconcile([name], context.request.correlationId);
  } catch (error) {
    // Only a trigger that breaks its contract gets here; the change stands, the cycle follows.
    context.deps.logger.warn('targeted reconcile not requested', {
      jobName: name,
      error: error instanceof Error ? error.message : String(error),
      correlationId: context.request.correlationId,
    });
  }
}

/** The generation a write must find: the caller's precondition, or what was just read. */
export function expectedGeneration(
  precondition: Precondition,
  current: number | undefined,
): number {
  return precondition.kind === 'match' ? precondition.value : (current ?? 0);
}

const listJobs: Route = {
  method: 'GET',
  path: '/v1/jobs',
  operationId: 'listJobs',
  doc: {
    summary: 'List jobs',
    description:
      "Jobs of the caller's teams (admins: all), optionally filtered by team and/or cluster.",
    tags: TAGS,
    query: listJobsQuerySchema,
    responses: { 200: { description: 'A page of jobs.', schema: jobListSchema } },
    errors: [400, 403],
  },
  async handle(context) {
    const query = readQuery(context.request, listJobsQuerySchema);
    const { principal } = context;
    if (query.team !== undefined)
      context.authorize({
        permission: 'job:read',
        resource: `team/${query.team}`,
        teams: [query.team],
      });
    // Without a team filter a member sees only its teams' jobs; with no team at all, nothing.
    else
      context.authorize({
        permission: 'job:read',
        resource: 'jobs',
        teams: principal.admin ? [] : principal.teams,
      });
    const page = await listVisibleJobs(context.deps.store, principal, query);
    return jsonResponse(200, {
      items: page.items.map(jobSummary),
      ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
    });
  },
};

const getJob: Route = {
  method: 'GET',
  path: '/v1/jobs/{name}',
  operationId: 'getJob',
  doc: {
    summary: 'Read a job: desired spec, generation and status',
    tags: TAGS,
    query: noQuerySchema,
    responses: { 200: { description: 'The job.', schema: jobViewSchema, etag: true } },
    errors: [400, 404],
  },
  async handle(context) {
    const name = nameParam(context);
    readQuery(context.request, noQuerySchema);
    const record = await requireJob(context, name);
    return jsonResponse(200, jobView(record), { etag: etag(record.generation) });
  },
};

const putJob: Route = {
  method: 'PUT',
  path: '/v1/jobs/{name}',
  operationId: 'putJob',
  doc: {
    summary: 'Create or change the desired spec of a job',
    description:
      'The body is one FlinkJob document (JSON, or YAML with Content-Type application/yaml) whose metadata.name is the name in the path. Re-putting an unchanged spec writes nothing and keeps the generation.',
    tags: TAGS,
    query: noQuerySchema,
    body: { component: 'FlinkJob', yaml: true, required: true },
    responses: {
      200: { description: 'Updated (or unchanged).', schema: jobPutResultSchema, etag: true },
      201: { description: 'Created.', schema: jobPutResultSchema, etag: true },
    },
    errors: [400, 403, 404, 409, 412, 413, 415],
    conditional: 'match-or-create',
  },
  async handle(context) {
    const name = nameParam(context);
    readQuery(context.request, noQuerySchema);
    const precondition = preconditionOf(context.request, true);
    const job = readOneDocument(context.request, 'FlinkJob', name);
    const put = await applyJob(context.deps.store, job, context.caller, {
      precondition: (generation) => {
        checkPrecondition(precondition, generation, `Job ${name}`);
      },
      details: { via: 'api', correlationId: context.request.correlationId },
      ...(context.deps.quotas === undefined ? {} : { quotas: context.deps.quotas }),
    });
    if (put.created || put.changed) await requestReconcile(context, name);
    return jsonResponse(
      put.created ? 201 : 200,
      { ...jobView(put.record), created: put.created, changed: put.changed },
      { etag: etag(put.record.generation) },
    );
  },
};

const deleteJob: Route = {
  method: 'DELETE',
  path: '/v1/jobs/{name}',
  operationId: 'deleteJob',
  doc: {
    summary:
      'Delete a job by its deletion policy (default: suspend with a savepoint, keep state); with ?purge=true remove the record of a deleted job',
    tags: TAGS,
    query: deleteJobQuerySchema,
    responses: {
      200: { description: 'The record of a deleted job was purged.', schema: deletionResultSchema },
      202: { description: 'Deletion requested.', schema: deletionResultSchema },
    },
    errors: [400, 404, 409, 412],
    conditional: 'match',
  },
  async handle(context) {
    const name = nameParam(context);
    const query = readQuery(context.request, deleteJobQuerySchema);
    const precondition = preconditionOf(context.request, false);
    const record = await requireJob(context, name);
    context.authorize({ permission: 'job:write', resource: `job/${name}`, teams: [record.team] });
    checkPrecondition(precondition, record.generation, `Job ${name}`);
    try {
      if (query.purge === 'true') {
        await purgeJob(context.deps.store, name, {
          actor: actorOf(context.principal),
          expectedGeneration: expectedGeneration(precondition, record.generation),
        });
        return jsonResponse(200, { name, action: 'purged' });
      }
      const outcome = await requestJobDeletion(context.deps.store, name, {
        actor: actorOf(context.principal),
        expectedGeneration: expectedGeneration(precondition, record.generation),
      });
      // A released job is no longer fjc's; a suspending one needs the controller now.
      if (outcome.action === 'suspending') await requestReconcile(context, name);
      return jsonResponse(202, { name, ...outcome });
    } catch (error) {
      // The core reports a generation that moved on as a plain conflict; with If-Match it is 412.
      if (
        error instanceof ConflictError &&
        !(error instanceof VersionConflictError) &&
        hasPrecondition(context.request)
      )
        throw preconditionFailed(error.message);
      throw error;
    }
  },
};

/**
 * Authorizes reading a job's trail: its team; for a job no longer stored, admins only. Anyone
 * else gets the answer of a missing job, whether or not there is a trail.
 */
async function authorizeTrail(context: RouteContext, name: string): Promise<void> {
  const record = await context.deps.store.getJob(name);
  if (record) {
    requireVisibleJob(context.caller, name, record);
    return;
  }
  if (!context.principal.admin) throw jobNotFound(name);
  context.authorize({ permission: 'job:read', resource: `job/${name}`, teams: [] });
}

const jobHistory: Route = {
  method: 'GET',
  path: '/v1/jobs/{name}/history',
  operationId: 'listJobHistory',
  doc: {
    summary: "A job's audit trail, newest first",
    tags: TAGS,
    query: pageQuerySchema,
    responses: { 200: { description: 'A page of audit entries.', schema: historyListSchema } },
    errors: [400, 404],
  },
  async handle(context) {
    const name = nameParam(context);
    const query = readQuery(context.request, pageQuerySchema);
    await authorizeTrail(context, name);
    const page = await context.deps.store.listHistory(name, pageOf(query));
    return jsonResponse(200, {
      items: page.items.map(auditEntryView),
      ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
    });
  },
};

const jobSavepoints: Route = {
  method: 'GET',
  path: '/v1/jobs/{name}/savepoints',
  operationId: 'listJobSavepoints',
  doc: {
    summary: "A job's savepoint catalog, newest first",
    tags: TAGS,
    query: pageQuerySchema,
    responses: { 200: { description: 'A page of savepoints.', schema: savepointListSchema } },
    errors: [400, 404],
  },
  async handle(context) {
    const name = nameParam(context);
    const query = readQuery(context.request, pageQuerySchema);
    await authorizeTrail(context, name);
    const page = await context.deps.store.listSavepoints(name, pageOf(query));
    return jsonResponse(200, {
      items: page.items.map(savepointView),
      ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
    });
  },
};

/** The routes of `/v1/jobs`. */
export const jobRoutes: readonly Route[] = [
  listJobs,
  getJob,
  putJob,
  deleteJob,
  jobHistory,
  jobSavepoints,
];
