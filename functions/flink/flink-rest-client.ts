import { inspect } from 'node:util';
import { z } from 'zod';
import type { ArtifactStream } from '../core/ports/index.js';
import { FlinkClientInputError, FlinkError } from './errors.js';
import {
  savepointBody,
  stopBody,
  type SavepointOptions,
  type StopOptions,
} from './async-operations.js';
import { requireId, validBaseUrl, type FlinkRestClientOptions } from './client-input.js';
import { openJar } from './jar-source.js';
import { parseFlinkVersion, type FlinkVersion } from './flink-version.js';
import { FlinkHttp } from './http.js';
import { multipartFile } from './multipart.js';
import { DEFAULT_RETRY } from './retry.js';
import { jarPlanBody, jarRunBody, type PlanJarOptions, type RunJarOptions } from './run-request.js';
import {
  accumulatorsSchema,
  aggregatedMetricsSchema,
  jobManagerConfigSchema,
  asyncOperationSchema,
  checkpointConfigSchema,
  checkpointingStatsSchema,
  checkpointDetailSchema,
  clusterOverviewSchema,
  dashboardConfigSchema,
  jarListSchema,
  jarRunSchema,
  jarUploadSchema,
  jobDetailSchema,
  jobExceptionsSchema,
  jobsOverviewSchema,
  jobPlanSchema,
  readJobList,
  resourceRequirementsSchema,
  triggerSchema,
  type AggregatedMetrics,
  type AsyncOperation,
  type CheckpointConfig,
  type CheckpointingStats,
  type CheckpointDetail,
  type ClusterOverview,
  type DashboardConfig,
  type JarList,
  type JobDetail,
  type JobException,
  type JobList,
  type JobPlan,
  type ResourceRequirements,
} from './schemas.js';

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

  /** A GET: safe to repeat, so retried; its answer checked by `schema`; 404 → not found for `jobId`. */
  private read<S extends z.ZodType>(
    path: string,
    operation: string,
    schema: S,
    jobId?: string,
  ): Promise<z.infer<S>> {
    return this.http.call({
      method: 'GET',
      path,
      operation,
      schema,
      idempotent: true,
      ...(jobId === undefined ? {} : { jobId }),
    });
  }

  /** Releases the connection pool; calls still in flight after a grace period are aborted. */
  async close(): Promise<void> {
    await this.http.close();
  }

  /** `GET /config`: version and enabled features. */
  async getConfig(): Promise<DashboardConfig> {
    return this.read('/config', 'config', dashboardConfigSchema);
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

  /** `GET /jobmanager/config`: the cluster's configuration, by key (Flink masks secrets). */
  async getJobManagerConfig(): Promise<Record<string, string>> {
    const entries = await this.read(
      '/jobmanager/config',
      'jobmanager config',
      jobManagerConfigSchema,
    );
    return Object.fromEntries(entries.map((entry) => [entry.key, entry.value]));
  }

  /** `GET /overview`: task managers and slots. */
  async getOverview(): Promise<ClusterOverview> {
    return this.read('/overview', 'cluster overview', clusterOverviewSchema);
  }

  /**
   * `GET /jobs/overview`: every job on the cluster in one call (the reconcile observation). Each
   * entry is read on its own: one that does not match is listed in `unreadable`, not thrown.
   */
  async listJobs(): Promise<JobList> {
    const body = await this.read('/jobs/overview', 'jobs overview', jobsOverviewSchema);
    return readJobList(body.jobs);
  }

  /** `GET /jobs/:id`. Throws `FlinkJobNotFoundError` when the cluster does not know the job. */
  async getJob(jobId: string): Promise<JobDetail> {
    return this.read(`/jobs/${requireId('jobId', jobId)}`, 'job detail', jobDetailSchema, jobId);
  }

  /** The job's exception history, newest first. */
  async getExceptions(jobId: string): Promise<JobException[]> {
    const body = await this.read(
      `/jobs/${requireId('jobId', jobId)}/exceptions`,
      'job exceptions',
      jobExceptionsSchema,
      jobId,
    );
    return [...body.exceptionHistory.entries].sort((a, b) => b.timestamp - a.timestamp);
  }

  /** `GET /jobs/:id/checkpoints`: counts, latest completed and restored checkpoint. */
  async getCheckpoints(jobId: string): Promise<CheckpointingStats> {
    return this.read(
      `/jobs/${requireId('jobId', jobId)}/checkpoints`,
      'job checkpoints',
      checkpointingStatsSchema,
      jobId,
    );
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

  /**
   * `GET /jobs/:id/vertices/:vid/subtasks/metrics`: the vertex's metrics aggregated over its
   * subtasks; with no `names`, only the ids of the metrics it reports.
   */
  async getVertexMetrics(
    jobId: string,
    vertexId: string,
    names: readonly string[] = [],
  ): Promise<AggregatedMetrics> {
    const query =
      names.length === 0
        ? ''
        : `?get=${names.map((n) => encodeURIComponent(n)).join(',')}&agg=sum,max`;
    return this.read(
      `/jobs/${requireId('jobId', jobId)}/vertices/${requireId('vertexId', vertexId)}/subtasks/metrics${query}`,
      'vertex metrics',
      aggregatedMetricsSchema,
      jobId,
    );
  }

  /** User accumulators of the job, by name. */
  async getAccumulators(jobId: string): Promise<Record<string, string>> {
    const body = await this.read(
      `/jobs/${requireId('jobId', jobId)}/accumulators`,
      'job accumulators',
      accumulatorsSchema,
      jobId,
    );
    return Object.fromEntries(body['user-task-accumulators'].map((a) => [a.name, a.value]));
  }

  /**
   * `POST /jars/upload`: streams the jar (never read whole into memory) and returns its id.
   * Not retried: the stream is consumed by the first attempt.
   */
  async uploadJar(source: ArtifactStream): Promise<{ jarId: string }> {
    const { fileName, size, content } = await openJar(source);
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

  /**
   * `POST /jars/:jarId/plan`: runs the program's `main()` on the JobManager to build its job graph
   * and returns it without submitting anything (no job id, no savepoint: Flink's plan request
   * has neither). Safe to repeat, but it runs user code: not retried.
   */
  async planJar(jarId: string, options: PlanJarOptions): Promise<JobPlan> {
    const body = jarPlanBody(options);
    return this.http.call({
      method: 'POST',
      path: `/jars/${encodeURIComponent(jarId)}/plan`,
      operation: 'jar plan',
      schema: jobPlanSchema,
      json: body,
      idempotent: false,
      timeoutMs: this.runTimeoutMs,
    });
  }

  /** `GET /jobs/:id/plan`: the running job's graph. */
  async getJobPlan(jobId: string): Promise<JobPlan> {
    return this.read(`/jobs/${requireId('jobId', jobId)}/plan`, 'job plan', jobPlanSchema, jobId);
  }

  /** `GET /jobs/:id/checkpoints/details/:checkpointId`: one checkpoint's statistics per vertex. */
  async getCheckpointDetail(jobId: string, checkpointId: number): Promise<CheckpointDetail> {
    return this.read(
      `/jobs/${requireId('jobId', jobId)}/checkpoints/details/${String(checkpointId)}`,
      'checkpoint detail',
      checkpointDetailSchema,
      jobId,
    );
  }

  /** `GET /jars`: the jars the cluster keeps from uploads, with the names they were uploaded as. */
  async listJars(): Promise<JarList['files']> {
    return (await this.read('/jars', 'jar list', jarListSchema)).files;
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
    return this.startSavepoint(jobId, 'savepoints', 'savepoint trigger', savepointBody(options));
  }

  /** `POST /jobs/:id/stop`: stop-with-savepoint; the job ends FINISHED when it succeeds. */
  async stopWithSavepoint(
    jobId: string,
    options: StopOptions = {},
  ): Promise<{ triggerId: string }> {
    return this.startSavepoint(jobId, 'stop', 'stop with savepoint', stopBody(options));
  }

  /** Flink deduplicates by trigger id, so a repeat cannot start a second savepoint: retried. */
  private async startSavepoint(
    jobId: string,
    endpoint: 'savepoints' | 'stop',
    operation: string,
    json: { triggerId: string },
  ): Promise<{ triggerId: string }> {
    requireId('triggerId', json.triggerId);
    const body = await this.http.call({
      method: 'POST',
      path: `/jobs/${requireId('jobId', jobId)}/${endpoint}`,
      operation,
      schema: triggerSchema,
      json,
      idempotent: true,
      jobId,
    });
    return { triggerId: body['request-id'] };
  }

  /** `GET /jobs/:id/savepoints/:triggerId`: the state of a savepoint or stop operation. */
  async getSavepointStatus(jobId: string, triggerId: string): Promise<AsyncOperation> {
    return this.read(
      `/jobs/${requireId('jobId', jobId)}/savepoints/${requireId('triggerId', triggerId)}`,
      'savepoint status',
      asyncOperationSchema,
      jobId,
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

  /** `GET /savepoint-disposal/:triggerId`: where a disposal stands. */
  async getDisposalStatus(triggerId: string): Promise<AsyncOperation> {
    return this.read(
      `/savepoint-disposal/${encodeURIComponent(triggerId)}`,
      'savepoint disposal status',
      asyncOperationSchema,
    );
  }

  /** `GET /jobs/:id/resource-requirements` (adaptive scheduler). */
  async getResourceRequirements(jobId: string): Promise<ResourceRequirements> {
    return this.read(
      `/jobs/${requireId('jobId', jobId)}/resource-requirements`,
      'resource requirements',
      resourceRequirementsSchema,
      jobId,
    );
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
