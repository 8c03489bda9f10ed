import type { FlinkRestClient, JarSource } from '../../flink/index.js';
import type { JobStore } from '../../store/job-store.js';

/** The Flink calls operations make: a `FlinkRestClient` or anything that keeps its contract. */
export type FlinkPort = Pick<
  FlinkRestClient,
  | 'listJobs'
  | 'getJob'
  | 'getExceptions'
  | 'getLatestFailure'
  | 'getCheckpoints'
  | 'uploadJar'
  | 'runJar'
  | 'deleteJar'
  | 'triggerSavepoint'
  | 'stopWithSavepoint'
  | 'getSavepointStatus'
  | 'cancelJob'
  | 'disposeSavepoint'
  | 'awaitDisposal'
  | 'getResourceRequirements'
  | 'setResourceRequirements'
>;

/** Where job jars come from: S3 in AWS, files locally. Verifies `sha256` when given. */
export interface ArtifactSource {
  open(uri: string, sha256?: string): Promise<JarSource>;
}

/** Everything the control loop needs from the outside world, injected. */
export interface ControlContext {
  store: JobStore;
  /** The client of a declared cluster (cached per cluster by the adapter). */
  flink(clusterRef: string): Promise<FlinkPort>;
  /** The cluster's default savepoint directory, if its spec declares one. */
  savepointDirectory(clusterRef: string): Promise<string | undefined>;
  artifacts: ArtifactSource;
  now(): Date;
  /** A fresh 32-hex id (Flink job ids, trigger ids, operation ids). */
  newId(): string;
}
