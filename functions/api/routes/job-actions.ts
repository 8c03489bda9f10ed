/**
 * `POST /v1/jobs/{name}/actions/{action}`: operator actions as changes of the desired state, so
 * that the reconcile loop performs them the way it performs every change (lease, write-ahead
 * steps, stability gate) and the API never talks to Flink:
 *
 * - `savepoint`: bumps `spec.savepointNonce` (the planner takes a manual savepoint);
 * - `redeploy`: bumps `spec.restartNonce` (an UPGRADE to the same spec, through its upgrade mode);
 * - `suspend` / `resume`: sets `spec.state`;
 * - `rollback`: makes the job's last stable spec the desired one again (409 when there is none);
 * - `restore`: sets `spec.restore.from` to the chosen savepoint (`savepointId` or `path`) with a
 *   new nonce (the restore operation: check it, cancel without a new savepoint, start from it);
 *   on a suspended job the choice waits for the resume, which `resume: true` asks for at once
 *   (core/restore-request.ts decides).
 *
 * Each is one {@link applyJob}, conditional on the generation it was computed from.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../commons/errors.js';
import { applyJob } from '../../core/apply/apply-job.js';
import { decideRestore, type RestoreTiming } from '../../core/restore-request.js';
import {
  encodeSpecDocument,
  flinkJobSchema,
  type FlinkJob,
  type FlinkJobInput,
} from '../../core/spec/index.js';
import type { JobRecord } from '../../core/model/index.js';
import { readJsonBody, readQuery } from '../body.js';
import { jsonResponse } from '../http.js';
import { nameParam } from '../params.js';
import { checkPrecondition, etag, preconditionOf } from '../preconditions.js';
import type { Route, RouteContext } from '../router.js';
import {
  JOB_ACTIONS,
  actionBodySchema,
  actionResultSchema,
  noQuerySchema,
  type JobAction,
} from '../schemas.js';
import type { z } from 'zod';

type ActionBody = z.infer<typeof actionBodySchema>;
import { expectedGeneration, requestReconcile, requireJob } from './jobs.js';

function actionParam(context: RouteContext): JobAction {
  const action = context.params.action ?? '';
  const known = JOB_ACTIONS.find((a) => a === action);
  if (known === undefined)
    throw new NotFoundError(`No such action: ${action.slice(0, 40)}`, {
      remedy: `Use one of ${JOB_ACTIONS.join(', ')}.`,
    });
  return known;
}

function mustRun(job: FlinkJob, action: JobAction): void {
  if (job.spec.state === 'suspended')
    throw new ConflictError(`Cannot ${action} job ${job.metadata.name}: it is suspended`, {
      remedy: 'Resume the job first.',
    });
}

/** Refuses restore fields on actions that take none: a misplaced field must not pass silently. */
function onlyForRestore(action: JobAction, body: ActionBody): void {
  if (action === 'restore') {
    if ((body.savepointId === undefined) === (body.path === undefined))
      throw new ValidationError('Invalid restore: give exactly one of savepointId or path.', [
        { path: 'savepointId', message: 'give exactly one of savepointId or path' },
      ]);
    return;
  }
  for (const field of ['savepointId', 'path', 'resume'] as const)
    if (body[field] !== undefined)
      throw new ValidationError(`Invalid ${field}: only the restore action takes it.`, [
        { path: field, message: 'only the restore action takes it' },
      ]);
}

/** The desired spec after an action other than restore, in input form. */
function nextSpec(
  action: Exclude<JobAction, 'restore'>,
  record: JobRecord,
  current: FlinkJob,
): FlinkJobInput {
  const input = encodeSpecDocument(current) as FlinkJobInput;
  const spec = input.spec;
  switch (action) {
    case 'savepoint': {
      mustRun(current, action);
      // Past the last one served, too: a nonce equal to it would be taken as already done.
      const served = record.status.savepointNonce ?? 0;
      const nonce = Math.max(current.spec.savepointNonce, served) + 1;
      return { ...input, spec: { ...spec, savepointNonce: nonce } };
    }
    case 'redeploy':
      mustRun(current, action);
      return { ...input, spec: { ...spec, restartNonce: current.spec.restartNonce + 1 } };
    case 'suspend':
      return { ...input, spec: { ...spec, state: 'suspended' } };
    case 'resume':
      return { ...input, spec: { ...spec, state: 'running' } };
    case 'rollback': {
      const stable = record.status.lastStable;
      if (!stable)
        throw new ConflictError(`Job ${record.name} has no stable spec to roll back to`, {
          remedy: 'Put the spec you want with PUT /v1/jobs/{name}.',
        });
      const target = flinkJobSchema.parse(stable.spec);
      const back = encodeSpecDocument(target) as FlinkJobInput;
      // Keep the current nonces: an older one would read as a new savepoint or restore request.
      const from = spec.restore?.from;
      return {
        ...back,
        spec: {
          ...back.spec,
          savepointNonce: current.spec.savepointNonce,
          restore: {
            ...back.spec.restore,
            ...(from === undefined ? {} : { from }),
          },
        },
      };
    }
  }
}

/** The desired spec after the action and, for a restore, when it takes effect. */
async function decide(
  context: RouteContext,
  action: JobAction,
  record: JobRecord,
  current: FlinkJob,
  body: ActionBody,
): Promise<{ spec: FlinkJobInput; takesEffect?: RestoreTiming }> {
  if (action !== 'restore') return { spec: nextSpec(action, record, current) };
  const choice =
    body.savepointId === undefined ? { path: body.path ?? '' } : { savepointId: body.savepointId };
  return decideRestore(context.deps.store, record, current, {
    choice,
    resume: body.resume === true,
  });
}

const jobAction: Route = {
  method: 'POST',
  path: '/v1/jobs/{name}/actions/{action}',
  operationId: 'runJobAction',
  doc: {
    summary: 'Ask for savepoint, suspend, resume, rollback, redeploy or restore',
    description:
      "Recorded as a change of the desired spec; the reconcile loop carries it out. `action` is one of savepoint, suspend, resume, rollback, redeploy, restore. `restore` takes `savepointId` (from the catalog) or `path` and sets `spec.restore.from` with a new nonce: a running job is cancelled without a new savepoint and started from the chosen one (checked before anything stops). On a suspended job the choice is recorded and the job stays suspended until it is resumed, then starts from it (`takesEffect: on-resume`); with `resume: true` the same write also sets it running. A catalog id is checked before anything is written (404 unknown or another job's, 409 FAILED or deletion requested).",
    tags: ['jobs'],
    query: noQuerySchema,
    body: { component: 'ActionBody', yaml: false, required: false },
    responses: {
      202: { description: 'Accepted.', schema: actionResultSchema, etag: true },
    },
    errors: [400, 403, 404, 409, 412, 413, 415, 422],
    conditional: 'match',
    idempotent: true,
  },
  async handle(context) {
    const name = nameParam(context);
    const action = actionParam(context);
    readQuery(context.request, noQuerySchema);
    const body = readJsonBody(context.request, actionBodySchema);
    onlyForRestore(action, body);
    const precondition = preconditionOf(context.request, false);
    const record = await requireJob(context, name);
    context.authorize({ permission: 'job:write', resource: `job/${name}`, teams: [record.team] });
    checkPrecondition(precondition, record.generation, `Job ${name}`);
    const current = flinkJobSchema.parse(record.spec);
    const next = await decide(context, action, record, current, body);
    const job = flinkJobSchema.parse(next.spec);
    // Handing the job to another team (a rollback across an ownership change) is decided there.
    const put = await applyJob(context.deps.store, job, context.caller, {
      expectedGeneration: expectedGeneration(precondition, record.generation),
      ...(context.deps.quotas === undefined ? {} : { quotas: context.deps.quotas }),
      details: {
        via: 'api',
        action,
        correlationId: context.request.correlationId,
        ...(body.reason === undefined ? {} : { reason: body.reason }),
        ...(body.resume === undefined ? {} : { resume: body.resume }),
      },
    });
    if (put.changed) await requestReconcile(context, name);
    return jsonResponse(
      202,
      {
        name,
        action,
        generation: put.record.generation,
        changed: put.changed,
        ...(next.takesEffect === undefined ? {} : { takesEffect: next.takesEffect }),
      },
      { etag: etag(put.record.generation) },
    );
  },
};

/** The action routes. */
export const jobActionRoutes: readonly Route[] = [jobAction];
