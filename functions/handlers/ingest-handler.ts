import { METRIC } from '../commons/metric-names.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { FjcError } from '../commons/errors.js';
import { withCorrelation, type Observability } from '../commons/observability.js';
import type { IngestContext, IngestOutcome } from '../ingest/context.js';
import { parseSpecObjectEvent } from '../ingest/event.js';
import { ingestSpecFile } from '../ingest/ingest-spec-file.js';

/**
 * Metrics of ingest. Kept here until they join `METRIC` in commons/metric-names.ts (and the
 * dashboard); the names are final.
 */
/** The ingest metrics, from the shared names the dashboard reads. */
export const INGEST_METRIC = {
  SpecFilesApplied: METRIC.SpecFilesApplied,
  SpecFilesRejected: METRIC.SpecFilesRejected,
} as const;

/** Logged with a rejection; a file can have hundreds of issues, the result object has them all. */
const LOGGED_ISSUES = 20;

/** Just the event id, read before the full validation so even a bad event is correlated. */
const eventIdSchema = z.looseObject({ id: z.string().min(1) });

/** Dependencies of {@link createIngestHandler}. */
export interface IngestHandlerDeps extends Observability {
  /** The ports, built lazily on the first event (cold start). */
  context: () => Promise<Omit<IngestContext, 'logger'>>;
}

function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof FjcError) return { error: error.toJSON() };
  return { error: error instanceof Error ? { name: error.name, message: error.message } : error };
}

function logOutcome(deps: IngestHandlerDeps, outcome: IngestOutcome): void {
  const { logger, metrics } = deps;
  const where = { bucket: outcome.bucket, key: outcome.key, status: outcome.status };
  if (outcome.status === 'ignored') {
    logger.info('spec change ignored', { ...where, reason: outcome.reason });
    return;
  }
  const { result, resultKey } = outcome;
  const fields = {
    ...where,
    resultKey,
    versionId: result.source.versionId,
    actor: result.actor,
    jobs: result.jobs?.map((job) => `${job.name}:${job.outcome}`),
    clusters: result.clusters?.map((cluster) => cluster.name),
    issueCount: result.issues?.length ?? 0,
    issues: result.issues?.slice(0, LOGGED_ISSUES),
  };
  if (outcome.status === 'applied') {
    metrics.addMetric(INGEST_METRIC.SpecFilesApplied, MetricUnit.Count, 1);
    logger.info('spec file applied', fields);
  } else if (outcome.status === 'rejected') {
    metrics.addMetric(INGEST_METRIC.SpecFilesRejected, MetricUnit.Count, 1);
    logger.warn('spec file rejected', fields);
  } else {
    logger.info(`spec file ${outcome.status}`, fields);
  }
}

/**
 * The ingest Lambda: one S3 EventBridge notification (a spec object created or deleted) per
 * invocation. A malformed event is an error (Lambda retries, then dead-letters it for a person to
 * look at); a wrong spec file is not — it is answered with a `rejected` result object next to it.
 * Failures of S3 or DynamoDB are rethrown so Lambda retries the event.
 */
export function createIngestHandler(
  deps: IngestHandlerDeps,
): (event: unknown) => Promise<IngestOutcome> {
  return async (event) => {
    const id = eventIdSchema.safeParse(event);
    const correlationId = `ingest-${id.success ? id.data.id : randomUUID()}`;
    return withCorrelation(deps, { correlationId }, async () => {
      try {
        const change = parseSpecObjectEvent(event);
        const context = await deps.context();
        const outcome = await ingestSpecFile({ ...context, logger: deps.logger }, change);
        logOutcome(deps, outcome);
        return outcome;
      } catch (error) {
        deps.logger.error('spec change not ingested', errorFields(error));
        throw error;
      }
    });
  };
}
