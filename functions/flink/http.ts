import { Readable } from 'node:stream';
import { Pool, errors as undiciErrors } from 'undici';
import type { z } from 'zod';
import { DEFAULT_EGRESS_POLICY, type EgressPolicy } from '../commons/egress.js';
import { authorizationHeader, tlsConnectOptions, type FlinkAuth, type FlinkTls } from './auth.js';
import { guardedConnector, systemResolveHost, type ResolveHost } from './egress-connector.js';
import {
  DeadlineExceededError,
  FlinkDuplicateJobError,
  FlinkEgressRefusedError,
  FlinkError,
  FlinkJobNotFoundError,
  FlinkProtocolError,
  FlinkRequestRejectedError,
  FlinkServerError,
  FlinkUnreachableError,
} from './errors.js';
import { summarizeFlinkErrors } from './flink-message.js';
import { describeBody, describeShapeProblems } from './response-text.js';
import type { MultipartFile } from './multipart.js';
import { sleep } from '../commons/sleep.js';
import { backoffDelay, type RetryPolicy } from './retry.js';
import { errorBodySchema } from './schemas.js';

export interface HttpOptions {
  baseUrl: URL;
  auth: FlinkAuth;
  tls: FlinkTls | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
  connections: number;
  random?: () => number;
  /** Where connections may go; the built-in refusals (metadata, link-local) apply regardless. */
  egress?: EgressPolicy;
  /** Resolves host names (the system resolver by default); every answer is checked. */
  resolveHost?: ResolveHost;
  /** When credentials are sent: the only origins they may be sent to. */
  credentialOrigins?: readonly string[];
}

export interface Call<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** What the call does, in words, for error messages ("jar run", "job detail"). */
  operation: string;
  schema: S;
  json?: unknown;
  multipart?: MultipartFile;
  /** Only calls whose repetition cannot change the outcome are retried. */
  idempotent: boolean;
  timeoutMs?: number;
  /** The job the call is about, so that a 404 becomes `FlinkJobNotFoundError`. */
  jobId?: string;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);
const RETRYABLE_STATUS = new Set([502, 503, 504]);
/**
 * Flink's explicit refusals that arrive as HTTP 500 (its handlers wrap them in "Internal server
 * error."): the program itself failed or cannot be built, or the submission was refused. Any
 * other 5xx is a server fault whose outcome is unknown.
 */
const REFUSALS_AS_SERVER_ERROR =
  /ProgramInvocationException|ProgramAbortException|JobSubmissionException|ClassNotFoundException|NoClassDefFoundError|ZipException|JobInitializationException|Could not execute application/;

/** A response as fjc read it: its text, and a description that does not repeat it. */
interface Answer {
  status: number;
  text: string;
  /** `text/html, 1234 bytes`. */
  body: string;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

/**
 * The HTTP layer of the Flink client: one undici connection pool per cluster, a deadline on
 * every call, retries with backoff and jitter for idempotent calls only, and every failure
 * mapped to a typed `FlinkError`. Credentials go into headers and the TLS connector only.
 */
export class FlinkHttp {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly authorization: string | undefined;
  private readonly random: () => number;

  constructor(private readonly options: HttpOptions) {
    this.prefix = options.baseUrl.pathname.replace(/\/+$/, '');
    this.authorization = authorizationHeader(options.auth);
    const sendsCredentials = this.authorization !== undefined || options.tls?.keyPem !== undefined;
    this.pool = new Pool(options.baseUrl.origin, {
      connections: options.connections,
      connect: guardedConnector(
        { ...tlsConnectOptions(options.tls), timeout: options.timeoutMs },
        {
          policy: options.egress ?? DEFAULT_EGRESS_POLICY,
          resolveHost: options.resolveHost ?? systemResolveHost,
          credentialOrigins: sendsCredentials ? options.credentialOrigins : undefined,
          displayUrl: this.displayUrl,
        },
      ),
      keepAliveTimeout: 30_000,
    });
    this.random = options.random ?? Math.random;
  }

  /** The cluster's URL as shown to people: origin and path, never credentials. */
  get displayUrl(): string {
    return `${this.options.baseUrl.origin}${this.prefix}`;
  }

  async call<S extends z.ZodType>(call: Call<S>): Promise<z.infer<S>> {
    const { attempts } = this.options.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(call);
      } catch (error) {
        if (!call.idempotent || attempt >= attempts || !isRetryable(error)) throw error;
        await sleep(backoffDelay(this.options.retry, attempt, this.random));
      }
    }
  }

  async close(graceMs = 1_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>(
      (resolve) =>
        (timer = setTimeout(() => {
          resolve('late');
        }, graceMs)),
    );
    const closed = await Promise.race([this.pool.close().then(() => 'closed' as const), grace]);
    clearTimeout(timer);
    if (closed === 'late') await this.pool.destroy();
  }

  private async once<S extends z.ZodType>(call: Call<S>): Promise<z.infer<S>> {
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    let body: string | Readable | undefined;
    if (call.multipart) {
      headers['content-type'] = call.multipart.contentType;
      if (call.multipart.contentLength !== undefined)
        headers['content-length'] = String(call.multipart.contentLength);
      body = Readable.from(call.multipart.body);
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }

    let status: number;
    let contentType: string | undefined;
    let text: string;
    try {
      const response = await this.pool.request({
        method: call.method,
        path: `${this.prefix}${call.path}`,
        headers,
        body: body ?? null,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = response.statusCode;
      contentType = response.headers['content-type']?.toString();
      text = await response.body.text();
    } catch (error) {
      throw this.transportError(call, timeoutMs, error);
    }
    const answer: Answer = {
      status,
      text,
      body: describeBody(contentType, Buffer.byteLength(text)),
    };

    // Following a redirect would take the credentials along to wherever it points.
    if (status >= 300 && status < 400)
      throw new FlinkProtocolError(
        call.operation,
        `a redirect (HTTP ${status}), which fjc never follows`,
        {
          remedy: "Set the cluster's url to the address that answers without redirecting.",
        },
      );
    if (status >= 400) throw this.rejection(call, answer);
    return this.parse(call, answer);
  }

  private parse<S extends z.ZodType>(call: Call<S>, answer: Answer): z.infer<S> {
    let json: unknown;
    try {
      json = answer.text === '' ? {} : JSON.parse(answer.text);
    } catch {
      // Without the parser's error as cause: its message quotes the text.
      throw new FlinkProtocolError(
        call.operation,
        `not JSON (HTTP ${answer.status}, ${answer.body})`,
      );
    }
    const parsed = call.schema.safeParse(json);
    if (!parsed.success) {
      const problems = describeShapeProblems(call.schema, parsed.error);
      throw new FlinkProtocolError(
        call.operation,
        `JSON of another shape (HTTP ${answer.status}, ${answer.body}): ${problems}`,
      );
    }
    return parsed.data;
  }

  private rejection(call: Call<z.ZodType>, { status, text, body }: Answer): FlinkError {
    let flinkErrors: readonly string[] | undefined;
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(text));
      if (parsed.success) flinkErrors = parsed.data.errors;
    } catch {
      // Not JSON: not Flink's.
    }
    // Only Flink's own error text is worth repeating; anything else is described from outside.
    const message =
      flinkErrors !== undefined
        ? summarizeFlinkErrors(flinkErrors)
        : text === ''
          ? 'no body'
          : `not a Flink error (${body})`;
    // Flink 2.3 runs jobs as applications and renamed the exception; older releases use the job one.
    if (/Duplicate(Job|Application)SubmissionException/.test(text) && call.jobId !== undefined)
      return new FlinkDuplicateJobError(call.jobId, message);
    // Flink signals a missing job by its exception, with 404 or 500 depending on the handler;
    // an unknown route also answers 404 ("Not found: /jobs/…/foo") and is not a missing job.
    if (
      call.jobId !== undefined &&
      (text.includes('FlinkJobNotFoundException') ||
        (status === 404 && !message.startsWith('Not found: /')))
    )
      return new FlinkJobNotFoundError(call.jobId, call.operation, message);
    if (status >= 500 && !REFUSALS_AS_SERVER_ERROR.test(text))
      return new FlinkServerError(status, call.operation, message);
    if (status === 401 || status === 403)
      return new FlinkRequestRejectedError(status, call.operation, message, {
        remedy: 'Check the credentials configured for this cluster (its secret) and their rights.',
      });
    return new FlinkRequestRejectedError(status, call.operation, message);
  }

  private transportError(call: Call<z.ZodType>, timeoutMs: number, error: unknown): FlinkError {
    if (error instanceof FlinkEgressRefusedError) return error;
    const name = error instanceof Error ? error.name : '';
    if (
      name === 'TimeoutError' ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError
    ) {
      return new DeadlineExceededError(
        `${call.operation} at ${this.displayUrl}`,
        timeoutMs,
        call.method !== 'GET',
        { cause: error },
      );
    }
    const code = errorCode(error) ?? errorCode((error as { cause?: unknown }).cause);
    // Node's message for this one lists the names in the server's certificate: text of its choosing.
    const detail =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `its certificate does not name this host (${code})`
        : code !== undefined && UNREACHABLE_CODES.has(code)
          ? code
          : error instanceof Error
            ? error.message
            : String(error);
    return new FlinkUnreachableError(this.displayUrl, { cause: error, detail });
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof FlinkUnreachableError || error instanceof DeadlineExceededError) return true;
  return error instanceof FlinkServerError && RETRYABLE_STATUS.has(error.status);
}
