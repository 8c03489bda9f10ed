/**
 * Asks the part of fjc that runs where the Flink-facing network is to probe clusters, and waits
 * for its answer (core/cluster-probe.ts). Adapters: a synchronous invocation of the deploy
 * Lambda's `probe` alias (AWS), an in-process call of the reconcile handler (`npm run local`).
 */
import { FjcError } from '../../commons/errors.js';
import type { ProbeReport } from '../cluster-probe.js';

/** The probe could not be run or answered nothing readable; no cluster was judged. */
export class ClusterProbeUnavailableError extends FjcError {
  override readonly code: string = 'PROBE_UNAVAILABLE';
}

/** Probes clusters from the control plane. */
export interface ClusterProber {
  /**
   * The probe of 1 to `MAX_PROBED_CLUSTERS` cluster names. A cluster that fails is a failed
   * check in the report, never a rejection.
   *
   * @throws ClusterProbeUnavailableError when the probe itself could not run.
   */
  probe(clusters: readonly string[], correlationId?: string): Promise<ProbeReport>;
}
