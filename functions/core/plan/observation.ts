/**
 * What one reconcile cycle saw of a cluster: the answer of ONE `GET /jobs/overview`, indexed by
 * Flink job id, or the reason the cluster could not be asked.
 */
export interface ObservedJob {
  jobId: string;
  state: string;
  startTime: number;
  /** `Default`, `Adaptive` or `AdaptiveBatch`; Flink reports it from 2.0 on. */
  schedulerType?: string;
}

export type ClusterObservation =
  | { reachable: true; jobs: ReadonlyMap<string, ObservedJob>; at: Date }
  | { reachable: false; reason: string; at: Date };

/** Flink states after which the job never runs again on its cluster. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['FAILED', 'CANCELED', 'FINISHED']);
