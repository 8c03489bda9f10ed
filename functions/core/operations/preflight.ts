/**
 * Pre-flight: before anything running is stopped, the new version is prepared on its target
 * cluster and Flink builds its job graph without running it; the graph is then compared with the
 * running job's. Used by the upgrade's first step (steps/preflight.ts) and by the plan preview.
 */
import { jobTypeOf, type FlinkJob } from '../spec/index.js';
import {
  ClusterRefusedError,
  JobNotOnClusterError,
  type ControlContext,
  type FlinkPort,
} from '../ports/index.js';
import type { JobRecord } from '../model/index.js';
import {
  compareGraphs,
  judgeGraph,
  notChecked,
  programFailed,
  type PreflightResult,
} from '../plan/preflight.js';
import { planArtifact } from './jar-cache.js';
import { runSqlPreflight } from './preflight-sql.js';

/** What a pre-flight needs of the control context: the clusters, their SQL gateways, the artifacts. */
export type PreflightContext = Pick<ControlContext, 'flink' | 'sqlGateway' | 'artifacts'>;

/** The job the new version replaces, and whether its state is carried over. */
export interface RunningJob {
  flink: FlinkPort;
  jobId: string;
  /** False for a stateless upgrade: no state is restored, so none is compared. */
  restoresState: boolean;
}

/**
 * Builds `spec`'s job graph on its cluster and judges it against `running`. A program Flink cannot
 * build is a `refused` result (Flink's root cause in the summary), never an exception: only
 * transient faults (ClusterUnavailableError) and fjc's own errors are thrown.
 */
export async function runPreflight(
  ctx: PreflightContext,
  spec: FlinkJob,
  running: RunningJob | undefined,
): Promise<PreflightResult> {
  const type = jobTypeOf(spec.spec);
  if (type === 'sql') return runSqlPreflight(ctx, spec, running);
  if (type !== 'jar')
    return notChecked(
      'PyFlink jobs: the graph is not checked before the stop (the Python program is not planned by Flink’s jar plan)',
    );
  const { artifact, entryClass } = spec.spec;
  if (artifact === undefined) return programFailed('the spec has no artifact');
  const flink = await ctx.flink(spec.spec.clusterRef);
  let plan;
  try {
    plan = await planArtifact(flink, ctx.artifacts, artifact, {
      ...(entryClass === undefined ? {} : { entryClass }),
      args: spec.spec.args,
      parallelism: spec.spec.parallelism,
      flinkConfiguration: { ...spec.spec.flinkConfiguration, 'pipeline.name': spec.metadata.name },
    });
  } catch (error) {
    if (error instanceof ClusterRefusedError) return programFailed(error.reason);
    throw error;
  }
  if (!running?.restoresState) return judgeGraph(plan.vertices.length, undefined, false);
  let current, sizes;
  try {
    [current, sizes] = await Promise.all([
      running.flink.getJobPlan(running.jobId),
      running.flink.getVertexStateSizes(running.jobId),
    ]);
  } catch (error) {
    // Gone meanwhile: no running graph to compare with (the stop step finds it gone too).
    if (error instanceof JobNotOnClusterError)
      return judgeGraph(plan.vertices.length, undefined, false);
    throw error;
  }
  return judgeGraph(
    plan.vertices.length,
    compareGraphs(current, plan, sizes),
    spec.spec.restore.allowNonRestoredState,
  );
}

/**
 * The pre-flight of `job` as the next upgrade would run it, for `fjc plan --preflight`: against
 * the job's Flink job when the record says one runs, else the program alone. Writes nothing to
 * the store; it does upload the jar to the cluster (kept there for the upgrade, collected as
 * usual) and run the program's `main()` on the JobManager.
 */
export async function previewPreflight(
  ctx: PreflightContext,
  job: FlinkJob,
  record: JobRecord | undefined,
): Promise<PreflightResult> {
  const jobId = record?.status.jobId;
  const applied = record?.status.lastApplied?.spec as
    { spec?: { clusterRef?: string } } | undefined;
  const running =
    jobId === undefined
      ? undefined
      : {
          flink: await ctx.flink(applied?.spec?.clusterRef ?? job.spec.clusterRef),
          jobId,
          restoresState: job.spec.upgradeMode !== 'stateless',
        };
  return runPreflight(ctx, job, running);
}
