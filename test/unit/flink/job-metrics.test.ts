import { describe, expect, it } from 'vitest';
import { readJobMetrics, sinkSideVertices } from '../../../functions/flink/job-metrics.js';
import type { FlinkRestClient } from '../../../functions/flink/index.js';

const SOURCE = 'f421c7059e6771b9a595acc02e87aaef';
const SINK = '0da08f51eaa85fc298e176a139b3649a';
/** As Flink 2.3 answered for the example job (source -> rate-limiter, counter -> discard). */
const detail = {
  vertices: [
    { id: SOURCE, name: 'Source: sequence-source -> rate-limiter', parallelism: 1 },
    { id: SINK, name: 'counter -> discard: Writer', parallelism: 1 },
  ],
  plan: {
    nodes: [
      { id: SINK, inputs: [{ id: SOURCE }] },
      { id: SOURCE, inputs: [] },
    ],
  },
};

function client(metrics: Record<string, Record<string, { sum?: unknown; max?: unknown }>>) {
  return {
    getJob: () => Promise.resolve(detail),
    getVertexMetrics: (_jobId: string, vertexId: string, names: readonly string[] = []) => {
      const all = metrics[vertexId] ?? {};
      const ids = names.length === 0 ? Object.keys(all) : names;
      return Promise.resolve(ids.map((id) => (names.length === 0 ? { id } : { id, ...all[id] })));
    },
  } as unknown as FlinkRestClient;
}

describe('the job metrics the stability gate reads', () => {
  it('finds the sink-side vertices from the plan', () => {
    expect(sinkSideVertices(detail)).toEqual([SINK]);
    expect(sinkSideVertices({ vertices: detail.vertices })).toEqual([SOURCE, SINK]);
  });

  it('counts the records that reached the sink: the fewest any chained operator received', async () => {
    const metrics = await readJobMetrics(
      client({
        [SOURCE]: {
          busyTimeMsPerSecond: { max: 1000 },
          backPressuredTimeMsPerSecond: { max: 0 },
          'Source__sequence-source.numRecordsIn': { sum: 0 },
        },
        [SINK]: {
          busyTimeMsPerSecond: { max: 138 },
          backPressuredTimeMsPerSecond: { max: 'NaN' },
          numRecordsIn: { sum: 1104 },
          'counter.numRecordsIn': { sum: 1104 },
          'discard__Writer.numRecordsIn': { sum: 0 },
        },
      }),
      SOURCE,
    );
    expect(metrics).toEqual({ recordsToSinks: 0, busyRatio: 1, backpressuredRatio: 0 });
  });

  it('reports nothing it was not told: no metrics yet is not zero', async () => {
    expect(await readJobMetrics(client({}), SOURCE)).toEqual({});
  });
});
