/**
 * The spec summary's stored form on a job item (items.ts writes and reads it through these): a
 * cache of what the planner reads from an unchanged spec, kept apart from the item mapping.
 */
import { z } from 'zod';
import type { JobRecord, SpecSummary } from '../core/model/index.js';

/**
 * The stored spec summary (core/model/spec-summary.ts), as one compact JSON array string: every
 * cycle reads it for every job, and an array of values is a third of the bytes of a DynamoDB map
 * with its keys. It only caches what the spec says, so one that does not decode is dropped and
 * the spec is read instead, rather than failing the whole item.
 */
const summaryTuple = z.tuple([
  z.number(),
  z.string(),
  z.string(),
  z.enum(['running', 'suspended']),
  z.number(),
  z.string(),
  z.number(),
]);

/** Decodes the stored summary; undefined when absent or unreadable. */
export const specSummaryItem = z
  .string()
  .transform((text): SpecSummary | undefined => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    const t = summaryTuple.safeParse(value);
    if (!t.success) return undefined;
    const [format, specHash, clusterRef, state, savepointNonce, intervalText, ms] = t.data;
    return {
      format,
      specHash,
      clusterRef,
      state,
      savepointNonce,
      savepointInterval: intervalText === 'off' ? 'off' : { text: intervalText, ms },
    };
  })
  .optional()
  .catch(undefined);

/** The stored form of a summary, decoded by {@link specSummaryItem}. */
function encodeSpecSummary(s: SpecSummary): string {
  const interval = s.savepointInterval;
  return JSON.stringify([
    s.format,
    s.specHash,
    s.clusterRef,
    s.state,
    s.savepointNonce,
    interval === 'off' ? 'off' : interval.text,
    interval === 'off' ? 0 : interval.ms,
  ]);
}

/** The summary attribute of a job item, when the record has one. */
export function specSummaryAttribute(job: JobRecord): { specSummary?: string } {
  return job.specSummary === undefined ? {} : { specSummary: encodeSpecSummary(job.specSummary) };
}
