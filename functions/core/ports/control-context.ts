import type { ArtifactSource } from './artifacts.js';
import type { CheckpointStorage } from './checkpoint-storage.js';
import type { Clock, IdSource } from './clock.js';
import type { FlinkPort } from './flink.js';
import type { JobStore } from './job-store.js';

/** Everything the control loop needs from the outside world, injected. */
export interface ControlContext extends Clock, IdSource {
  store: JobStore;
  /** The port of a declared cluster (cached per cluster by the adapter). */
  flink(clusterRef: string): Promise<FlinkPort>;
  /** The cluster's default savepoint directory, if its spec declares one. */
  savepointDirectory(clusterRef: string): Promise<string | undefined>;
  artifacts: ArtifactSource;
  /** Checkpoint and savepoint storage, read directly (the cluster may be gone). */
  checkpoints: CheckpointStorage;
}
