import { randomUUID } from 'node:crypto';
import { ConfigurationError, FjcError, ValidationError } from '../commons/errors.js';
import { withCorrelation, type Observability } from '../commons/observability.js';
import {
  MAX_PROBED_CLUSTERS,
  PROBE_SOURCE,
  probeClusters,
  probeEventSchema,
  type ProbeContext,
  type ProbeOptions,
  type ProbeRefusal,
  type ProbeReport,
} from '../core/cluster-probe.js';
import { storedErrorText } from '../core/error-text.js';

/** What a function that answers probe events reads. */
export interface ProbeHandlerDeps extends Observability {
  /**
   * What a probe event (`fjc.probe`, sent synchronously by the API) reads. Absent: this
   * function answers no probe, and says so.
   */
  probe?: () => Promise<ProbeContext>;
  /** Concurrency and per-cluster deadline of a probe; the core's defaults when absent. */
  probeOptions?: ProbeOptions;
}

/** Whether `event` claims to be a probe event (it is parsed by {@link answerProbe}). */
export function isProbeEvent(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    'source' in event &&
    event.source === PROBE_SOURCE
  );
}

/**
 * A probe of the named clusters, answered to the synchronous caller (the API). A malformed
 * event is refused with what to send; the answer holds outcomes and remedies, never a secret.
 * Shared by the deploy function (AWS) and the reconcile handler (the local runtime).
 */
export async function answerProbe(deps: ProbeHandlerDeps, event: unknown): Promise<ProbeReport> {
  const parsed = probeEventSchema.safeParse(event);
  if (!parsed.success)
    throw new ValidationError(
      'Invalid probe event',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      {
        remedy: `Send {"source": "${PROBE_SOURCE}", "clusters": [1 to ${String(MAX_PROBED_CLUSTERS)} cluster names]}.`,
      },
    );
  const probe = deps.probe;
  if (probe === undefined)
    throw new ConfigurationError('This function answers no cluster probe', {
      remedy: 'Deploy an fjc version whose deploy function is wired for probes.',
    });
  const correlationId = `probe-${randomUUID()}`;
  const cause = parsed.data.correlationId;
  const keys = { correlationId, ...(cause === undefined ? {} : { causedBy: cause }) };
  return withCorrelation(deps, keys, async () => {
    const report = await probeClusters(await probe(), parsed.data.clusters, deps.probeOptions);
    // Outcomes only: the details stay in the answer, for the admin who asked.
    deps.logger.info('probed', {
      clusters: report.clusters.map((c) => ({ cluster: c.cluster, ok: c.ok })),
    });
    return report;
  });
}

/**
 * The answer to a probe that could not run: the error's code, message and remedy (bounded, as
 * every stored cause; fjc's errors carry no secrets), logged here with its cause.
 */
export function refusedProbe(deps: ProbeHandlerDeps, error: unknown): ProbeRefusal {
  deps.logger.error('probe refused', { error });
  const known = error instanceof FjcError;
  return {
    refused: {
      code: known ? error.code : 'PROBE_FAILED',
      message: storedErrorText(known ? error.message : 'The probe failed unexpectedly', 2_000),
      ...(known && error.remedy !== undefined
        ? { remedy: storedErrorText(error.remedy, 2_000) }
        : {}),
    },
  };
}
