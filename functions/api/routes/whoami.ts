/**
 * `GET /v1/whoami`: who the API takes the caller for, and what that allows. The first thing to
 * ask on day one (`fjc doctor`): a signed call that is accepted shows the principal exactly as
 * the team directory must name it, whether it is an admin, its teams and their quotas.
 */
import { readQuery } from '../body.js';
import { jsonResponse } from '../http.js';
import type { Route } from '../router.js';
import { noQuerySchema, whoamiSchema } from '../schemas.js';

const whoami: Route = {
  method: 'GET',
  path: '/v1/whoami',
  operationId: 'whoami',
  doc: {
    summary: 'Who the caller is to fjc: principal, admin, teams and their quotas',
    tags: ['meta'],
    query: noQuerySchema,
    responses: { 200: { description: 'The caller.', schema: whoamiSchema } },
    errors: [400],
  },
  handle(context) {
    readQuery(context.request, noQuerySchema);
    const { id, admin, teams } = context.caller.principal;
    const quotas = Object.fromEntries(
      Object.entries(context.deps.quotas ?? {}).filter(([team]) => admin || teams.includes(team)),
    );
    return Promise.resolve(jsonResponse(200, { principal: id, admin, teams: [...teams], quotas }));
  },
};

/** The routes about the caller. */
export const whoamiRoutes: readonly Route[] = [whoami];
