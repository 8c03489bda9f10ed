/**
 * SQL jobs: the statements (inline, or a `.sql` artifact opened with its digest checked) run
 * through the cluster's SQL Gateway under fjc's job id and restore point. The job they start is
 * an ordinary Flink job of the cluster: every later step works on its job id as for a jar.
 */
import { FjcError } from '../../../commons/errors.js';
import {
  SqlGatewayMissingError,
  type ControlContext,
  type SqlGatewayPort,
  type SqlScript,
} from '../../ports/index.js';
import type { FlinkJob } from '../../spec/index.js';
import type { ProgramRun, ProgramSubmitter } from './index.js';

/**
 * Runs `use` with `job`'s SQL script and its cluster's gateway: the inline statements, or its
 * `.sql` artifact opened through the artifacts port (digest checked) and released afterwards.
 * The submission and the upgrade's pre-flight read the script the same way.
 *
 * @throws SqlGatewayMissingError when the context or the cluster has no SQL Gateway.
 */
export async function withSqlScript<T>(
  ctx: Pick<ControlContext, 'sqlGateway' | 'artifacts'>,
  job: FlinkJob,
  use: (gateway: SqlGatewayPort, script: SqlScript) => Promise<T>,
): Promise<T> {
  const { sql, clusterRef } = job.spec;
  if (sql === undefined)
    throw new FjcError(`job ${job.metadata.name} has no spec.sql`, {
      remedy: 'Report this: a SQL job was dispatched without its statements.',
    });
  if (ctx.sqlGateway === undefined) throw new SqlGatewayMissingError(clusterRef);
  const gateway = await ctx.sqlGateway(clusterRef);
  const opened =
    sql.statements === undefined && sql.artifact !== undefined
      ? await ctx.artifacts.open(sql.artifact.uri, sql.artifact.sha256)
      : undefined;
  const script: SqlScript =
    opened !== undefined ? { artifact: opened } : { text: sql.statements ?? '' };
  try {
    return await use(gateway, script);
  } finally {
    await opened?.release?.();
  }
}

/** The Flink configuration of a SQL job's session: its parallelism and its configuration. */
export function sqlJobConfiguration(
  run: Pick<ProgramRun, 'parallelism' | 'flinkConfiguration'>,
): Record<string, string> {
  return {
    ...(run.parallelism === undefined ? {} : { 'parallelism.default': String(run.parallelism) }),
    ...run.flinkConfiguration,
  };
}

/** Submits a SQL job's statements through its cluster's SQL Gateway. */
export const submitSql: ProgramSubmitter = async (ctx, _flink, job, run) => {
  await withSqlScript(ctx, job, async (gateway, script) => {
    await gateway.submit(script, {
      jobId: run.jobId,
      jobName: job.metadata.name,
      ...(run.savepointPath === undefined ? {} : { savepointPath: run.savepointPath }),
      ...(run.allowNonRestoredState === undefined
        ? {}
        : { allowNonRestoredState: run.allowNonRestoredState }),
      configuration: sqlJobConfiguration(run),
    });
  });
};
