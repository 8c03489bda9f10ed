/**
 * Waiting on a Flink cluster: each wait polls one of the client's calls until the answer is
 * final, within a deadline (`DeadlineExceededError` past it).
 */
import { causeOf, completedLocation, type SavepointResult } from './async-operations.js';
import { FlinkJobFailedError, SavepointFailedError } from './errors.js';
import { summarizeThrowable } from './flink-message.js';
import type { FlinkRestClient } from './flink-rest-client.js';
import { pollUntil, type PollOptions } from './poll.js';
import { TERMINAL_JOB_STATES, type JobDetail, type JobState } from './schemas.js';

/**
 * Polls a savepoint or stop-with-savepoint until it completes; returns its location or throws
 * `SavepointFailedError` with Flink's cause.
 */
export function awaitSavepoint(
  client: FlinkRestClient,
  jobId: string,
  triggerId: string,
  poll: PollOptions,
): Promise<SavepointResult> {
  return pollUntil(
    `savepoint ${triggerId} of job ${jobId}`,
    async () =>
      completedLocation(await client.getSavepointStatus(jobId, triggerId), jobId, triggerId),
    poll,
  );
}

/** One readable line for the job's most recent failure, or undefined when it has none. */
export async function latestFailure(
  client: FlinkRestClient,
  jobId: string,
): Promise<string | undefined> {
  const [latest] = await client.getExceptions(jobId);
  return latest ? summarizeThrowable(latest.stacktrace, latest.exceptionName) : undefined;
}

/**
 * Polls the job until it is in one of `states`. A job that reaches a terminal state it was
 * not waited for raises `FlinkJobFailedError` carrying the latest exception.
 */
export function awaitJobState(
  client: FlinkRestClient,
  jobId: string,
  states: readonly JobState[],
  poll: PollOptions,
): Promise<JobDetail> {
  return pollUntil(
    `job ${jobId} to reach ${states.join(' or ')}`,
    async () => {
      const job = await client.getJob(jobId);
      if (states.includes(job.state)) return job;
      if (TERMINAL_JOB_STATES.has(job.state)) {
        const cause = (await latestFailure(client, jobId)) ?? 'no exception recorded';
        throw new FlinkJobFailedError(jobId, job.state, cause);
      }
      return undefined;
    },
    poll,
  );
}

/** Polls a disposal until it completes or fails. */
export async function awaitDisposal(
  client: FlinkRestClient,
  triggerId: string,
  poll: PollOptions,
): Promise<void> {
  await pollUntil(
    `savepoint disposal ${triggerId}`,
    async () => {
      const status = await client.getDisposalStatus(triggerId);
      if (status.status.id === 'IN_PROGRESS') return undefined;
      const failure = status.operation?.['failure-cause'];
      if (failure) throw new SavepointFailedError(undefined, triggerId, causeOf(failure));
      return true;
    },
    poll,
  );
}
