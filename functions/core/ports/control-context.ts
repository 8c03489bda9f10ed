import type { ArtifactSource } from './artifacts.js';
import type { CheckpointStorage } from './checkpoint-storage.js';
import type { Clock, IdSource } from './clock.js';
import type { FlinkPort } from './flink.js';
import type { JobStore } from './job-store.js';
import type { SqlGatewayPort } from './sql-gateway.js';

/** Everything the control loop needs from the outside world, injected. */
export interface ControlContext extends Clock, IdSource {
  store: JobStore;
  /** The port of a declared cluster (cached per cluster by the adapter). */
  flink(clusterRef: string): Promise<FlinkPort>;
  /**
   * The SQL Gateway port of a declared cluster, for SQL jobs. Absent in a context that runs no
   * SQL jobs; throws `SqlGatewayMissingError` when the cluster declares no gateway.
   */
  sqlGateway?(clusterRef: string): Promise<SqlGatewayPort>;
  /** The cluster's default savepoint directory, if its spec declares one. */
  savepointDirectory(clusterRef: string): Promise<string | undefined>;
  /**
   * Called once when a reconcile cycle begins: cluster lookups for the whole cycle, from records
   * read once (one listing) instead of one read per cluster. Absent: the cycle uses `flink` and
   * `savepointDirectory` as they are.
   */
  beginCycle?(): Promise<Pick<ControlContext, 'flink' | 'savepointDirectory'>>;
  artifacts: ArtifactSource;
  /** Checkpoint and savepoint storage, read directly (the cluster may be gone). */
  checkpoints: CheckpointStorage;
  /**
   * How long a worker's lease on a job lasts unless renewed (`FJC_LEASE_TTL_SECONDS`); the
   * core's default when absent. Shorter means a dead worker's operation is taken over sooner.
   */
  leaseTtlMs?: number;
  /**
   * Who this worker is, the prefix of the lease owners it takes (`<workerId>:<id>`); `reconcile`
   * when absent. A worker that keeps its identity across restarts can recognise its own leases.
   */
  workerId?: string;
}
