/**
 * A realistic fleet for the quick benchmarks: jobs whose item holds what a real one does (the spec
 * three times with a few Flink options, ten history entries, a savepoint), all RUNNING and
 * STABLE, spread over clusters; written straight as items (BatchWriteItem), which is much faster
 * than going through putDesired and transitions.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { specHash } from '../../functions/core/change/index.js';
import type { JobRecord } from '../../functions/core/model/index.js';
import type { ClusterJob } from '../../functions/core/ports/index.js';
import { specSummaryOf } from '../../functions/core/plan/spec-summary.js';
import { encodeSpecDocument, flinkJobSchema } from '../../functions/core/spec/index.js';
import type { DynamoJobStore } from '../../functions/store/index.js';
import { jobToItem } from '../../functions/store/items.js';

/** The benchmarks' "now": every record was last written then. */
export const BENCH_NOW = new Date('2026-11-27T12:00:00.000Z');

/** A client of a local dynalite on `port`. */
export function localClient(port: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const jobName = (i: number): string => `job-${pad(i, 5)}`;
export const clusterName = (c: number): string => `cluster-${pad(c, 3)}`;

/** Job `i` of a fleet on `clusters` clusters. */
export function jobRecord(i: number, clusters: number): JobRecord {
  const name = jobName(i);
  const flinkConfiguration: Record<string, string> = {};
  for (let k = 0; k < 8; k++) flinkConfiguration[`pipeline.option-${k}`] = `value-${i}-${k}`;
  const parsed = flinkJobSchema.parse({
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name, labels: { app: name, tier: 'stream' } },
    spec: {
      team: `team-${i % 40}`,
      clusterRef: clusterName(i % clusters),
      artifact: { uri: `s3://jars/app-${i % 50}.jar` },
      entryClass: 'dev.fjc.examples.StatefulCounter',
      args: ['--input', `kafka://in-${i}`, '--output', `kafka://out-${i}`],
      parallelism: 1 + (i % 8),
      flinkConfiguration,
      savepointPolicy: { interval: '6h' },
    },
  });
  const spec = encodeSpecDocument(parsed) as JobRecord['spec'];
  const hash = specHash(parsed);
  const snap = { spec, specHash: hash, generation: 3 };
  const at = BENCH_NOW.toISOString();
  return {
    name,
    team: parsed.spec.team,
    clusterRef: parsed.spec.clusterRef,
    spec,
    specHash: hash,
    // As putDesired stores it (core/desired-job.ts).
    specSummary: specSummaryOf(parsed, hash),
    generation: 3,
    version: 40,
    createdAt: at,
    updatedAt: at,
    status: {
      phase: 'STABLE',
      attempt: 2,
      jobId: i.toString(16).padStart(32, '0'),
      lastApplied: snap,
      lastStable: snap,
      observed: { state: 'RUNNING', at },
      jobStartedAt: at,
      newestSavepoint: { id: `sp-${i}`, path: `s3://savepoints/${name}/savepoint-1`, at },
      checkpointLocation: `s3://checkpoints/${name}`,
    },
    recentHistory: Array.from({ length: 10 }, (_, k) => ({
      version: 31 + k,
      actor: 'fjc:reconcile',
      action: 'settle',
      at,
      details: { reason: 'job is RUNNING again' },
    })),
  };
}

/**
 * Writes `jobs` jobs on `clusters` clusters into `table` and returns each cluster's job list as
 * Flink would show it.
 */
export async function populate(
  client: DynamoDBClient,
  table: string,
  jobs: number,
  clusters: number,
  store: DynamoJobStore,
): Promise<Map<string, ClusterJob[]>> {
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const items = Array.from({ length: jobs }, (_, i) => jobToItem(jobRecord(i, clusters)));
  for (let start = 0; start < items.length; start += 25 * 8) {
    await Promise.all(
      Array.from({ length: 8 }, async (_, b) => {
        let batch = items.slice(start + b * 25, start + (b + 1) * 25);
        while (batch.length > 0) {
          const out = await doc.send(
            new BatchWriteCommand({
              RequestItems: { [table]: batch.map((Item) => ({ PutRequest: { Item } })) },
            }),
          );
          batch = (out.UnprocessedItems?.[table] ?? []).map(
            (r) => r.PutRequest?.Item as Record<string, unknown>,
          );
        }
      }),
    );
  }
  for (let c = 0; c < clusters; c++)
    await store.putCluster({
      name: clusterName(c),
      spec: {
        apiVersion: 'fjc.dev/v1',
        kind: 'FlinkCluster',
        metadata: { name: clusterName(c) },
        spec: { url: `http://flink-${c}.internal:8081` },
      },
    });
  const byCluster = new Map<string, ClusterJob[]>();
  for (let i = 0; i < jobs; i++) {
    const ref = clusterName(i % clusters);
    const list = byCluster.get(ref) ?? [];
    list.push({ jobId: i.toString(16).padStart(32, '0'), state: 'RUNNING', startTime: 0 });
    byCluster.set(ref, list);
  }
  return byCluster;
}
