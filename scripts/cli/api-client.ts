/**
 * The HTTP client of the fjc REST API: JSON (or YAML) bodies, ETags, bearer or SigV4
 * authentication, the command's time budget, and the mapping of error responses to
 * {@link CliError}s with the API's message, field issues, remedy and correlation id.
 */
import type { Auth } from './connection.js';
import type { Deadline } from './deadline.js';
import { CliError, EXIT, exitCodeForStatus } from './errors.js';
import type { RequestSigner } from './sigv4.js';

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** The API base URL; a path (an API Gateway stage such as `/prod`) is kept as a prefix. */
  endpoint: URL;
  auth: Auth;
  /** Required when `auth` is SigV4. */
  signer?: RequestSigner;
  deadline: Deadline;
  fetch: typeof fetch;
}

/** A request body: a JSON value, or text with its content type (a YAML spec file). */
export type RequestBody = { json: unknown } | { text: string; contentType: string };

/** Options of one request. */
export interface RequestOptions {
  query?: Readonly<Record<string, string | number | undefined>>;
  body?: RequestBody;
  headers?: Readonly<Record<string, string>>;
}

/** A successful response. */
export interface ApiReply<T> {
  status: number;
  /** The ETag header, when the API sent one. */
  etag: string | undefined;
  body: T;
}

/** The error body every fjc API error has. */
interface ErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    remedy?: unknown;
    issues?: unknown;
    correlationId?: unknown;
  };
  /** API Gateway's own errors (e.g. a missing signature) are `{ "message": "..." }`. */
  message?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function issuesOf(value: unknown): { path: string; message: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const issue = item as { path?: unknown; message?: unknown } | null;
    const message = text(issue?.message);
    return message === undefined ? [] : [{ path: text(issue?.path) ?? '(request)', message }];
  });
}

/** Builds the error for a non-2xx response from whatever body came back. */
export function apiError(status: number, raw: string, headers: Headers): CliError {
  let body: ErrorBody | undefined;
  try {
    body = JSON.parse(raw) as ErrorBody;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  const code = text(error?.code);
  const message =
    text(error?.message) ??
    text(body?.message) ??
    (raw.trim() === '' ? `HTTP ${status}` : raw.trim().slice(0, 200));
  const correlationId = text(error?.correlationId) ?? headers.get('x-correlation-id') ?? undefined;
  const details = [
    `HTTP ${status}${code === undefined ? '' : ` ${code}`}`,
    ...(correlationId === undefined ? [] : [`correlation id: ${correlationId}`]),
  ];
  const remedy =
    text(error?.remedy) ??
    (status === 401 || status === 403 ? authRemedy(status) : undefined) ??
    (status >= 500 ? 'Retry later; if it persists, report the correlation id.' : undefined);
  return new CliError(message, {
    exitCode: exitCodeForStatus(status),
    issues: issuesOf(error?.issues),
    remedy,
    details,
    httpStatus: status,
  });
}

function authRemedy(status: number): string {
  return status === 401
    ? 'Pass --token (locally) or AWS credentials (SigV4) the API accepts.'
    : 'Ask an admin to add you to the team that owns the resource.';
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = text(cause?.code);
  const message = text(cause?.message) ?? (error instanceof Error ? error.message : String(error));
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}

/** The fjc REST API. */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  /** The URL of an API path (`/v1/...`), under the endpoint's base path. */
  url(path: string, query: RequestOptions['query'] = {}): URL {
    const base = this.options.endpoint;
    const url = new URL(base.origin);
    url.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  /** Sends a request; resolves with 2xx replies, throws a {@link CliError} otherwise. */
  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiReply<T>> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      if ('json' in options.body) {
        body = JSON.stringify(options.body.json);
        headers['content-type'] = 'application/json';
      } else {
        body = options.body.text;
        headers['content-type'] = options.body.contentType;
      }
    }
    const auth = this.options.auth;
    let sent = headers;
    if (auth.kind === 'bearer') sent = { ...headers, authorization: `Bearer ${auth.token}` };
    else if (auth.kind === 'sigv4') {
      if (this.options.signer === undefined) throw new Error('SigV4 auth without a signer');
      sent = await this.options.signer({ method, url, headers, body });
    }
    const { deadline } = this.options;
    if (deadline.expired()) throw deadline.timeoutError(`before ${method} ${url.pathname}`);
    let response: Response;
    let raw: string;
    try {
      response = await this.options.fetch(url, {
        method,
        headers: sent,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(deadline.remainingMs()),
      });
      raw = await response.text();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError')
        throw deadline.timeoutError(`waiting for ${method} ${url.pathname}`);
      throw new CliError(`Cannot reach the API at ${url.origin}: ${describeNetworkError(error)}`, {
        exitCode: EXIT.FAILED,
        remedy: 'Check --endpoint / FJC_ENDPOINT; locally, start the runtime with `npm run local`.',
        cause: error,
      });
    }
    if (response.status < 200 || response.status > 299)
      throw apiError(response.status, raw, response.headers);
    let parsed: unknown = undefined;
    if (raw !== '') {
      try {
        parsed = JSON.parse(raw);
      } catch (error) {
        throw new CliError(
          `The API answered ${method} ${url.pathname} with a body that is not JSON`,
          {
            exitCode: EXIT.FAILED,
            cause: error,
          },
        );
      }
    }
    return {
      status: response.status,
      etag: response.headers.get('etag') ?? undefined,
      body: parsed as T,
    };
  }

  /** GET, or `undefined` on 404 (to tell "absent" from other failures). */
  async getOptional<T>(path: string): Promise<ApiReply<T> | undefined> {
    try {
      return await this.request<T>('GET', path);
    } catch (error) {
      if (error instanceof CliError && error.httpStatus === 404) return undefined;
      throw error;
    }
  }
}
