/**
 * The pre-flight of a SQL job: the cluster's SQL Gateway plans the new statements without
 * running them (ports/sql-gateway.ts, `plan`): a fresh session configured as the submission's,
 * the same set-up statements replayed, the job statement EXPLAINed. A statement that fails is
 * refused as a jar Flink cannot plan is, before anything running is touched.
 *
 * The new graph is not compared with the running one: EXPLAIN shows the stream graph with
 * numbered nodes, not the job vertex ids Flink derives from it when the job is submitted (a SQL
 * query's operators have no uids), so there is nothing to match the running job's vertices
 * against (docs/upgrades.md).
 */
import { ClusterRefusedError } from '../ports/index.js';
import type { FlinkJob } from '../spec/index.js';
import { notChecked, programFailed, type PreflightResult } from '../plan/preflight.js';
import type { PreflightContext, RunningJob } from './preflight.js';
import { sqlJobConfiguration, withSqlScript } from './submission/sql.js';

/**
 * Plans `spec`'s SQL statements on its cluster's gateway. A statement Flink refuses (or a cluster
 * without a gateway) is a `refused` result; only transient faults are thrown.
 */
export async function runSqlPreflight(
  ctx: PreflightContext,
  spec: FlinkJob,
  running: RunningJob | undefined,
): Promise<PreflightResult> {
  let outcome;
  try {
    outcome = await withSqlScript(ctx, spec, (gateway, script) =>
      gateway.plan(script, {
        jobName: spec.metadata.name,
        configuration: sqlJobConfiguration({
          parallelism: spec.spec.parallelism,
          flinkConfiguration: {
            ...spec.spec.flinkConfiguration,
            'pipeline.name': spec.metadata.name,
          },
        }),
      }),
    );
  } catch (error) {
    if (error instanceof ClusterRefusedError) return programFailed(error.reason);
    throw error;
  }
  if (!outcome.planned)
    return notChecked(
      `SQL jobs: the statements are not checked before the stop: ${outcome.reason}`,
    );
  return {
    verdict: 'passed',
    program: 'built',
    summary: running?.restoresState
      ? 'the SQL Gateway plans the new statements (EXPLAIN); the graph is not compared with the running job’s (SQL operator ids are generated at submission)'
      : 'the SQL Gateway plans the new statements (EXPLAIN); no running state to compare',
  };
}
