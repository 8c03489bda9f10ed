/**
 * The ingest of one change of one spec object: which key it is about, whether it is still news,
 * then apply (Object Created) or withdraw (Object Deleted) the file.
 */
import type { IngestContext, IngestOutcome } from './context.js';
import { keyCandidates, type SpecObjectChange } from './event.js';
import { applySpecFile } from './apply-spec-file.js';
import {
  SPECS_PREFIX,
  compareSequencers,
  readStoredResult,
  resultKeyFor,
  type StoredResult,
} from './result.js';
import { ResultObjectUnreadableError } from '../core/ports/index.js';
import { withdrawSpecFile } from './withdraw-spec-file.js';

async function previousResult(
  ctx: IngestContext,
  bucket: string,
  key: string,
): Promise<{ found: boolean; result?: StoredResult }> {
  let value: unknown;
  try {
    value = await ctx.objects.getResult(bucket, resultKeyFor(key));
  } catch (error) {
    if (!(error instanceof ResultObjectUnreadableError)) throw error;
    ctx.logger?.warn('ignoring an unreadable result object', { key, error: error.message });
    return { found: true };
  }
  if (value === undefined) return { found: false };
  const result = readStoredResult(value);
  if (!result) ctx.logger?.warn('ignoring a result object of an unknown shape', { key });
  return result ? { found: true, result } : { found: true };
}

/**
 * Finds the key the event means (see {@link keyCandidates}) and its previous result. Usually
 * there is one candidate; otherwise the first that exists (created) or has a result (deleted).
 */
async function resolve(
  ctx: IngestContext,
  change: SpecObjectChange,
): Promise<{ key: string; previous: StoredResult | undefined }> {
  const candidates = keyCandidates(change.key).filter((key) => key.startsWith(SPECS_PREFIX));
  let chosen = candidates[0] ?? change.key;
  let previous: { found: boolean; result?: StoredResult } | undefined;
  for (const key of candidates.length > 1 ? candidates : []) {
    if (change.change === 'created' && (await ctx.objects.exists(change.bucket, key))) {
      chosen = key;
      break;
    }
    if (change.change === 'deleted') {
      const found = await previousResult(ctx, change.bucket, key);
      if (found.found) {
        chosen = key;
        previous = found;
        break;
      }
    }
  }
  previous ??= await previousResult(ctx, change.bucket, chosen);
  return { key: chosen, previous: previous.result };
}

function ignored(change: SpecObjectChange, reason: string): IngestOutcome {
  return { status: 'ignored', bucket: change.bucket, key: change.key, reason };
}

/**
 * Ingests one change of a spec object. Never throws for a problem of the file (that becomes a
 * `rejected` result object); throws for failures of S3 or the store, after writing a `failed`
 * result where possible, so that Lambda retries the event.
 *
 * Events may arrive late, twice or out of order. The result object keeps the S3 sequencer of the
 * change it reflects; an event older than that is ignored, and one equal to it (a redelivery) is
 * processed again, which is idempotent.
 */
export async function ingestSpecFile(
  ctx: IngestContext,
  change: SpecObjectChange,
): Promise<IngestOutcome> {
  if (ctx.bucket !== undefined && change.bucket !== ctx.bucket)
    return ignored(change, `the bucket is not the spec bucket ${ctx.bucket}`);
  if (!change.key.startsWith(SPECS_PREFIX))
    return ignored(change, `the key is not under ${SPECS_PREFIX}`);
  if (change.key.endsWith('/')) return ignored(change, 'the key is a folder marker, not a file');

  const { key, previous } = await resolve(ctx, change);
  const last = previous?.source.sequencer;
  if (
    last !== undefined &&
    change.sequencer !== undefined &&
    compareSequencers(change.sequencer, last) < 0
  )
    return {
      status: 'ignored',
      bucket: change.bucket,
      key,
      reason: `a later change of this key (sequencer ${last}) was already ingested`,
    };
  return change.change === 'created'
    ? applySpecFile(ctx, change, key, previous)
    : withdrawSpecFile(ctx, change, key, previous);
}
