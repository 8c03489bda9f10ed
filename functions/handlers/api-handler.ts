/**
 * The api Lambda's handler: API Gateway REST API (v1 proxy payload) → the transport-neutral API
 * core → proxy result. Thin by design: parse the event (zod), take the caller's identity from the
 * request context that API Gateway's IAM authorization filled in (never from a header), call the
 * core, serialize. The entry point (api.ts) gives it the AWS composition.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ApiHandler } from '../api/app.js';
import { errorResponse } from '../api/errors.js';
import {
  correlationIdOf,
  normalizeHeaders,
  serializeResponse,
  type ApiRequest,
  queryFrom,
  type QueryValue,
} from '../api/http.js';
import type { ApiLogger } from '../api/router.js';
import { withCorrelation, type Observability } from '../commons/observability.js';

const stringMap = z.record(z.string(), z.string()).nullish();
const listMap = z.record(z.string(), z.array(z.string())).nullish();

/** The parts of an API Gateway REST (v1) proxy event the API reads. */
export const restProxyEventSchema = z.looseObject({
  httpMethod: z.string().min(1),
  path: z.string().startsWith('/'),
  headers: stringMap,
  multiValueHeaders: listMap,
  queryStringParameters: stringMap,
  multiValueQueryStringParameters: listMap,
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().nullish(),
  requestContext: z.looseObject({
    requestId: z.string().optional(),
    identity: z
      .looseObject({ userArn: z.string().nullish(), caller: z.string().nullish() })
      .nullish(),
  }),
});

/** A REST (v1) proxy event. */
export type RestProxyEvent = z.input<typeof restProxyEventSchema>;

/** What the proxy integration returns to API Gateway. */
export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

function queryOf(event: z.output<typeof restProxyEventSchema>): Record<string, QueryValue> {
  // Repeated parameters only show in the multi-value map; keep them as lists (then refused).
  const repeated = Object.entries(event.multiValueQueryStringParameters ?? {}).filter(
    ([, values]) => values.length > 1,
  );
  return queryFrom([...Object.entries(event.queryStringParameters ?? {}), ...repeated]);
}

/** The transport-neutral request of an event. Identity: IAM user/role ARN, else the caller id. */
export function requestOf(event: z.output<typeof restProxyEventSchema>): ApiRequest {
  const headers = normalizeHeaders({ ...event.multiValueHeaders, ...event.headers });
  const raw = event.body ?? undefined;
  const bytes =
    raw === undefined ? undefined : Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
  const identity = event.requestContext.identity;
  const principal = identity?.userArn ?? identity?.caller ?? undefined;
  return {
    method: event.httpMethod.toUpperCase(),
    path: event.path,
    query: queryOf(event),
    headers,
    body: bytes === undefined || bytes.length === 0 ? undefined : bytes.toString('utf8'),
    ...(bytes === undefined || bytes.length === 0 ? {} : { rawBody: bytes }),
    bodyBytes: bytes?.length ?? 0,
    principal: principal === undefined || principal === '' ? undefined : principal,
    correlationId: correlationIdOf(headers, event.requestContext.requestId ?? randomUUID()),
  };
}

/** Dependencies of {@link createApiHandler}. */
export interface ApiHandlerDeps extends Observability {
  /** The API core, built lazily (the AWS composition on first use). */
  api: (logger: ApiLogger) => ApiHandler;
}

/** The Lambda handler over an API core. */
export function createApiHandler(deps: ApiHandlerDeps): (event: unknown) => Promise<ProxyResult> {
  const logger: ApiLogger = deps.logger;
  return async (event) => {
    const parsed = restProxyEventSchema.safeParse(event);
    const fallbackId = randomUUID();
    if (!parsed.success) {
      // Not an API Gateway proxy event: a wiring fault, not the caller's.
      logger.error('not an API Gateway REST proxy event', {
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
        correlationId: fallbackId,
      });
      const out = serializeResponse(errorResponse(new Error('bad event'), fallbackId));
      return {
        statusCode: out.status,
        headers: out.headers,
        body: out.body,
        isBase64Encoded: false,
      };
    }
    const request = requestOf(parsed.data);
    return withCorrelation(deps, { correlationId: request.correlationId }, async () => {
      let response;
      try {
        response = await deps.api(logger)(request);
      } catch (error) {
        // Composition failed (e.g. a bad FJC_API_TEAMS): logged in full, answered with the id.
        logger.error('api composition failed', { error, correlationId: request.correlationId });
        response = errorResponse(error, request.correlationId);
        response.headers['x-correlation-id'] = request.correlationId;
      }
      const out = serializeResponse(response);
      return {
        statusCode: out.status,
        headers: out.headers,
        body: out.body,
        isBase64Encoded: false,
      };
    });
  };
}
