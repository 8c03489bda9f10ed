/**
 * The use case "make this FlinkJob document the job's desired state", the same at every door:
 * the API's PUT and actions, S3 ingest and the local runtime. Who may do it is decided by
 * {@link authorize}; the write is conditional on the generation the decision was based on, so a
 * job cannot change owner between the check and the write.
 */
import { ValidationError } from '../../commons/errors.js';
import type { JobRecord, JsonObject } from '../model/index.js';
import type { JobStore, PutDesiredResult } from '../ports/index.js';
import { authorize, requireVisibleJob, type Caller } from '../authorization.js';
import { desiredJobOf } from '../desired-job.js';
import { jobTypeOf, type FlinkJob } from '../spec/index.js';
import { sqlGatewayMissingMessage, storedClusterHasSqlGateway } from './sql-gateway-rule.js';
import { checkTeamQuotas, type TeamQuotas } from './team-quota.js';

/** Options of {@link applyJob}. */
export interface ApplyJobOptions {
  /**
   * Checked with the current generation (`undefined`: no such job) once access is granted and
   * before anything else: the API's If-Match / If-None-Match.
   */
  precondition?: (generation: number | undefined) => void;
  /** The generation the write must find; default: the one just read (0: must not exist). */
  expectedGeneration?: number;
  /** Recorded with the change in the job's audit trail. */
  details?: JsonObject;
  /** The teams' quotas (team directory); absent: no quotas. */
  quotas?: TeamQuotas;
}

/**
 * Decides whether `caller` may make `job` the desired state, without writing. In this order, so
 * that no answer depends on a job the caller may not see:
 * 1. the team the document names (a 403 here says nothing about any stored job);
 * 2. the stored job, if any, must be visible: otherwise it is answered as not found;
 * 3. both teams together (handing a job over needs membership of both).
 *
 * @returns the stored job (`undefined` when there is none), to condition the write on.
 * @throws ForbiddenError or NotFoundError (see {@link requireVisibleJob}).
 */
export async function authorizeJobChange(
  store: Pick<JobStore, 'getJob'>,
  job: FlinkJob,
  caller: Caller,
): Promise<JobRecord | undefined> {
  const name = job.metadata.name;
  const resource = `job/${name}`;
  const check = (teams: string[]): void => {
    authorize(
      caller.audit,
      caller.principal,
      { permission: 'job:write', resource, teams },
      caller.correlationId,
    );
  };
  check([job.spec.team]);
  const current = await store.getJob(name);
  if (!current) return undefined;
  requireVisibleJob(caller, name, current);
  check([current.team, job.spec.team]);
  return current;
}

/**
 * Writes `job` as the desired state of a job already authorized by {@link authorizeJobChange}
 * (`current` is what that call returned). Re-writing an unchanged spec writes nothing.
 */
export function writeJob(
  store: Pick<JobStore, 'putDesired'>,
  job: FlinkJob,
  caller: Caller,
  current: JobRecord | undefined,
  options: Pick<ApplyJobOptions, 'expectedGeneration' | 'details'> = {},
): Promise<PutDesiredResult> {
  return store.putDesired(desiredJobOf(job), {
    actor: caller.actor,
    expectedGeneration: options.expectedGeneration ?? current?.generation ?? 0,
    ...(options.details === undefined ? {} : { details: options.details }),
  });
}

/**
 * Makes one FlinkJob document the job's desired state: authorization, the caller's
 * precondition, the cluster it names must be stored, then one conditional write.
 *
 * @throws ForbiddenError, NotFoundError (a job the caller may not see), ValidationError (unknown
 *   cluster), QuotaExceededError (the team's quota), whatever `precondition` throws, and the store's VersionConflictError when the job
 *   changed after it was read.
 */
export async function applyJob(
  store: Pick<JobStore, 'getJob' | 'getCluster' | 'putDesired' | 'listJobsByTeam'>,
  job: FlinkJob,
  caller: Caller,
  options: ApplyJobOptions = {},
): Promise<PutDesiredResult> {
  const current = await authorizeJobChange(store, job, caller);
  options.precondition?.(current?.generation);
  const cluster = await store.getCluster(job.spec.clusterRef);
  if (!cluster)
    throw new ValidationError('The job refers to a cluster fjc does not know', [
      {
        path: 'spec.clusterRef',
        message: `no FlinkCluster named "${job.spec.clusterRef}" is stored`,
      },
    ]);
  if (jobTypeOf(job.spec) === 'sql' && !storedClusterHasSqlGateway(cluster))
    throw new ValidationError('The SQL job’s cluster has no SQL Gateway', [
      { path: 'spec.sql', message: sqlGatewayMissingMessage(job.spec.clusterRef) },
    ]);
  await checkTeamQuotas(store, options.quotas, [{ job, path: '' }]);
  return writeJob(store, job, caller, current, options);
}
