/**
 * Reads a job's health metrics for the stability gate from Flink's REST metrics: per vertex, the
 * subtask metrics aggregated by the JobManager (`…/subtasks/metrics?get=…&agg=sum,max`). Metric
 * ids are as Flink 1.20 and 2.x report them: task-level `busyTimeMsPerSecond`,
 * `backPressuredTimeMsPerSecond`, and operator-level `<operator>.numRecordsIn`.
 */
import type { JobMetrics } from '../core/ports/index.js';
import type { FlinkRestClient } from './flink-rest-client.js';
import type { AggregatedMetrics, JobDetail } from './schemas.js';

const BUSY = 'busyTimeMsPerSecond';
const BACKPRESSURED = 'backPressuredTimeMsPerSecond';
/** An operator's records in: `<operator>.numRecordsIn` (the task's own has no operator part). */
const OPERATOR_RECORDS_IN = /^.+\.numRecordsIn$/;

const finite = (value: unknown): number | undefined => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** Vertices no other vertex reads from: where the job's records leave it. */
export function sinkSideVertices(detail: Pick<JobDetail, 'vertices' | 'plan'>): string[] {
  const consumed = new Set(
    (detail.plan?.nodes ?? []).flatMap((node) => (node.inputs ?? []).map((input) => input.id)),
  );
  return detail.vertices.map((v) => v.id).filter((id) => !consumed.has(id));
}

const highest = (metrics: AggregatedMetrics, id: string): number | undefined =>
  finite(metrics.find((m) => m.id === id)?.max);

/**
 * The fewest records any chained operator of a sink-side vertex received: an operator that drops
 * everything (or a sink that is never fed) shows as 0 even when the vertex's head reads plenty.
 */
function recordsIntoLast(metrics: AggregatedMetrics): number | undefined {
  const counts = metrics
    .filter((m) => OPERATOR_RECORDS_IN.test(m.id))
    .map((m) => finite(m.sum))
    .filter((n): n is number => n !== undefined);
  return counts.length === 0 ? undefined : Math.min(...counts);
}

const maxOf = (values: (number | undefined)[]): number | undefined => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
};

/** One look at the job's metrics; absent values were not reported (yet). */
export async function readJobMetrics(client: FlinkRestClient, jobId: string): Promise<JobMetrics> {
  const detail = await client.getJob(jobId);
  const sinks = new Set(sinkSideVertices(detail));
  const perVertex = await Promise.all(
    detail.vertices.map(async (vertex) => {
      const available = (await client.getVertexMetrics(jobId, vertex.id)).map((m) => m.id);
      const wanted = [
        BUSY,
        BACKPRESSURED,
        ...(sinks.has(vertex.id) ? available.filter((id) => OPERATOR_RECORDS_IN.test(id)) : []),
      ].filter((id) => available.includes(id));
      const metrics =
        wanted.length === 0 ? [] : await client.getVertexMetrics(jobId, vertex.id, wanted);
      return {
        busy: highest(metrics, BUSY),
        backpressured: highest(metrics, BACKPRESSURED),
        recordsIn: sinks.has(vertex.id) ? recordsIntoLast(metrics) : undefined,
        sink: sinks.has(vertex.id),
      };
    }),
  );
  const busy = maxOf(perVertex.map((v) => v.busy));
  const backpressured = maxOf(perVertex.map((v) => v.backpressured));
  const sinkCounts = perVertex.filter((v) => v.sink).map((v) => v.recordsIn);
  // Every sink-side vertex must have reported: a partial sum would understate the output.
  const recordsToSinks =
    sinkCounts.length > 0 && sinkCounts.every((n) => n !== undefined)
      ? sinkCounts.reduce((sum, n) => sum + n, 0)
      : undefined;
  return {
    ...(recordsToSinks === undefined ? {} : { recordsToSinks }),
    ...(busy === undefined ? {} : { busyRatio: busy / 1000 }),
    ...(backpressured === undefined ? {} : { backpressuredRatio: backpressured / 1000 }),
  };
}
