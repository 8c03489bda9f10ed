/**
 * A typed client of the Flink SQL Gateway's REST endpoint (`/v1/…`, the API every release since
 * 1.16 serves): sessions, statements, their status and results. It shares the Flink client's
 * HTTP layer (http.ts): the same auth, TLS, egress rules, deadlines and retries, and the same
 * typed errors. A statement that fails inside the gateway (a syntax error, an unknown table, a
 * refused job submission) becomes {@link SqlStatementFailedError} with the gateway's root cause.
 */
import { inspect } from 'node:util';
import { z } from 'zod';
import { sleep } from '../commons/sleep.js';
import { validBaseUrl, type FlinkRestClientOptions } from './client-input.js';
import {
  DeadlineExceededError,
  FlinkClientInputError,
  FlinkDuplicateJobError,
  FlinkError,
  FlinkRequestRejectedError,
  FlinkServerError,
} from './errors.js';
import { FlinkHttp } from './http.js';
import { DEFAULT_RETRY } from './retry.js';

/** What a {@link SqlGatewayClient} is built from: the Flink client's options, minus the jar ones. */
export type SqlGatewayClientOptions = Omit<
  FlinkRestClientOptions,
  'flinkVersion' | 'uploadTimeoutMs' | 'runTimeoutMs'
>;

const handleSchema = z.string().regex(/^[0-9a-fA-F-]{1,64}$/, 'a handle is a UUID');

/** `GET /v1/info`. */
export const gatewayInfoSchema = z.looseObject({ productName: z.string(), version: z.string() });
export type GatewayInfo = z.infer<typeof gatewayInfoSchema>;

const sessionSchema = z.looseObject({ sessionHandle: handleSchema });
const operationSchema = z.looseObject({ operationHandle: handleSchema });
const statusSchema = z.looseObject({ status: z.string() });
const closeSchema = z.looseObject({ status: z.string().optional() });

/** `GET …/result/:token`: one page of a statement's result. */
export const resultPageSchema = z.looseObject({
  resultType: z.enum(['NOT_READY', 'PAYLOAD', 'EOS']),
  /** Set once the statement submitted a job (an INSERT or a statement set). */
  jobID: z.string().optional(),
  resultKind: z.string().optional(),
  nextResultUri: z.string().optional(),
});
export type ResultPage = z.infer<typeof resultPageSchema>;

/**
 * A statement the gateway accepted and then failed: it did not parse, named an unknown table or
 * connector, or the job it built was refused. A refusal of the request: asking again gives the
 * same answer until the SQL changes.
 */
export class SqlStatementFailedError extends FlinkRequestRejectedError {
  override readonly code: string = 'SQL_STATEMENT_FAILED';

  constructor(
    /** 1-based position of the statement in what was submitted. */
    readonly statementNumber: number,
    /** The gateway's root cause, e.g. `ValidationException: Cannot find table …`. */
    readonly rootCause: string,
    options: { cause?: unknown } = {},
  ) {
    super(500, `SQL statement ${String(statementNumber)}`, rootCause, {
      ...options,
      remedy: 'Fix the SQL statement named above (the root cause is Flink’s own) and apply again.',
    });
  }
}

/** The root cause inside a summarized gateway error ("A (root cause: B)" → "B"). */
export function rootCauseOf(flinkMessage: string): string {
  const match = /\(root cause: ([\s\S]*)\)$/.exec(flinkMessage);
  return match?.[1] ?? flinkMessage;
}

/** How long {@link SqlGatewayClient.runStatement} waits for a statement, and how often it looks. */
export interface StatementWait {
  deadlineMs: number;
  intervalMs: number;
}

/** What one statement produced. */
export interface StatementOutcome {
  /** The job it submitted (INSERT, statement set, EXECUTE PLAN), if any. */
  jobId?: string;
}

/**
 * A typed client of one SQL Gateway. One instance holds one connection pool; `close()` releases
 * it. Sessions are the gateway's: close each one opened, or the gateway expires it when idle.
 */
export class SqlGatewayClient {
  private readonly http: FlinkHttp;

  constructor(options: SqlGatewayClientOptions) {
    this.http = new FlinkHttp({
      baseUrl: validBaseUrl(options.baseUrl),
      auth: options.auth ?? { type: 'none' },
      tls: options.tls,
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: options.retry ?? DEFAULT_RETRY,
      connections: options.connections ?? 2,
      ...(options.random ? { random: options.random } : {}),
      ...(options.egress ? { egress: options.egress } : {}),
      ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
      ...(options.credentialOrigins ? { credentialOrigins: options.credentialOrigins } : {}),
    });
  }

  /** The gateway's URL, safe to show. */
  get url(): string {
    return this.http.displayUrl;
  }

  // Keeps credentials out of console.log and logger output of the client object.
  [inspect.custom](): string {
    return `SqlGatewayClient { url: '${this.url}' }`;
  }

  toJSON(): { url: string } {
    return { url: this.url };
  }

  /** Releases the connection pool. */
  async close(): Promise<void> {
    await this.http.close();
  }

  /** `GET /v1/info`: product and Flink version of the gateway. */
  async getInfo(): Promise<GatewayInfo> {
    return this.http.call({
      method: 'GET',
      path: '/v1/info',
      operation: 'SQL Gateway info',
      schema: gatewayInfoSchema,
      idempotent: true,
    });
  }

  /**
   * `POST /v1/sessions`: a session whose configuration is `properties` (every statement of the
   * session sees them, e.g. `pipeline.name`). Not retried: a repeat would open a second session.
   */
  async openSession(properties: Readonly<Record<string, string>>, name?: string): Promise<string> {
    const { sessionHandle } = await this.http.call({
      method: 'POST',
      path: '/v1/sessions',
      operation: 'SQL session open',
      schema: sessionSchema,
      json: { properties, ...(name === undefined ? {} : { sessionName: name }) },
      idempotent: false,
    });
    return sessionHandle;
  }

  /** `DELETE /v1/sessions/:session`; closing a session that is gone is not an error. */
  async closeSession(session: string): Promise<void> {
    await this.http.call({
      method: 'DELETE',
      path: `/v1/sessions/${handle(session)}`,
      operation: 'SQL session close',
      schema: closeSchema,
      idempotent: true,
    });
  }

  /**
   * `POST /v1/sessions/:session/statements`: starts one statement, with `executionConfig` set for
   * it alone. Returns the operation handle. Not retried: a repeat would run it twice.
   */
  async executeStatement(
    session: string,
    statement: string,
    executionConfig: Readonly<Record<string, string>> = {},
  ): Promise<string> {
    const { operationHandle } = await this.http.call({
      method: 'POST',
      path: `/v1/sessions/${handle(session)}/statements`,
      operation: 'SQL statement',
      schema: operationSchema,
      json: { statement, executionConfig },
      idempotent: false,
    });
    return operationHandle;
  }

  /** `GET …/operations/:operation/status`: RUNNING, FINISHED, ERROR, … */
  async getOperationStatus(session: string, operation: string): Promise<string> {
    const { status } = await this.http.call({
      method: 'GET',
      path: `/v1/sessions/${handle(session)}/operations/${handle(operation)}/status`,
      operation: 'SQL operation status',
      schema: statusSchema,
      idempotent: true,
    });
    return status;
  }

  /** `GET …/operations/:operation/result/:token`: one page of results (JSON rows). */
  async fetchResults(session: string, operation: string, token: number): Promise<ResultPage> {
    return this.http.call({
      method: 'GET',
      path: `/v1/sessions/${handle(session)}/operations/${handle(operation)}/result/${String(token)}?rowFormat=JSON`,
      operation: 'SQL result',
      schema: resultPageSchema,
      idempotent: true,
    });
  }

  /**
   * Runs one statement to its end: starts it, reads its result pages until the end of stream (or
   * until it names the job it submitted: a streaming INSERT's result ends only with its job) and
   * returns the job id, if any.
   *
   * @throws SqlStatementFailedError when the gateway reports the statement failed (root cause).
   * @throws FlinkDuplicateJobError when the job id it was given exists on the cluster.
   * @throws DeadlineExceededError when it has not ended within `wait.deadlineMs`.
   */
  async runStatement(
    session: string,
    statement: string,
    executionConfig: Readonly<Record<string, string>>,
    statementNumber: number,
    wait: StatementWait,
  ): Promise<StatementOutcome> {
    const operation = await this.executeStatement(session, statement, executionConfig);
    const deadline = Date.now() + wait.deadlineMs;
    let token = 0;
    for (;;) {
      let page: ResultPage;
      try {
        page = await this.fetchResults(session, operation, token);
      } catch (error) {
        throw await this.failureOf(session, operation, statementNumber, executionConfig, error);
      }
      if (page.jobID !== undefined) return { jobId: page.jobID };
      if (page.resultType === 'EOS') return {};
      if (page.resultType === 'PAYLOAD') {
        const next = nextToken(page.nextResultUri);
        if (next === undefined) return {};
        token = next;
        continue;
      }
      if (Date.now() > deadline)
        throw new DeadlineExceededError(
          `SQL statement ${String(statementNumber)} at ${this.url}`,
          wait.deadlineMs,
          true,
        );
      await sleep(wait.intervalMs);
    }
  }

  /**
   * What a failed result fetch means: when the operation's status is ERROR, the statement failed
   * and the fetch's error carries the gateway's reason; otherwise the fetch itself failed.
   */
  private async failureOf(
    session: string,
    operation: string,
    statementNumber: number,
    executionConfig: Readonly<Record<string, string>>,
    error: unknown,
  ): Promise<unknown> {
    if (!(error instanceof FlinkServerError || error instanceof FlinkRequestRejectedError))
      return error;
    let status: string;
    try {
      status = await this.getOperationStatus(session, operation);
    } catch {
      return error;
    }
    if (status !== 'ERROR') return error;
    const root = rootCauseOf(error.flinkMessage);
    const jobId = executionConfig[FIXED_JOB_ID_KEY];
    if (/Duplicate(Job|Application)SubmissionException/.test(root) && jobId !== undefined)
      return new FlinkDuplicateJobError(jobId, root);
    return new SqlStatementFailedError(statementNumber, root, { cause: error });
  }
}

/**
 * Flink's `PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID`: the id the job submitted by a
 * statement gets, so fjc can record it before submitting (its write-ahead job id).
 */
export const FIXED_JOB_ID_KEY = '$internal.pipeline.job-id';

function handle(value: string): string {
  if (!handleSchema.safeParse(value).success)
    throw new FlinkClientInputError(`not a SQL Gateway handle: ${JSON.stringify(value)}`);
  return value;
}

function nextToken(uri: string | undefined): number | undefined {
  if (uri === undefined) return undefined;
  const match = /\/result\/(\d+)(?:\?|$)/.exec(uri);
  if (match?.[1] === undefined) throw new FlinkError(`unreadable nextResultUri ${uri}`);
  return Number(match[1]);
}
