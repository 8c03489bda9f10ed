/**
 * Object Created: read the spec file, check all of it, then store all of it — or store nothing
 * and say why in the result object.
 */
import { ForbiddenError, ValidationError, type FieldIssue } from '../commons/errors.js';
import { applySpecDocuments } from '../core/apply/apply-documents.js';
import { specHash } from '../core/change/index.js';
import { parseSpecDocuments, tooLargeIssue } from '../core/spec/index.js';
import { sourceActor } from './actor.js';
import type { IngestContext, IngestOutcome } from './context.js';
import { outsideScopeIssue, scopeOfKey, scopePrincipal, scopeRemedyIssue } from './key-scope.js';
import type { SpecObjectChange } from './event.js';
import { publishFailure, publishResult } from './publish-result.js';
import { requestReconcile } from './reconcile-request.js';
import type { DeclaredJob, JobResult, SpecFileResult, StoredResult } from './result.js';
import { MAX_SPEC_OBJECT_BYTES } from '../core/ports/index.js';

/** The parser's own size issue, so that ingest says what the CLI and the API say. */
function tooLarge(): FieldIssue {
  return tooLargeIssue(MAX_SPEC_OBJECT_BYTES);
}

/**
 * Applies the spec file at `key` as a whole. Order of business, and why:
 * 1. refuse a key outside every author scope (see key-scope.ts): it may change nothing;
 * 2. refuse by the event's size, then by the bytes actually read (the read stops at the limit);
 * 3. parse and validate every document, within the store's own limits;
 * 4. {@link applySpecDocuments} checks, before its first write, that the key's scope may change
 *    every document (the API's rules) and the cluster references, then writes clusters before
 *    jobs (a stored job never refers to a cluster not yet stored).
 * Any mistake found in 1–4 means nothing was written: the result is `rejected` and lists every
 * issue. A store failure during the writes (throttling, network) can leave the file partly
 * applied — there are no multi-item transactions — so the result says `failed` and the error is
 * rethrown for Lambda to retry; a retry re-applies the whole file and converges, because writing
 * an unchanged document is a no-op.
 */
export async function applySpecFile(
  ctx: IngestContext,
  change: SpecObjectChange,
  key: string,
  previous: StoredResult | undefined,
): Promise<IngestOutcome> {
  const base = {
    at: ctx.now().toISOString(),
    eventId: change.eventId,
    // A rejected or failed version changes nothing, so the last applied one stays in force.
    declared: previous?.declared ?? [],
  };
  const eventSource = {
    bucket: change.bucket,
    key,
    ...(change.versionId === undefined ? {} : { versionId: change.versionId }),
    ...(change.etag === undefined ? {} : { etag: change.etag }),
    ...(change.sequencer === undefined ? {} : { sequencer: change.sequencer }),
  };
  const reject = (source: SpecFileResult['source'], issues: FieldIssue[]): Promise<IngestOutcome> =>
    publishResult(ctx, {
      source,
      status: 'rejected',
      ...base,
      actor: sourceActor({ ...change, ...source }),
      issues,
    });

  const scope = scopeOfKey(key);
  if (scope.kind === 'none') return reject(eventSource, [outsideScopeIssue(key)]);
  if (change.size !== undefined && change.size > MAX_SPEC_OBJECT_BYTES)
    return reject(eventSource, [tooLarge()]);
  const read = await ctx.objects.get(
    change.bucket,
    key,
    change.versionId === undefined ? {} : { versionId: change.versionId },
  );
  if (read.kind === 'missing')
    return {
      status: 'ignored',
      bucket: change.bucket,
      key,
      reason:
        'the object no longer exists; it was deleted or replaced after this event, and the event of that change takes over',
    };
  if (read.kind === 'too-large') return reject(eventSource, [tooLarge()]);

  // What was actually read names the source: without a version id that may be a newer upload.
  const source = {
    ...eventSource,
    ...(read.versionId === undefined ? {} : { versionId: read.versionId }),
    ...(read.etag === undefined ? {} : { etag: read.etag }),
  };
  // Size, encoding and the store's limit per document are the parser's, as at every door.
  const parsed = parseSpecDocuments(read.bytes, { filename: key });
  if (!parsed.ok) return reject(source, parsed.issues);

  const actor = sourceActor({ ...change, ...source });
  let applied;
  try {
    applied = await applySpecDocuments(
      ctx.store,
      parsed.documents,
      {
        principal: scopePrincipal(scope, actor),
        actor,
        audit: ctx.logger ?? { info: () => undefined },
        correlationId: change.eventId,
      },
      ctx.quotas === undefined ? {} : { quotas: ctx.quotas },
    );
  } catch (error) {
    // Raised by the checks before the first write: nothing was stored.
    if (error instanceof ForbiddenError)
      return reject(source, [...error.issues, scopeRemedyIssue(scope)]);
    if (error instanceof ValidationError) return reject(source, [...error.issues]);
    await publishFailure(ctx, { source, status: 'failed', ...base, actor }, error);
    throw error;
  }

  await requestReconcile(
    ctx,
    applied.jobs.filter((job) => job.created || job.changed).map((job) => job.name),
    change.eventId,
  );

  const hashes = new Map<string, string>();
  for (const document of parsed.documents)
    if (document.kind === 'FlinkJob') hashes.set(document.metadata.name, specHash(document));
  const declared: DeclaredJob[] = applied.jobs.map((job) => ({
    name: job.name,
    generation: job.generation,
    specHash: hashes.get(job.name) ?? '',
  }));
  const jobs: JobResult[] = applied.jobs.map((job) => ({
    name: job.name,
    outcome: job.created ? 'created' : job.changed ? 'updated' : 'unchanged',
    generation: job.generation,
    specHash: hashes.get(job.name) ?? '',
  }));
  const names = new Set(declared.map((job) => job.name));
  const undeclared = base.declared.map((job) => job.name).filter((name) => !names.has(name));
  return publishResult(ctx, {
    source,
    status: 'applied',
    ...base,
    actor,
    jobs,
    clusters: applied.clusters,
    declared,
    ...(undeclared.length === 0 ? {} : { undeclared }),
  });
}
