import type { ClusterJob } from '../ports/index.js';

/**
 * What one reconcile cycle saw of a cluster: the answer of ONE `GET /jobs/overview`, indexed by
 * Flink job id, or the reason the cluster could not be asked.
 */
export type ClusterObservation =
  | { reachable: true; jobs: ReadonlyMap<string, ClusterJob>; at: Date }
  | { reachable: false; reason: string; at: Date };

/** Flink states after which the job never runs again on its cluster. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['FAILED', 'CANCELED', 'FINISHED']);
