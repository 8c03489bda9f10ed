/**
 * SQL jobs: the statements (inline, or a `.sql` artifact opened with its digest checked) run
 * through the cluster's SQL Gateway under fjc's job id and restore point. The job they start is
 * an ordinary Flink job of the cluster: every later step works on its job id as for a jar.
 */
import { FjcError } from '../../../commons/errors.js';
import { SqlGatewayMissingError, type SqlScript } from '../../ports/index.js';
import type { ProgramSubmitter } from './index.js';

/** Submits a SQL job's statements through its cluster's SQL Gateway. */
export const submitSql: ProgramSubmitter = async (ctx, _flink, job, run) => {
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
    await submit(script);
  } finally {
    await opened?.release?.();
  }
  async function submit(script: SqlScript): Promise<void> {
    await gateway.submit(script, {
      jobId: run.jobId,
      jobName: job.metadata.name,
      ...(run.savepointPath === undefined ? {} : { savepointPath: run.savepointPath }),
      ...(run.allowNonRestoredState === undefined
        ? {}
        : { allowNonRestoredState: run.allowNonRestoredState }),
      configuration: {
        ...(run.parallelism === undefined
          ? {}
          : { 'parallelism.default': String(run.parallelism) }),
        ...run.flinkConfiguration,
      },
    });
  }
};
