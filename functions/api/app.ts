/**
 * The API core: one function from {@link ApiRequest} to {@link ApiResponse}, shared by the Lambda
 * handler and the local server. Order of checks: authentication (401), body size (413), rate
 * (429), route (404/405), then the route itself (400/415 → 403 → 404/412/409 → the change), with
 * idempotency keys wrapped around POST routes. Every request ends in one access log line.
 */
import { authorize, type Principal } from '../core/authorization.js';
import { errorResponse, HttpError, unauthenticated } from './errors.js';
import { MAX_BODY_BYTES, type ApiRequest, type ApiResponse } from './http.js';
import { idempotencyKeyOf, withIdempotency } from './idempotency.js';
import { hasPrecondition } from './preconditions.js';
import type { RateLimiter } from './rate-limit.js';
import { actorOf } from './params.js';
import { matchRoute, type ApiDeps, type Route } from './router.js';
import { ROUTES } from './routes/index.js';

/** Options of {@link createApi} beyond its ports. */
export interface ApiOptions extends ApiDeps {
  /** Per-caller throttling (local server); API Gateway throttles in AWS. */
  rateLimiter?: RateLimiter;
  /** The routes to serve (tests may narrow them). */
  routes?: readonly Route[];
}

/** A request handler of the API. */
export type ApiHandler = (request: ApiRequest) => Promise<ApiResponse>;

function tooLarge(): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB', {
    remedy: 'Split the spec file into smaller ones.',
  });
}

/** Builds the API core. */
export function createApi(options: ApiOptions): ApiHandler {
  const routes = options.routes ?? ROUTES;
  const now = options.clock ?? (() => new Date());
  const { logger } = options;

  async function serve(request: ApiRequest): Promise<{ response: ApiResponse; route?: Route }> {
    if (request.principal === undefined) throw unauthenticated();
    if (request.bodyBytes > MAX_BODY_BYTES) throw tooLarge();
    options.rateLimiter?.take(request.principal, now());
    const membership = await options.teams.membership(request.principal);
    const principal: Principal = { id: request.principal, ...membership };
    const { route, params } = matchRoute(routes, request.method, request.path);
    const context = {
      request,
      params,
      principal,
      caller: {
        principal,
        actor: actorOf(principal),
        audit: logger,
        correlationId: request.correlationId,
      },
      deps: options,
      now,
      authorize: (access: Parameters<typeof authorize>[2]) => {
        authorize(logger, principal, access, request.correlationId);
      },
    };
    const key = route.doc.idempotent ? idempotencyKeyOf(request) : undefined;
    const response =
      key === undefined
        ? await route.handle(context)
        : await withIdempotency(options.idempotency, principal.id, key, request, now, () =>
            route.handle(context),
          );
    return { response, route };
  }

  return async (request) => {
    const started = Date.now();
    let response: ApiResponse;
    let template: string | undefined;
    try {
      const served = await serve(request);
      response = served.response;
      template = served.route?.path;
    } catch (error) {
      response = errorResponse(error, request.correlationId, hasPrecondition(request));
      if (response.status >= 500)
        // The full error (cause, stack) goes to the logs only; the caller gets the id.
        logger.error('request failed', { error, correlationId: request.correlationId });
    }
    response = {
      ...response,
      headers: { ...response.headers, 'x-correlation-id': request.correlationId },
    };
    logger.info('request', {
      method: request.method,
      path: request.path.slice(0, 300),
      ...(template === undefined ? {} : { route: template }),
      status: response.status,
      principal: request.principal,
      durationMs: Date.now() - started,
      correlationId: request.correlationId,
    });
    return response;
  };
}
