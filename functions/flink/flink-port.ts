/**
 * The Flink port (core/ports/flink.ts) over Flink's REST API: a `FlinkRestClient` whose answers
 * are turned into the core's terms, and whose refusals into the core's errors. Everything that
 * knows Flink's JSON field names stays on this side of the port.
 */
import {
  ClusterRefusedError,
  ClusterUnavailableError,
  DuplicateJobIdError,
  JarNotOnClusterError,
  JobNotOnClusterError,
  type ArtifactStream,
  type CheckpointSummary,
  type ClusterJobList,
  type FlinkPort,
  type JobFailure,
  type JobGraphPlan,
  type PlanRequest,
  type JobMetrics,
  type JobState,
  type PollRequest,
  type SavepointHistory,
  type SavepointProgress,
  type SavepointRequest,
  type SubmitRequest,
  type UploadedJar,
} from '../core/ports/index.js';
import {
  DeadlineExceededError,
  FlinkDuplicateJobError,
  FlinkJobNotFoundError,
  FlinkRequestRejectedError,
  FlinkServerError,
  FlinkUnreachableError,
} from './errors.js';
import { summarizeThrowable } from './flink-message.js';
import type { FlinkRestClient } from './flink-rest-client.js';
import type { JobPlan } from './schemas.js';
import { awaitDisposal } from './waits.js';
import { readJobMetrics } from './job-metrics.js';

/**
 * A refusal or a transient fault in the core's terms (unreachable, timeouts and 5xx without a
 * named refusal: ClusterUnavailableError); every other error passes unchanged.
 */
export function translated(error: unknown): unknown {
  if (
    error instanceof FlinkUnreachableError ||
    error instanceof DeadlineExceededError ||
    error instanceof FlinkServerError
  )
    return new ClusterUnavailableError(error.message, {
      cause: error,
      code: error.code,
      ...(error.remedy === undefined ? {} : { remedy: error.remedy }),
    });
  if (!(error instanceof FlinkRequestRejectedError)) return error;
  const options = {
    cause: error,
    code: error.code,
    ...(error.remedy === undefined ? {} : { remedy: error.remedy }),
  };
  if (error instanceof FlinkJobNotFoundError)
    return new JobNotOnClusterError(error.message, error.flinkMessage, options);
  if (error instanceof FlinkDuplicateJobError)
    return new DuplicateJobIdError(error.message, error.flinkMessage, options);
  return new ClusterRefusedError(error.message, error.flinkMessage, options);
}

async function refusalsTranslated<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw translated(error);
  }
}

/** The core's view of one Flink cluster, through its REST client. */
export class FlinkClusterPort implements FlinkPort {
  constructor(private readonly client: FlinkRestClient) {}

  async listJobs(): Promise<ClusterJobList> {
    const { jobs, unreadable } = await refusalsTranslated(this.client.listJobs());
    return {
      jobs: jobs.map((job) => ({
        jobId: job.jid,
        state: job.state,
        startTime: job['start-time'],
        // Flink 2.x says null while a job initializes or after a refused submission: not known.
        ...(typeof job.schedulerType === 'string' ? { schedulerType: job.schedulerType } : {}),
      })),
      unreadable: unreadable.map((entry) => ({
        ...(entry.jid === undefined ? {} : { jobId: entry.jid }),
        reason: entry.reason,
      })),
    };
  }

  async getJob(jobId: string): Promise<JobState> {
    const job = await refusalsTranslated(this.client.getJob(jobId));
    const runningSince = job.timestamps?.RUNNING;
    const parallelism = Math.max(0, ...job.vertices.map((vertex) => vertex.parallelism));
    return {
      jobId: job.jid,
      state: job.state,
      ...(runningSince === undefined ? {} : { runningSince }),
      ...(parallelism > 0 ? { parallelism } : {}),
    };
  }

  async flinkVersion(): Promise<string> {
    return (await this.client.getVersion()).raw;
  }

  async reportedFlinkVersion(): Promise<string> {
    return (await this.client.getConfig())['flink-version'];
  }

  async checkpointDirectory(): Promise<string | undefined> {
    const config = await this.client.getJobManagerConfig();
    // 2.x reads execution.checkpointing.dir; 1.x state.checkpoints.dir (2.x still accepts it).
    const dir = config['execution.checkpointing.dir'] ?? config['state.checkpoints.dir'];
    return dir === undefined || dir.trim() === '' ? undefined : dir.trim().replace(/\/+$/, '');
  }

  async getFailures(jobId: string): Promise<JobFailure[]> {
    const exceptions = await refusalsTranslated(this.client.getExceptions(jobId));
    return exceptions.map((e) => ({
      at: e.timestamp,
      summary: summarizeThrowable(e.stacktrace, e.exceptionName),
    }));
  }

  async getCheckpoints(jobId: string): Promise<CheckpointSummary> {
    const stats = await refusalsTranslated(this.client.getCheckpoints(jobId));
    const latest = stats.latest.completed;
    return {
      completed: stats.counts.completed,
      ...(latest
        ? {
            latest: {
              ...(latest.external_path ? { path: latest.external_path } : {}),
              completedAt: latest.latest_ack_timestamp ?? 0,
              ...(latest.end_to_end_duration === undefined
                ? {}
                : { durationMs: latest.end_to_end_duration }),
            },
          }
        : {}),
    };
  }

  async getSavepointHistory(jobId: string): Promise<SavepointHistory> {
    const { latest } = await refusalsTranslated(this.client.getCheckpoints(jobId));
    const done = latest.savepoint;
    const failed = latest.failed?.is_savepoint === true ? latest.failed : undefined;
    return {
      ...(done?.external_path
        ? { completed: { path: done.external_path, triggeredAt: done.trigger_timestamp ?? 0 } }
        : {}),
      ...(failed
        ? {
            failed: {
              triggeredAt: failed.trigger_timestamp ?? 0,
              cause: failed.failure_message ?? 'Flink recorded no failure message',
            },
          }
        : {}),
    };
  }

  async isCheckpointingEnabled(jobId: string): Promise<boolean> {
    try {
      const config = await this.client.getCheckpointConfig(jobId);
      // Periodic checkpointing off: Flink keeps a coordinator for savepoints at interval Long.MAX.
      return config.interval !== undefined && config.interval > 0 && config.interval < 2 ** 62;
    } catch (error) {
      if (error instanceof FlinkRequestRejectedError && /not enabled/i.test(error.flinkMessage))
        return false;
      throw translated(error);
    }
  }

  getJobMetrics(jobId: string): Promise<JobMetrics> {
    return refusalsTranslated(readJobMetrics(this.client, jobId));
  }

  uploadJar(source: ArtifactStream): Promise<{ jarId: string }> {
    return refusalsTranslated(this.client.uploadJar(source));
  }

  async listJars(): Promise<UploadedJar[]> {
    const files = await refusalsTranslated(this.client.listJars());
    return files.map((file) => ({ jarId: file.id, name: file.name, uploadedAt: file.uploaded }));
  }

  async runJar(jarId: string, request: SubmitRequest): Promise<{ jobId: string }> {
    try {
      return await this.client.runJar(jarId, request);
    } catch (error) {
      throw jarRefusal(error) ?? translated(error);
    }
  }

  deleteJar(jarId: string): Promise<void> {
    return refusalsTranslated(this.client.deleteJar(jarId));
  }

  async planJar(jarId: string, request: PlanRequest): Promise<JobGraphPlan> {
    try {
      return graphOf(await this.client.planJar(jarId, request));
    } catch (error) {
      throw jarRefusal(error) ?? translated(error);
    }
  }

  async getJobPlan(jobId: string): Promise<JobGraphPlan> {
    return graphOf(await refusalsTranslated(this.client.getJobPlan(jobId)));
  }

  async getVertexStateSizes(jobId: string): Promise<Record<string, number> | undefined> {
    const stats = await refusalsTranslated(this.client.getCheckpoints(jobId));
    const latest = stats.latest.completed;
    if (!latest) return undefined;
    const detail = await refusalsTranslated(this.client.getCheckpointDetail(jobId, latest.id));
    return Object.fromEntries(
      Object.entries(detail.tasks).map(([vertex, task]) => [vertex, task.state_size ?? 0]),
    );
  }

  triggerSavepoint(jobId: string, request: SavepointRequest): Promise<{ triggerId: string }> {
    return refusalsTranslated(this.client.triggerSavepoint(jobId, request));
  }

  stopWithSavepoint(
    jobId: string,
    request: SavepointRequest & { drain: boolean },
  ): Promise<{ triggerId: string }> {
    return refusalsTranslated(this.client.stopWithSavepoint(jobId, request));
  }

  async getSavepointStatus(jobId: string, triggerId: string): Promise<SavepointProgress> {
    const status = await refusalsTranslated(this.client.getSavepointStatus(jobId, triggerId));
    if (status.status.id === 'IN_PROGRESS') return { state: 'IN_PROGRESS' };
    const cause = status.operation?.['failure-cause'];
    if (cause)
      return {
        state: 'FAILED',
        cause: summarizeThrowable(cause['stack-trace'] ?? '', cause.class ?? 'unknown cause'),
      };
    const location = status.operation?.location;
    return location === undefined || location === null
      ? { state: 'FAILED', cause: 'Flink reported no savepoint location' }
      : { state: 'COMPLETED', location };
  }

  cancelJob(jobId: string): Promise<void> {
    return refusalsTranslated(this.client.cancelJob(jobId));
  }

  disposeSavepoint(path: string): Promise<{ triggerId: string }> {
    return refusalsTranslated(this.client.disposeSavepoint(path));
  }

  awaitDisposal(triggerId: string, poll: PollRequest): Promise<void> {
    return refusalsTranslated(awaitDisposal(this.client, triggerId, poll));
  }

  async rescale(jobId: string, parallelism: number): Promise<void> {
    const current = await refusalsTranslated(this.client.getResourceRequirements(jobId));
    const wanted = Object.fromEntries(
      Object.entries(current).map(([vertex, requirement]) => [
        vertex,
        { ...requirement, parallelism: { lowerBound: 1, upperBound: parallelism } },
      ]),
    );
    await refusalsTranslated(this.client.setResourceRequirements(jobId, wanted));
  }
}

/**
 * Flink's words when the jar is gone (JarHandlerUtils), with HTTP 500 on 2.3: "Jar file <path>
 * does not exist". Not a fault to wait out: nothing was submitted or planned, upload again.
 */
function jarRefusal(error: unknown): JarNotOnClusterError | undefined {
  if (
    (error instanceof FlinkServerError ||
      (error instanceof FlinkRequestRejectedError && !(error instanceof FlinkDuplicateJobError))) &&
    /Jar file .* does not exist/.test(error.flinkMessage)
  )
    return new JarNotOnClusterError(error.message, error.flinkMessage, {
      cause: error,
      code: 'FLINK_JAR_NOT_FOUND',
      remedy: 'Upload the jar again and run it: nothing was submitted.',
    });
  return undefined;
}

/** `counter<br/>+- discard: Writer<br/>` → `counter → discard: Writer`. */
function vertexName(description: string | undefined, id: string): string {
  const parts = (description ?? '')
    .split(/<br\s*\/?>/i)
    .map((part) =>
      part
        .replace(/^\s*\+-\s*/, '')
        .replace(/<[^>]*>/g, '')
        .trim(),
    )
    .filter((part) => part !== '');
  return parts.length === 0 ? id : parts.join(' → ');
}

function graphOf(plan: JobPlan): JobGraphPlan {
  return {
    vertices: plan.plan.nodes.map((node) => ({
      id: node.id,
      name: vertexName(node.description, node.id),
      ...(node.parallelism === undefined ? {} : { parallelism: node.parallelism }),
    })),
  };
}

const ports = new WeakMap<FlinkRestClient, FlinkClusterPort>();

/** The port of a client, one per client (clients are cached per cluster by `FlinkClients`). */
export function flinkPortOf(client: FlinkRestClient): FlinkClusterPort {
  let port = ports.get(client);
  if (!port) {
    port = new FlinkClusterPort(client);
    ports.set(client, port);
  }
  return port;
}
