import { desiredJobOf } from './desired-job.js';
import { ConflictError, NotFoundError } from '../commons/errors.js';
import type { JobStore } from './ports/index.js';
import { encodeSpecDocument, flinkJobSchema } from './spec/index.js';

/** What a deletion request did, by the job's deletion policy. */
export type DeletionOutcome =
  /** The job is being suspended with a savepoint (or cancelled, if stateless); its record, savepoints and history stay. */
  | { action: 'suspending'; generation: number }
  /** fjc stopped managing the job; it keeps running on its cluster; savepoints and history stay. */
  | { action: 'released' };

/**
 * Removes the record of a job whose deletion has finished: it is SUSPENDED as its desired state
 * asks, and nothing works on it. Its savepoints (catalog and files) and its audit trail stay:
 * `fjc savepoints` and `fjc history` still show them (history until its retention ends), and a
 * job applied again under the name starts afresh unless its spec restores one of them. Refused,
 * with what to do, while the job still runs or is being suspended: purging then would forget a
 * job that runs.
 */
export async function purgeJob(
  store: JobStore,
  name: string,
  options: { actor: string; expectedGeneration?: number },
): Promise<void> {
  const record = await store.getJob(name);
  if (!record)
    throw new NotFoundError(`Job ${name} does not exist`, {
      remedy: 'Check the name with `fjc get`; a purged job is gone from the list already.',
    });
  if (options.expectedGeneration !== undefined && options.expectedGeneration !== record.generation)
    throw new ConflictError(
      `Job ${name} is at generation ${record.generation}, not ${options.expectedGeneration}`,
      { remedy: 'Read the job again and retry with its current generation.' },
    );
  const job = flinkJobSchema.parse(record.spec);
  const atRest =
    job.spec.state === 'suspended' &&
    record.status.phase === 'SUSPENDED' &&
    record.status.operation === undefined;
  if (!atRest)
    throw new ConflictError(
      `Job ${name} cannot be purged: it is ${record.status.phase}${record.status.operation ? ` (${record.status.operation.kind} in flight)` : ''} and its desired state is ${job.spec.state}`,
      {
        remedy:
          'Delete it first (`fjc delete NAME`), wait until it is SUSPENDED, then purge; `fjc delete NAME --purge` does all three.',
      },
    );
  await store.deleteJob(name, {
    actor: options.actor,
    expectedVersion: record.version,
    action: 'job.purged',
  });
}

/**
 * Deletes a job the way its `deletionPolicy` says. Never loses state: the default suspends with a
 * savepoint and keeps the record (so a later re-apply resumes from it); `cancel` is only allowed
 * for stateless jobs by the spec's validation, and a stateless suspend is a cancel;
 * `keep-running` forgets the job and leaves it running. Savepoint catalog and history are kept.
 */
export async function requestJobDeletion(
  store: JobStore,
  name: string,
  options: { actor: string; expectedGeneration?: number },
): Promise<DeletionOutcome> {
  const record = await store.getJob(name);
  if (!record)
    throw new NotFoundError(`Job ${name} does not exist`, {
      remedy: 'Check the name with `fjc get`.',
    });
  if (options.expectedGeneration !== undefined && options.expectedGeneration !== record.generation)
    throw new ConflictError(
      `Job ${name} is at generation ${record.generation}, not ${options.expectedGeneration}`,
      {
        remedy: 'Read the job again and retry with its current generation.',
      },
    );
  const job = flinkJobSchema.parse(record.spec);
  if (job.spec.deletionPolicy === 'keep-running') {
    await store.deleteJob(name, { actor: options.actor, expectedVersion: record.version });
    return { action: 'released' };
  }
  const suspended = flinkJobSchema.parse({
    ...encodeSpecDocument(job),
    spec: { ...encodeSpecDocument(job).spec, state: 'suspended' },
  });
  const put = await store.putDesired(desiredJobOf(suspended), {
    actor: options.actor,
    details: { deletion: job.spec.deletionPolicy },
    ...(options.expectedGeneration === undefined
      ? {}
      : { expectedGeneration: options.expectedGeneration }),
  });
  return { action: 'suspending', generation: put.record.generation };
}
