/**
 * The transport-neutral shape of one API exchange. API Gateway (Lambda proxy events) and the local
 * node:http server both translate to and from these types, so every rule of the API lives in one
 * place and is tested once, through real HTTP.
 */

import { MAX_SPEC_FILE_BYTES } from '../core/spec/limits.js';

/** Largest accepted request body (bytes): the largest spec file; no other body comes close. */
export const MAX_BODY_BYTES = MAX_SPEC_FILE_BYTES;

/** One query parameter: a parameter given twice arrives as a list (and is refused by validation). */
export type QueryValue = string | readonly string[];

/**
 * Builds the query map of a request. The map has no prototype: on a plain object a parameter
 * named `__proto__` would silently set the prototype instead of arriving as a key, and slip past
 * the unknown-parameter check.
 */
export function queryFrom(
  entries: Iterable<readonly [string, QueryValue]>,
): Record<string, QueryValue> {
  const query = Object.create(null) as Record<string, QueryValue>;
  for (const [name, value] of entries) query[name] = value;
  return query;
}

/** A request as the API core sees it. */
export interface ApiRequest {
  method: string;
  /** The decoded-once path, e.g. `/v1/jobs/orders` (no query, no stage prefix). */
  path: string;
  query: Readonly<Record<string, QueryValue>>;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  /** The raw body as UTF-8 text; `undefined` when there is none. */
  body: string | undefined;
  /**
   * The body's bytes as received, when the transport has them. Spec bodies are read from these,
   * so that the API refuses bytes that are not UTF-8 exactly as the CLI and ingest do (the text
   * above has them replaced by U+FFFD).
   */
  rawBody?: Uint8Array;
  /** Size of the body in bytes as received (before any decoding by the core). */
  bodyBytes: number;
  /**
   * Who is calling, as established by the transport (API Gateway's IAM identity, or the local
   * token map); `undefined` when the caller did not authenticate. Never taken from a header.
   */
  principal: string | undefined;
  /** Ties log lines, the response header and error bodies together. */
  correlationId: string;
}

/** A response before serialization; `body` is a JSON value. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** A JSON response. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResponse {
  return { status, headers, body };
}

/** The response as the wire carries it. */
export interface SerializedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Serializes a response body as JSON and sets the content type. */
export function serializeResponse(response: ApiResponse): SerializedResponse {
  const body = response.body === undefined ? '' : JSON.stringify(response.body);
  return {
    status: response.status,
    headers: {
      ...response.headers,
      ...(body === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    },
    body,
  };
}

/** Lower-cases header names; repeated headers (arrays) are joined as HTTP allows (`, `). */
export function normalizeHeaders(
  raw: Readonly<Record<string, string | readonly string[] | undefined | null>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The correlation id of a request: the caller's `x-correlation-id` when it is a plain token (so a
 * client can follow its own id through the logs), otherwise `fallback`. It is only a label, never
 * used for identity or authorization.
 */
export function correlationIdOf(
  headers: Readonly<Record<string, string>>,
  fallback: string,
): string {
  const given = headers['x-correlation-id'];
  return given !== undefined && CORRELATION_ID.test(given) ? given : fallback;
}
