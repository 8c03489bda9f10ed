/**
 * The savepoint catalog as a resource: register a savepoint made elsewhere, pin or unpin one,
 * delete one. Each is authorized as `job:write` on the job's team (the same decision as every
 * other change of the job), decided by the core's catalog rules (core/savepoint-choice.ts) and
 * made in one conditional write that also carries the change's entry in the job's history
 * (core/savepoint-history.ts); each change is also written to the audit log with its caller.
 */
import { ConflictError } from '../../commons/errors.js';
import type { JobRecord, SavepointRecord } from '../../core/model/index.js';
import {
  registeredSavepoint,
  requestDeletion,
  restorableOnStorage,
} from '../../core/savepoint-choice.js';
import {
  SAVEPOINT_CHANGES,
  savepointChangeAudit,
  type SavepointChange,
} from '../../core/savepoint-history.js';
import { sameStorageLocation } from '../../core/storage-location.js';
import type { SavepointChangeAudit } from '../../core/ports/index.js';
import type { JsonObject } from '../../core/model/index.js';
import { flinkJobSchema } from '../../core/spec/index.js';
import { readJsonBody, readQuery } from '../body.js';
import { jsonResponse } from '../http.js';
import { nameParam } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import { noQuerySchema, registerSavepointBodySchema, savepointSchema } from '../schemas.js';
import { requireJob } from './jobs.js';
import { savepointView } from '../savepoint-view.js';

const TAGS = ['savepoints'];

/** The job, visible to the caller and changeable by it (`job:write` on its team). */
async function writableJob(context: RouteContext, name: string): Promise<JobRecord> {
  const record = await requireJob(context, name);
  context.authorize({ permission: 'job:write', resource: `job/${name}`, teams: [record.team] });
  return record;
}

function idParam(context: RouteContext): string {
  // The store validates the id's characters; an unknown one is a 404 there.
  return context.params.id ?? '';
}

/** The job-history entry of a catalog change made through this request. */
function historyEntry(
  context: RouteContext,
  change: SavepointChange,
  record: JobRecord,
  extra: JsonObject = {},
): SavepointChangeAudit {
  return savepointChangeAudit(change, context.caller.actor, record.version, {
    via: 'api',
    correlationId: context.request.correlationId,
    ...extra,
  });
}

function audit(context: RouteContext, action: string, entry: SavepointRecord): void {
  context.caller.audit.info('savepoint-catalog', {
    audit: action,
    actor: context.caller.actor,
    jobName: entry.jobName,
    savepointId: entry.id,
    correlationId: context.request.correlationId,
  });
}

const registerSavepoint: Route = {
  method: 'POST',
  path: '/v1/jobs/{name}/savepoints',
  operationId: 'registerSavepoint',
  doc: {
    summary: 'Register a savepoint made elsewhere in the job’s catalog',
    description:
      'Adds a COMPLETED entry (triggerKind `registered`) at `path`, which then can be restored, pinned or deleted like any other. Where this runtime can read the storage, `_metadata` must exist there.',
    tags: TAGS,
    query: noQuerySchema,
    body: { component: 'RegisterSavepointBody', yaml: false, required: true },
    responses: { 201: { description: 'Registered.', schema: savepointSchema } },
    errors: [400, 403, 404, 409, 413, 415, 422],
    idempotent: true,
  },
  async handle(context) {
    const name = nameParam(context);
    readQuery(context.request, noQuerySchema);
    const body = readJsonBody(context.request, registerSavepointBodySchema);
    const record = await writableJob(context, name);
    const catalog = await context.deps.store.listSavepoints(name, { limit: 1000 });
    const known = catalog.items.find(
      (s) => sameStorageLocation(s.path, body.path) && s.status !== 'DISPOSED',
    );
    if (known)
      throw new ConflictError(`Savepoint ${body.path} is already catalogued as ${known.id}`, {
        remedy: `Use savepoint ${known.id}.`,
      });
    const storage = context.deps.checkpoints;
    if (storage && (await restorableOnStorage(storage, body.path)) === false)
      throw new ConflictError(`${body.path} holds no savepoint: its _metadata is missing`, {
        remedy: 'Give the savepoint directory Flink reported (it holds `_metadata`).',
      });
    const entry = await context.deps.store.addSavepoint(
      registeredSavepoint(record, flinkJobSchema.parse(record.spec), body.path),
      historyEntry(
        context,
        'register',
        record,
        body.reason === undefined ? {} : { reason: body.reason },
      ),
    );
    audit(context, SAVEPOINT_CHANGES.register.action, entry);
    return jsonResponse(201, savepointView(entry));
  },
};

function pinRoute(pinned: boolean): Route {
  const verb = pinned ? 'pin' : 'unpin';
  return {
    method: 'POST',
    path: `/v1/jobs/{name}/savepoints/{id}/${verb}`,
    operationId: pinned ? 'pinSavepoint' : 'unpinSavepoint',
    doc: {
      summary: pinned
        ? 'Pin a savepoint: retention keeps it and deletion is refused'
        : 'Unpin a savepoint: retention treats it like any other again',
      tags: TAGS,
      query: noQuerySchema,
      responses: { 200: { description: 'The entry.', schema: savepointSchema } },
      errors: [400, 403, 404, 409],
    },
    async handle(context) {
      const name = nameParam(context);
      readQuery(context.request, noQuerySchema);
      const record = await writableJob(context, name);
      const entry = await context.deps.store.setSavepointPinned(
        name,
        idParam(context),
        pinned,
        undefined,
        historyEntry(context, verb, record),
      );
      audit(context, SAVEPOINT_CHANGES[verb].action, entry);
      return jsonResponse(200, savepointView(entry));
    },
  };
}

const deleteSavepoint: Route = {
  method: 'DELETE',
  path: '/v1/jobs/{name}/savepoints/{id}',
  operationId: 'deleteSavepoint',
  doc: {
    summary: 'Delete a savepoint (its files are disposed of by the next retention round)',
    description:
      'Refused with 409 naming the reason for a pinned savepoint, the newest restorable one, one an operation in flight restores from, and one a pending spec.restore.from names.',
    tags: TAGS,
    query: noQuerySchema,
    responses: { 202: { description: 'Deletion recorded.', schema: savepointSchema } },
    errors: [400, 403, 404, 409],
  },
  async handle(context) {
    const name = nameParam(context);
    readQuery(context.request, noQuerySchema);
    const record = await writableJob(context, name);
    const entry = await requestDeletion(
      context.deps.store,
      name,
      idParam(context),
      record,
      flinkJobSchema.parse(record.spec),
      historyEntry(context, 'delete', record),
    );
    audit(context, SAVEPOINT_CHANGES.delete.action, entry);
    return jsonResponse(202, savepointView(entry));
  },
};

/** The savepoint catalog routes (the listing is in jobs.ts). */
export const savepointRoutes: readonly Route[] = [
  registerSavepoint,
  pinRoute(true),
  pinRoute(false),
  deleteSavepoint,
];
