/**
 * The route table of the API: every resource's routes, plus the OpenAPI document built from the
 * table itself.
 */
import { jsonResponse } from '../http.js';
import { buildOpenApi } from '../openapi.js';
import type { Route } from '../router.js';
import { noQuerySchema, openApiDocumentSchema } from '../schemas.js';
import { readQuery } from '../body.js';
import { clusterRoutes } from './clusters.js';
import { clusterProbeRoutes } from './cluster-probe.js';
import { jobActionRoutes } from './job-actions.js';
import { jobRoutes } from './jobs.js';
import { planRoutes } from './plan.js';
import { whoamiRoutes } from './whoami.js';
import { savepointRoutes } from './savepoints.js';

let document: Record<string, unknown> | undefined;

const openApi: Route = {
  method: 'GET',
  path: '/v1/openapi.json',
  operationId: 'getOpenApi',
  doc: {
    summary: 'This document',
    tags: ['meta'],
    query: noQuerySchema,
    responses: { 200: { description: 'OpenAPI 3.1.', schema: openApiDocumentSchema } },
    errors: [400],
  },
  handle(context) {
    readQuery(context.request, noQuerySchema);
    // Built on first use: it is the same for every request of a warm Lambda.
    document ??= buildOpenApi(ROUTES);
    return Promise.resolve(jsonResponse(200, document));
  },
};

/** Every route of the API. */
export const ROUTES: readonly Route[] = [
  ...jobRoutes,
  ...jobActionRoutes,
  ...savepointRoutes,
  ...planRoutes,
  ...clusterRoutes,
  ...clusterProbeRoutes,
  ...whoamiRoutes,
  openApi,
];
