import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import type { ArtifactStream } from '../core/ports/index.js';
import type { EgressPolicy } from '../commons/egress.js';
import type { FlinkAuth, FlinkTls } from './auth.js';
import type { ResolveHost } from './egress-connector.js';
import {
  FlinkClientInputError,
  FlinkError,
  FlinkJobFailedError,
  FlinkJobNotFoundError,
  SavepointFailedError,
} from './errors.js';
import { summarizeThrowable } from './flink-message.js';
import { parseFlinkVersion, type FlinkVersion } from './flink-version.js';
import { FlinkHttp } from './http.js';
import { multipartFile } from './multipart.js';
import { pollUntil, type PollOptions } from './poll.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { jarRunBody, type RunJarOptions } from './run-request.js';
import {
  accumulatorsSchema,
  asyncOperationSchema,
  checkpointConfigSchema,
  checkpointingStatsSchema,
  clusterOverviewSchema,
  dashboardConfigSchema,
  jarRunSchema,
  jarUploadSchema,
  jobDetailSchema,
  jobExceptionsSchema,
  jobIdSchema,
  jobsOverviewSchema,
  readJobList,
  resourceRequirementsSchema,
  TERMINAL_JOB_STATES,
  triggerSchema,
  type AsyncOperation,
  type CheckpointConfig,
  type CheckpointingStats,
  type ClusterOverview,
  type DashboardConfig,
  type JobDetail,
  type JobException,
  type JobList,
  type JobState,
  type ResourceRequirements,
} from './schemas.js';

export interface FlinkRestClientOptions {
  /** The REST endpoint, e.g. `https://flink.example.com:8081` or a proxy path. */
  baseUrl: string;
  auth?: FlinkAuth;
  tls?: FlinkTls;
  /** Skips version detection (`GET /config`) when the cluster's version is known. */
  flinkVersion?: string;
  /** Deadline of one call; 10 s by default, as the Kubernetes operator's client. */
  timeoutMs?: number;
  /** Deadline of a jar upload, which moves far more bytes than any other call. */
  uploadTimeoutMs?: number;
  /** Deadline of a jar run, which executes the job's `main()` on the JobManager. */
  runTimeoutMs?: number;
  retry?: RetryPolicy;
  /** Connections in this cluster's pool. */
  connections?: number;
  /** Source of randomness for backoff jitter (tests make it deterministic). */
  random?: () => number;
  /** The deployment's egress lists; metadata and link-local addresses are refused regardless. */
  egress?: EgressPolicy;
  /** Resolves host names; the system resolver by default. Every address is checked. */
  resolveHost?: ResolveHost;
  /**
   * The origins (`https://host:port`) the credentials may be sent to; a connection elsewhere is
   * refused. Unset: no restriction (a client that sends none, or one built by hand).
   */
  credentialOrigins?: readonly string[];
}

export interface SavepointOptions {
  targetDirectory?: string;
  formatType?: 'CANONICAL' | 'NATIVE';
  /** Chosen by the caller and recorded before the trigger, so a retry never starts a second one. */
  triggerId?: string;
}

export interface StopOptions extends SavepointOptions {
  /** Emit MAX_WATERMARK before the savepoint (flushes timers: for a final stop, not an upgrade). */
  drain?: boolean;
}

/** The result of a completed savepoint operation. */
export interface SavepointResult {
  triggerId: string;
  location: string;
}

/** A 32-hex-digit id as Flink uses for jobs and async operation triggers. */
export function newFlinkId(): string {
  return randomBytes(16).toString('hex');
}

function validBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new FlinkClientInputError(`baseUrl is not a URL: ${JSON.stringify(raw)}`, {
      cause: error,
      remedy: 'Give the REST endpoint as http://host:port or https://host:port.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FlinkClientInputError(`baseUrl must use http or https, not ${url.protocol}`, {
      remedy: 'Give the REST endpoint as http://host:port or https://host:port.',
    });
  if (url.username !== '' || url.password !== '')
    throw new FlinkClientInputError('baseUrl must not contain credentials', {
      remedy: 'Put credentials in the cluster’s secret (auth), never in its URL.',
    });
  if (url.search !== '' || url.hash !== '')
    throw new FlinkClientInputError('baseUrl must not have a query or fragment', {
      remedy: 'Give only scheme, host, port and an optional path prefix.',
    });
  return url;
}

function requireId(kind: string, id: string): string {
  if (!jobIdSchema.safeParse(id).success)
    throw new FlinkClientInputError(
      `${kind} must be 32 lowercase hex digits, got ${JSON.stringify(id)}`,
    );
  return id;
}

const empty = z.unknown();

/**
 * A typed client of one Flink cluster's REST API: everything a controller needs, each response
 * checked with zod, each failure a typed `FlinkError`. One instance holds one connection pool;
 * `close()` releases it.
 */
export class FlinkRestClient {
  private readonly http: FlinkHttp;
  private readonly uploadTimeoutMs: number;
  private readonly runTimeoutMs: number;
  private version: FlinkVersion | undefined;

  constructor(options: FlinkRestClientOptions) {
    const baseUrl = validBaseUrl(options.baseUrl);
    if (options.flinkVersion !== undefined) {
      this.version = parseFlinkVersion(options.flinkVersion);
      if (!this.version)
        throw new FlinkClientInputError(
          `flinkVersion ${JSON.stringify(options.flinkVersion)} is not a version`,
        );
    }
    this.http = new FlinkHttp({
      baseUrl,
      auth: options.auth ?? { type: 'none' },
      tls: options.tls,
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: options.retry ?? DEFAULT_RETRY,
      connections: options.connections ?? 4,
      ...(options.random ? { random: options.random } : {}),
      ...(options.egress ? { egress: options.egress } : {}),
      ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
      ...(options.credentialOrigins ? { credentialOrigins: options.credentialOrigins } : {}),
    });
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? 300_000;
    this.runTimeoutMs = options.runTimeoutMs ?? 60_000;
  }

  /** The cluster's URL, safe to show. */
  get url(): string {
    return this.http.displayUrl;
  }

  // Keeps credentials out of console.log and logger output of the client object.
  [inspect.custom](): string {
    return `FlinkRestClient { url: '${this.url}' }`;
  }

  toJSON(): { url: string } {
    return { url: this.url };
  }

  /** Releases the connection pool; calls still in flight after a grace period are aborted. */
  async close(): Promise<void> {
    await this.http.close();
  }

  /** `GET /config`: version and enabled features. */
  async getConfig(): Promise<DashboardConfig> {
    return this.http.call({
      method: 'GET',
      path: '/config',
      operation: 'config',
      schema: dashboardConfigSchema,
      idempotent: true,
    });
  }

  /** The cluster's Flink version, detected once and cached. */
  async getVersion(): Promise<FlinkVersion> {
    if (this.version) return this.version;
    const config = await this.getConfig();
    const version = parseFlinkVersion(config['flink-version']);
    if (!version)
      throw new FlinkError(
        `Cluster reports an unreadable Flink version ${config['flink-version']}`,
      );
    this.version = version;
    return version;
  }

  /** `GET /overview`: task managers and slots. */
  async getOverview(): Promise<ClusterOverview> {
    return this.http.call({
      method: 'GET',
      path: '/overview',
      operation: 'cluster overview',
      schema: clusterOverviewSchema,
      idempotent: true,
    });
  }

  /**
   * `GET /jobs/overview`: every job on the cluster in one call (the reconcile observation). Each
   * entry is read on its own: one that does not match is listed in `unreadable`, not thrown.
   */
  async listJobs(): Promise<JobList> {
    const body = await this.http.call({
      method: 'GET',
      path: '/jobs/overview',
      operation: 'jobs overview',
      schema: jobsOverviewSchema,
      idempotent: true,
    });
    return readJobList(body.jobs);
  }

  /** `GET /jobs/:id`. Throws `FlinkJobNotFoundError` when the cluster does not know the job. */
  async getJob(jobId: string): Promise<JobDetail> {
    return this.http.call({
      method: 'GET',
      path: `/jobs/${requireId('jobId', jobId)}`,
      operation: 'job detail',
      schema: jobDetailSchema,
      idempotent: true,
      jobId,
    });
  }

  /** The job's exception history, newest first. */
  async getExceptions(jobId: string): Promise<JobException[]> {
    const body = await this.http.call({
      method: 'GET',
      path: `/jobs/${requireId('jobId', jobId)}/exceptions`,
      operation: 'job exceptions',
      schema: jobExceptionsSchema,
      idempotent: true,
      jobId,
    });
    return [...body.exceptionHistory.entries].sort((a, b) => b.timestamp - a.timestamp);
  }

  /** One readable line for the job's most recent failure, or undefined when it has none. */
  async getLatestFailure(jobId: string): Promise<string | undefined> {
    const [latest] = await this.getExceptions(jobId);
    return latest ? summarizeThrowable(latest.stacktrace, latest.exceptionName) : undefined;
  }

  /** `GET /jobs/:id/checkpoints`: counts, latest completed and restored checkpoint. */
  async getCheckpoints(jobId: string): Promise<CheckpointingStats> {
    return this.http.call({
      method: 'GET',
      path: `/jobs/${requireId('jobId', jobId)}/checkpoints`,
      operation: 'job checkpoints',
      schema: checkpointingStatsSchema,
      idempotent: true,
      jobId,
    });
  }

  /**
   * `GET /jobs/:id/checkpoints/config`: the job's checkpointing configuration. Flink answers 404
   * ("Checkpointing is not enabled for this job") when the job has no checkpoint coordinator.
   */
  async getCheckpointConfig(jobId: string): Promise<CheckpointConfig> {
    return this.http.call({
      method: 'GET',
      path: `/jobs/${requireId('jobId', jobId)}/checkpoints/config`,
      operation: 'checkpoint config',
      schema: checkpointConfigSchema,
      idempotent: true,
      jobId,
    });
  }

  /** User accumulators of the job, by name. */
  async getAccumulators(jobId: string): Promise<Record<string, string>> {
    const body = await this.http.call({
      method: 'GET',
      path: `/jobs/${requireId('jobId', jobId)}/accumulators`,
      operation: 'job accumulators',
      schema: accumulatorsSchema,
      idempotent: true,
      jobId,
    });
    return Object.fromEntries(body['user-task-accumulators'].map((a) => [a.name, a.value]));
  }

  /**
   * `POST /jars/upload`: streams the jar (never read whole into memory) and returns its id.
   * Not retried: the stream is consumed by the first attempt.
   */
  async uploadJar(source: ArtifactStream): Promise<{ jarId: string }> {
    let fileName: string;
    let size: number | undefined;
    let content: AsyncIterable<Uint8Array>;
    if ('path' in source) {
      try {
        const info = await stat(source.path);
        if (!info.isFile()) throw new Error('not a regular file');
        size = info.size;
      } catch (error) {
        throw new FlinkClientInputError(`Cannot read jar ${source.path}`, {
          cause: error,
          remedy: 'Check the artifact path.',
        });
      }
      fileName = basename(source.path);
      content = createReadStream(source.path);
    } else {
      ({ fileName, size } = source);
      content = source.stream;
    }
    if (!fileName.endsWith('.jar'))
      throw new FlinkClientInputError(`Flink accepts only files ending in .jar, got ${fileName}`, {
        remedy: 'Point the artifact at a .jar file.',
      });
    const body = await this.http.call({
      method: 'POST',
      path: '/jars/upload',
      operation: 'jar upload',
      schema: jarUploadSchema,
      multipart: multipartFile('jarfile', fileName, content, size),
      idempotent: false,
      timeoutMs: this.uploadTimeoutMs,
    });
    // Flink answers with the stored file's path; its last segment is the jar id.
    return { jarId: body.filename.split(/[/\\]/).pop() ?? body.filename };
  }

  /**
   * `POST /jars/:jarId/run` with the job id the caller recorded. Returns when Flink accepted
   * the submission, which is before the job runs: a bad savepoint or a failing job shows up
   * afterwards, see `awaitJobState`. Never retried: a repeat could start a second copy.
   */
  async runJar(jarId: string, options: RunJarOptions): Promise<{ jobId: string }> {
    requireId('jobId', options.jobId);
    const body = jarRunBody(await this.getVersion(), options);
    const result = await this.http.call({
      method: 'POST',
      path: `/jars/${encodeURIComponent(jarId)}/run`,
      operation: 'jar run',
      schema: jarRunSchema,
      json: body,
      idempotent: false,
      jobId: options.jobId,
      timeoutMs: this.runTimeoutMs,
    });
    return { jobId: result.jobid };
  }

  /** `DELETE /jars/:jarId`. */
  async deleteJar(jarId: string): Promise<void> {
    await this.http.call({
      method: 'DELETE',
      path: `/jars/${encodeURIComponent(jarId)}`,
      operation: 'jar delete',
      schema: empty,
      idempotent: true,
    });
  }

  /** `POST /jobs/:id/savepoints`: starts a savepoint and returns its trigger id. */
  async triggerSavepoint(
    jobId: string,
    options: SavepointOptions = {},
  ): Promise<{ triggerId: string }> {
    const triggerId = requireId('triggerId', options.triggerId ?? newFlinkId());
    const body = await this.http.call({
      method: 'POST',
      path: `/jobs/${requireId('jobId', jobId)}/savepoints`,
      operation: 'savepoint trigger',
      schema: triggerSchema,
      json: {
        'cancel-job': false,
        triggerId,
        ...(options.targetDirectory === undefined
          ? {}
          : { 'target-directory': options.targetDirectory }),
        ...(options.formatType === undefined ? {} : { formatType: options.formatType }),
      },
      // Flink deduplicates by trigger id, so a repeat cannot start a second savepoint.
      idempotent: true,
      jobId,
    });
    return { triggerId: body['request-id'] };
  }

  /** `POST /jobs/:id/stop`: stop-with-savepoint; the job ends FINISHED when it succeeds. */
  async stopWithSavepoint(
    jobId: string,
    options: StopOptions = {},
  ): Promise<{ triggerId: string }> {
    const triggerId = requireId('triggerId', options.triggerId ?? newFlinkId());
    const body = await this.http.call({
      method: 'POST',
      path: `/jobs/${requireId('jobId', jobId)}/stop`,
      operation: 'stop with savepoint',
      schema: triggerSchema,
      json: {
        drain: options.drain ?? false,
        triggerId,
        ...(options.targetDirectory === undefined
          ? {}
          : { targetDirectory: options.targetDirectory }),
        ...(options.formatType === undefined ? {} : { formatType: options.formatType }),
      },
      idempotent: true,
      jobId,
    });
    return { triggerId: body['request-id'] };
  }

  /** `GET /jobs/:id/savepoints/:triggerId`: the state of a savepoint or stop operation. */
  async getSavepointStatus(jobId: string, triggerId: string): Promise<AsyncOperation> {
    return this.http.call({
      method: 'GET',
      path: `/jobs/${requireId('jobId', jobId)}/savepoints/${requireId('triggerId', triggerId)}`,
      operation: 'savepoint status',
      schema: asyncOperationSchema,
      idempotent: true,
      jobId,
    });
  }

  /**
   * Polls a savepoint or stop-with-savepoint until it completes; returns its location or throws
   * `SavepointFailedError` with Flink's cause, or `DeadlineExceededError`.
   */
  async awaitSavepoint(
    jobId: string,
    triggerId: string,
    poll: PollOptions,
  ): Promise<SavepointResult> {
    return pollUntil(
      `savepoint ${triggerId} of job ${jobId}`,
      async () => {
        const status = await this.getSavepointStatus(jobId, triggerId);
        return completedLocation(status, jobId, triggerId);
      },
      poll,
    );
  }

  /** `PATCH /jobs/:id?mode=cancel`: cancels without a savepoint. */
  async cancelJob(jobId: string): Promise<void> {
    await this.http.call({
      method: 'PATCH',
      path: `/jobs/${requireId('jobId', jobId)}?mode=cancel`,
      operation: 'job cancel',
      schema: empty,
      idempotent: true,
      jobId,
    });
  }

  /**
   * Polls the job until it is in one of `states`. A job that reaches a terminal state it was
   * not waited for raises `FlinkJobFailedError` carrying the latest exception.
   */
  async awaitJobState(
    jobId: string,
    states: readonly JobState[],
    poll: PollOptions,
  ): Promise<JobDetail> {
    return pollUntil(
      `job ${jobId} to reach ${states.join(' or ')}`,
      async () => {
        const job = await this.getJob(jobId);
        if (states.includes(job.state)) return job;
        if (TERMINAL_JOB_STATES.has(job.state)) {
          const cause = (await this.getLatestFailure(jobId)) ?? 'no exception recorded';
          throw new FlinkJobFailedError(jobId, job.state, cause);
        }
        return undefined;
      },
      poll,
    );
  }

  /** `POST /savepoint-disposal`: deletes a savepoint's files; needs a live JobManager. */
  async disposeSavepoint(savepointPath: string): Promise<{ triggerId: string }> {
    const body = await this.http.call({
      method: 'POST',
      path: '/savepoint-disposal',
      operation: 'savepoint disposal',
      schema: triggerSchema,
      json: { 'savepoint-path': savepointPath },
      idempotent: false,
    });
    return { triggerId: body['request-id'] };
  }

  /** Polls a disposal until it completes or fails. */
  async awaitDisposal(triggerId: string, poll: PollOptions): Promise<void> {
    await pollUntil(
      `savepoint disposal ${triggerId}`,
      async () => {
        const status = await this.http.call({
          method: 'GET',
          path: `/savepoint-disposal/${encodeURIComponent(triggerId)}`,
          operation: 'savepoint disposal status',
          schema: asyncOperationSchema,
          idempotent: true,
        });
        if (status.status.id === 'IN_PROGRESS') return undefined;
        const failure = status.operation?.['failure-cause'];
        if (failure) throw new SavepointFailedError(undefined, triggerId, causeOf(failure));
        return true;
      },
      poll,
    );
  }

  /** `GET /jobs/:id/resource-requirements` (adaptive scheduler). */
  async getResourceRequirements(jobId: string): Promise<ResourceRequirements> {
    return this.http.call({
      method: 'GET',
      path: `/jobs/${requireId('jobId', jobId)}/resource-requirements`,
      operation: 'resource requirements',
      schema: resourceRequirementsSchema,
      idempotent: true,
      jobId,
    });
  }

  /** `PUT /jobs/:id/resource-requirements`: in-place rescale (adaptive scheduler, 1.18+). */
  async setResourceRequirements(jobId: string, requirements: ResourceRequirements): Promise<void> {
    await this.http.call({
      method: 'PUT',
      path: `/jobs/${requireId('jobId', jobId)}/resource-requirements`,
      operation: 'resource requirements update',
      schema: empty,
      json: requirements,
      idempotent: true,
      jobId,
    });
  }
}

function causeOf(failure: {
  class?: string | undefined;
  'stack-trace'?: string | undefined;
}): string {
  return summarizeThrowable(failure['stack-trace'] ?? '', failure.class ?? 'unknown cause');
}

function completedLocation(
  status: AsyncOperation,
  jobId: string,
  triggerId: string,
): SavepointResult | undefined {
  if (status.status.id === 'IN_PROGRESS') return undefined;
  const failure = status.operation?.['failure-cause'];
  if (failure) {
    // A trigger for an unknown job is accepted and fails here, asynchronously.
    if (failure['stack-trace']?.includes('FlinkJobNotFoundException'))
      throw new FlinkJobNotFoundError(jobId, 'savepoint', causeOf(failure));
    throw new SavepointFailedError(jobId, triggerId, causeOf(failure));
  }
  const location = status.operation?.location;
  if (!location) throw new SavepointFailedError(jobId, triggerId, 'completed without a location');
  return { triggerId, location };
}
