/**
 * `POST /v1/clusters/probe`: the control plane's own view of the clusters (admins only). The API
 * runs outside the Flink-facing network and holds no cluster secret, so it asks the deploy
 * function, which has both and the checkpoint storage, and waits for its answer
 * (core/cluster-probe.ts).
 */
import { z } from 'zod';
import { ValidationError } from '../../commons/errors.js';
import {
  MAX_PROBED_CLUSTERS,
  auditProbe,
  authorizeProbe,
  probeReportSchema,
} from '../../core/cluster-probe.js';
import { ClusterProbeUnavailableError } from '../../core/ports/cluster-prober.js';
import { readQuery } from '../body.js';
import { HttpError } from '../errors.js';
import { jsonResponse } from '../http.js';
import type { Route } from '../router.js';
import { nameSchema } from '../schemas.js';

/** Query of `POST /v1/clusters/probe`. */
export const probeQuerySchema = z.strictObject({
  clusters: z
    .string()
    .max(MAX_PROBED_CLUSTERS * 64)
    .optional()
    .describe(
      `Comma-separated cluster names, at most ${String(MAX_PROBED_CLUSTERS)}; default: every registered cluster (when there are at most ${String(MAX_PROBED_CLUSTERS)}).`,
    ),
});

/** The answer of `POST /v1/clusters/probe`. */
export const probeResultSchema = probeReportSchema
  .extend({ ok: z.boolean().describe('True when no check of any cluster failed.') })
  .describe(
    'Per cluster, in the order asked: record, secret (readable, never its value), rest (reachable, Flink version and whether fjc supports it) and storage (savepoint and checkpoint directories listable) checks, each ok, failed (with the remedy) or skipped (with why).',
  );

/** The names the query gives, each once and valid; undefined when it gives none. */
function namesGiven(given: string | undefined): string[] | undefined {
  if (given === undefined) return undefined;
  const names = [...new Set(given.split(',').map((n) => n.trim()))];
  const issues = names
    .map((name, index) => ({ name, index, parsed: nameSchema.safeParse(name) }))
    .filter((n) => !n.parsed.success)
    .map((n) => ({
      path: `query.clusters[${String(n.index)}]`,
      message: n.parsed.error?.issues.map((i) => i.message).join('; ') ?? 'invalid',
    }));
  if (names.length > MAX_PROBED_CLUSTERS)
    issues.push({
      path: 'query.clusters',
      message: `must name at most ${String(MAX_PROBED_CLUSTERS)} clusters`,
    });
  if (issues.length > 0) throw new ValidationError('Invalid clusters to probe', issues);
  return names;
}

/** Every registered cluster, when there are few enough for one probe. */
async function registeredNames(context: Parameters<Route['handle']>[0]): Promise<string[]> {
  const page = await context.deps.store.listClusters({ limit: MAX_PROBED_CLUSTERS + 1 });
  if (page.items.length > MAX_PROBED_CLUSTERS)
    throw new ValidationError(
      'Too many clusters to probe at once',
      [
        {
          path: 'query.clusters',
          message: `is required with more than ${String(MAX_PROBED_CLUSTERS)} registered clusters`,
        },
      ],
      {
        remedy: `Name at most ${String(MAX_PROBED_CLUSTERS)} clusters per request: ?clusters=a,b,c.`,
      },
    );
  return page.items.map((c) => c.name);
}

const probeClustersRoute: Route = {
  method: 'POST',
  path: '/v1/clusters/probe',
  operationId: 'probeClusters',
  doc: {
    summary: 'Probe clusters from the control plane (admins only)',
    description:
      'Asks the deploy function, which runs where the Flink-facing network is and reads the clusters’ secrets and checkpoint storage, whether each cluster’s REST API answers (and with a Flink version fjc supports), whether its secrets are readable and its checkpoint storage listable. Synchronous and bounded (a few seconds per cluster); audited. 503 when the probe itself cannot run.',
    tags: ['clusters'],
    query: probeQuerySchema,
    responses: { 200: { description: 'The probe, per cluster.', schema: probeResultSchema } },
    errors: [400, 403],
  },
  async handle(context) {
    const query = readQuery(context.request, probeQuerySchema);
    const given = namesGiven(query.clusters);
    // Decided before anything is read: a non-admin learns nothing, not even the cluster names.
    authorizeProbe(context.caller, given ?? ['*']);
    const names = given ?? (await registeredNames(context));
    const prober = context.deps.probe;
    if (prober === undefined)
      throw new HttpError(503, 'PROBE_UNAVAILABLE', 'This API cannot probe clusters', {
        remedy:
          'Set FJC_PROBE_FUNCTION for the api function (the stack does), or run fjc locally with npm run local.',
      });
    if (names.length === 0) return jsonResponse(200, { clusters: [], ok: true });
    let report;
    try {
      report = await prober.probe(names, context.caller.correlationId);
    } catch (error) {
      if (error instanceof ClusterProbeUnavailableError)
        throw new HttpError(503, error.code, error.message, {
          cause: error,
          ...(error.remedy === undefined ? {} : { remedy: error.remedy }),
        });
      throw error;
    }
    auditProbe(context.caller, report);
    return jsonResponse(200, { ...report, ok: report.clusters.every((c) => c.ok) });
  },
};

/** The probe route of `/v1/clusters`. */
export const clusterProbeRoutes: readonly Route[] = [probeClustersRoute];
