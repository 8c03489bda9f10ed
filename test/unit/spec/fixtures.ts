/** Small valid spec documents for tests, as YAML text and as values. */

export const CLUSTER_YAML = `apiVersion: fjc.dev/v1
kind: FlinkCluster
metadata:
  name: local
spec:
  url: http://127.0.0.1:8081
`;

export const JOB_YAML = `apiVersion: fjc.dev/v1
kind: FlinkJob
metadata:
  name: counter
spec:
  team: platform
  clusterRef: local
  artifact:
    uri: s3://fjc-artifacts/counter/counter-1.0.jar
`;

/** A FlinkJob input value with only the required fields. */
export function minimalJob(): Record<string, unknown> {
  return {
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name: 'counter' },
    spec: {
      team: 'platform',
      clusterRef: 'local',
      artifact: { uri: 's3://fjc-artifacts/counter/counter-1.0.jar' },
    },
  };
}

/** A FlinkJob input value that sets every field. */
export function fullJob(): Record<string, unknown> {
  return {
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name: 'orders-enricher', labels: { app: 'orders', 'fjc.dev/tier': 'gold' } },
    spec: {
      team: 'payments',
      clusterRef: 'prod-eu',
      artifact: {
        uri: 's3://fjc-artifacts/orders/orders-2.3.jar',
        sha256: 'a'.repeat(64),
      },
      entryClass: 'com.example.orders.EnrichJob',
      args: ['--region', 'eu'],
      parallelism: 4,
      flinkConfiguration: { 'execution.checkpointing.interval': '10s' },
      state: 'running',
      upgradeMode: 'last-state',
      restore: { allowNonRestoredState: true, initialSavepointPath: 's3://sp/orders/savepoint-1' },
      savepointPolicy: {
        interval: '1h',
        maxCount: 3,
        maxAge: '2d',
        targetDirectory: 's3://sp/orders',
        timeout: '15m',
      },
      stabilityGate: {
        minCompletedCheckpoints: 3,
        maxRestarts: 1,
        soakWindow: '2m',
        readinessTimeout: '10m',
        minRecordsOut: 1,
        maxBusyTimeRatio: 0.9,
        maxBackpressuredTimeRatio: 0.5,
        maxCheckpointDuration: '30s',
      },
      rollback: { enabled: false },
      deletionPolicy: 'keep-running',
      restartNonce: 2,
      savepointNonce: 5,
    },
  };
}

/** A FlinkCluster input value. */
export function minimalCluster(): Record<string, unknown> {
  return {
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkCluster',
    metadata: { name: 'local' },
    spec: { url: 'http://127.0.0.1:8081' },
  };
}
