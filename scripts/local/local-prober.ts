import type { ProbeEvent, ProbeReport } from '../../functions/core/cluster-probe.js';
import { PROBE_SOURCE } from '../../functions/core/cluster-probe.js';
import {
  ClusterProbeUnavailableError,
  type ClusterProber,
} from '../../functions/core/ports/cluster-prober.js';

/**
 * The cluster probe on a laptop: the reconcile handler of this process answers the probe event,
 * as the reconcile Lambda does when the api Lambda invokes it synchronously. A refusal of the
 * handler becomes the port's one error, as a failed invocation does in AWS.
 */
export function inProcessProber(
  reconcile: (event: ProbeEvent) => Promise<ProbeReport>,
): ClusterProber {
  return {
    async probe(clusters, correlationId) {
      try {
        return await reconcile({
          source: PROBE_SOURCE,
          clusters: [...clusters],
          ...(correlationId === undefined ? {} : { correlationId }),
        });
      } catch (error) {
        throw new ClusterProbeUnavailableError(
          `The reconcile handler failed to probe: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
            remedy: 'Read the local run’s log above this line.',
          },
        );
      }
    },
  };
}
