/**
 * `/v1/clusters`: every authenticated caller reads clusters (jobs name them); only admins change
 * them, because a cluster definition decides where every team's jobs run.
 */
import { NotFoundError } from '../../commons/errors.js';
import { applyCluster } from '../../core/apply/apply-cluster.js';
import { readOneDocument, readQuery } from '../body.js';
import { jsonResponse } from '../http.js';
import { nameParam, pageOf } from '../params.js';
import { checkPrecondition, etag, preconditionOf } from '../preconditions.js';
import type { Route } from '../router.js';
import {
  clusterListSchema,
  clusterPutResultSchema,
  clusterViewSchema,
  noQuerySchema,
  pageQuerySchema,
} from '../schemas.js';
import { clusterView } from '../views.js';

const TAGS = ['clusters'] as const;

const listClusters: Route = {
  method: 'GET',
  path: '/v1/clusters',
  operationId: 'listClusters',
  doc: {
    summary: 'List clusters',
    tags: TAGS,
    query: pageQuerySchema,
    responses: { 200: { description: 'A page of clusters.', schema: clusterListSchema } },
    errors: [400],
  },
  async handle(context) {
    const query = readQuery(context.request, pageQuerySchema);
    context.authorize({ permission: 'cluster:read', resource: 'clusters', teams: [] });
    const page = await context.deps.store.listClusters(pageOf(query));
    return jsonResponse(200, {
      items: page.items.map(clusterView),
      ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
    });
  },
};

const getCluster: Route = {
  method: 'GET',
  path: '/v1/clusters/{name}',
  operationId: 'getCluster',
  doc: {
    summary: 'Read a cluster',
    tags: TAGS,
    query: noQuerySchema,
    responses: { 200: { description: 'The cluster.', schema: clusterViewSchema, etag: true } },
    errors: [400, 404],
  },
  async handle(context) {
    const name = nameParam(context);
    readQuery(context.request, noQuerySchema);
    context.authorize({ permission: 'cluster:read', resource: `cluster/${name}`, teams: [] });
    const record = await context.deps.store.getCluster(name);
    if (!record) throw new NotFoundError(`Cluster ${name} does not exist`);
    return jsonResponse(200, clusterView(record), { etag: etag(record.version) });
  },
};

const putCluster: Route = {
  method: 'PUT',
  path: '/v1/clusters/{name}',
  operationId: 'putCluster',
  doc: {
    summary: 'Create or change a cluster (admins only)',
    description:
      'The body is one FlinkCluster document (JSON or YAML). The ETag is the record version.',
    tags: TAGS,
    query: noQuerySchema,
    body: { component: 'FlinkCluster', yaml: true, required: true },
    responses: {
      200: { description: 'Updated (or unchanged).', schema: clusterPutResultSchema, etag: true },
      201: { description: 'Created.', schema: clusterPutResultSchema, etag: true },
    },
    errors: [400, 403, 409, 412, 413, 415],
    conditional: 'match-or-create',
  },
  async handle(context) {
    const name = nameParam(context);
    readQuery(context.request, noQuerySchema);
    const precondition = preconditionOf(context.request, true);
    const cluster = readOneDocument(context.request, 'FlinkCluster', name);
    const applied = await applyCluster(context.deps.store, cluster, context.caller, {
      precondition: (version) => {
        checkPrecondition(precondition, version, `Cluster ${name}`);
      },
    });
    return jsonResponse(
      applied.created ? 201 : 200,
      { ...clusterView(applied.record), created: applied.created, changed: applied.changed },
      { etag: etag(applied.record.version) },
    );
  },
};

/** The routes of `/v1/clusters`. */
export const clusterRoutes: readonly Route[] = [listClusters, getCluster, putCluster];
