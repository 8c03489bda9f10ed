import { FjcError, type FjcErrorOptions } from '../commons/errors.js';
import type { JobState } from './schemas.js';

/** Base of every error raised while talking to a Flink cluster. */
export class FlinkError extends FjcError {
  override readonly code: string = 'FLINK_ERROR';
}

/** The cluster could not be reached at all (connection refused, DNS, TLS handshake, reset). */
export class FlinkUnreachableError extends FlinkError {
  override readonly code: string = 'FLINK_UNREACHABLE';

  constructor(
    readonly baseUrl: string,
    options: FjcErrorOptions & { detail?: string } = {},
  ) {
    super(
      `Flink cluster at ${baseUrl} is unreachable${options.detail ? `: ${options.detail}` : ''}`,
      {
        remedy:
          'Check that the cluster is up, that its REST URL is right and that fjc can reach it (network, TLS settings).',
        ...options,
      },
    );
  }
}

/**
 * fjc refused to open a connection: the address is outside the egress policy (metadata and
 * link-local always; other ranges as the deployment configures), or the cluster's credentials are
 * not bound to it. Never retried: asking again gives the same answer.
 */
export class FlinkEgressRefusedError extends FlinkError {
  override readonly code: string = 'FLINK_EGRESS_REFUSED';

  constructor(
    readonly baseUrl: string,
    readonly reason: string,
    remedy = "Point the cluster's url at its Flink REST endpoint: metadata and link-local addresses are never reached, other addresses follow the deployment's egress lists (fjc:egressAllow, fjc:egressDeny).",
  ) {
    super(`fjc refused to connect to the Flink cluster at ${baseUrl}: ${reason}`, { remedy });
  }
}

/** Flink answered with an error status; `flinkMessage` is Flink's own reason without stack frames. */
export class FlinkRequestRejectedError extends FlinkError {
  override readonly code: string = 'FLINK_REQUEST_REJECTED';

  constructor(
    readonly status: number,
    readonly operation: string,
    readonly flinkMessage: string,
    options: FjcErrorOptions = {},
  ) {
    super(`Flink rejected ${operation} (HTTP ${status}): ${flinkMessage}`, {
      remedy: 'Read Flink’s reason above; fix the request or the job and try again.',
      ...options,
    });
  }
}

/**
 * Flink answered 5xx without naming a refusal ("Internal server error.", a gateway's 502/503/504):
 * the request may or may not have been applied, and asking again later may succeed. Never a
 * rejection of the request itself (see functions/core/operations/retry-policy.ts).
 */
export class FlinkServerError extends FlinkError {
  override readonly code: string = 'FLINK_SERVER_ERROR';

  constructor(
    readonly status: number,
    readonly operation: string,
    readonly flinkMessage: string,
    options: FjcErrorOptions = {},
  ) {
    super(`Flink could not answer ${operation} (HTTP ${status}): ${flinkMessage}`, {
      remedy:
        'Usually transient (a busy or restarting JobManager): fjc asks again; if it persists, read the JobManager log.',
      ...options,
    });
  }
}

/** The job id is not known to the cluster (never submitted, or forgotten after a JobManager restart without HA). */
export class FlinkJobNotFoundError extends FlinkRequestRejectedError {
  override readonly code: string = 'FLINK_JOB_NOT_FOUND';

  constructor(
    readonly jobId: string,
    operation: string,
    flinkMessage: string,
  ) {
    super(404, operation, flinkMessage, {
      remedy:
        'The job is not on this cluster: it may never have started, or the JobManager restarted without HA.',
    });
  }
}

/** A job with this id was already submitted to this cluster (Flink refuses ids ever used). */
export class FlinkDuplicateJobError extends FlinkRequestRejectedError {
  override readonly code: string = 'FLINK_DUPLICATE_JOB';

  constructor(
    readonly jobId: string,
    flinkMessage: string,
  ) {
    super(409, 'jar run', flinkMessage, {
      remedy:
        'A job with this id exists (or existed) on the cluster: look it up instead of submitting again, or use a new id for a new attempt.',
    });
  }
}

/** A savepoint (or stop-with-savepoint, or disposal) operation ended in failure. */
export class SavepointFailedError extends FlinkError {
  override readonly code: string = 'SAVEPOINT_FAILED';

  constructor(
    readonly jobId: string | undefined,
    readonly triggerId: string,
    readonly failureCause: string,
    options: FjcErrorOptions = {},
  ) {
    super(
      `Savepoint operation ${triggerId}${jobId ? ` of job ${jobId}` : ''} failed: ${failureCause}`,
      {
        remedy:
          'Check the job’s checkpoint storage (permissions, space) and that the job is RUNNING, then trigger the savepoint again.',
        ...options,
      },
    );
  }
}

/** A call or a wait did not finish before its deadline. */
export class DeadlineExceededError extends FlinkError {
  override readonly code: string = 'DEADLINE_EXCEEDED';

  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    /** True when the request may have been applied by Flink even though no answer arrived. */
    readonly outcomeUnknown: boolean,
    options: FjcErrorOptions = {},
  ) {
    super(
      `${operation} did not finish within ${timeoutMs} ms${outcomeUnknown ? ' (Flink may still have applied it)' : ''}`,
      {
        remedy: outcomeUnknown
          ? 'Look at the cluster’s state before repeating the request; raise the timeout if the cluster is slow.'
          : 'Raise the timeout if the cluster is slow, or check the cluster’s health.',
        ...options,
      },
    );
  }
}

/** Flink answered, but not in a shape this client understands (version mismatch or a proxy page). */
export class FlinkProtocolError extends FlinkError {
  override readonly code: string = 'FLINK_PROTOCOL';

  constructor(operation: string, detail: string, options: FjcErrorOptions = {}) {
    super(`Unexpected response to ${operation}: ${detail}`, {
      remedy:
        'Check that the URL points at a Flink REST endpoint of a supported version (1.18 or newer).',
      ...options,
    });
  }
}

/** Input to the client itself is wrong (bad URL, unreadable jar, invalid id). */
export class FlinkClientInputError extends FlinkError {
  override readonly code: string = 'FLINK_CLIENT_INPUT';
}

/** A job that ended in a terminal state while fjc waited for it to run. */
export class FlinkJobFailedError extends FlinkError {
  override readonly code: string = 'FLINK_JOB_FAILED';

  constructor(
    readonly jobId: string,
    readonly state: JobState,
    readonly failureCause: string,
  ) {
    super(`Job ${jobId} ended ${state}: ${failureCause}`, {
      remedy:
        'Read the cause above (bad savepoint path, failing main(), missing class) and fix the spec or the job.',
    });
  }
}
