import type { ClusterJob, UnreadableClusterEntry } from '../ports/index.js';

/**
 * What one reconcile cycle saw of a cluster: the answer of ONE `GET /jobs/overview`, indexed by
 * Flink job id, or the reason the cluster could not be asked. Entries of the list that could not
 * be read are kept apart in `unreadable` (none when absent): they say nothing about other jobs.
 */
export type ClusterObservation =
  | {
      reachable: true;
      jobs: ReadonlyMap<string, ClusterJob>;
      unreadable?: readonly UnreadableClusterEntry[];
      at: Date;
    }
  | { reachable: false; reason: string; at: Date };

/** Flink states after which the job never runs again on its cluster. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['FAILED', 'CANCELED', 'FINISHED']);
