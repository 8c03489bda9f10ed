/**
 * Planning spec files against the API: read each declared resource (its ETag and stored spec),
 * then ask `POST /v1/plan` what applying the file would do. The reads come first on purpose:
 * `apply` writes with If-Match on the ETags read here, so a change made by someone else after
 * this plan was computed makes the write fail (412) instead of silently overwriting it.
 */
import { encodeSpecDocument, type SpecDocument } from '../../functions/core/spec/index.js';
import type { ApiClient } from './api-client.js';
import type { ClusterView, JobView, PlanEntry } from './api-types.js';
import { diffLeaves, valueAt, type FieldDiff } from './diff.js';
import { CliError, EXIT } from './errors.js';
import { specContentType, type SpecFile } from './spec-files.js';

/** One document of a plan, with what is needed to apply it. */
export interface PlannedDocument {
  file: string;
  document: SpecDocument;
  entry: PlanEntry;
  /** The stored resource's ETag, `undefined` when it does not exist. */
  etag: string | undefined;
  /** The changed values (updates only; empty when the stored spec is not readable). */
  diffs: FieldDiff[];
  /** The stored job's generation and spec hash (FlinkJob documents that exist). */
  storedJob?: { generation: number; specHash: string };
}

/** The API path of a document's resource. */
export function resourcePath(document: SpecDocument): string {
  const name = encodeURIComponent(document.metadata.name);
  return document.kind === 'FlinkJob' ? `/v1/jobs/${name}` : `/v1/clusters/${name}`;
}

/** Runs `task` over `items`, at most `width` at a time, keeping the order of results. */
async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map(task))));
  return results;
}

function diffsOf(document: SpecDocument, entry: PlanEntry, stored: unknown): FieldDiff[] {
  if (entry.action !== 'update' || stored === undefined) return [];
  const local = encodeSpecDocument(document);
  if (document.kind === 'FlinkCluster') return diffLeaves(stored, local);
  // The API names the job fields that changed (with their class); show exactly those.
  return (entry.changedFields ?? []).map(({ field }) => ({
    path: field,
    before: valueAt(stored, field),
    after: valueAt(local, field),
  }));
}

/** How to plan. */
export interface PlanOptions {
  /** Also run each job's upgrade pre-flight on its cluster (`POST /v1/plan?preflight=true`). */
  preflight?: boolean;
}

async function planFile(
  client: ApiClient,
  file: SpecFile,
  options: PlanOptions,
): Promise<PlannedDocument[]> {
  const current = await inBatches(file.documents, 8, (document) =>
    client.getOptional<JobView | ClusterView>(resourcePath(document)),
  );
  const reply = await client.request<{ documents: PlanEntry[] }>('POST', '/v1/plan', {
    body: { text: file.text, contentType: specContentType(file.file) },
    ...(options.preflight === true ? { query: { preflight: 'true' } } : {}),
  });
  const entries = reply.body.documents;
  return file.documents.map((document, index) => {
    // The API answers in document order; the kind and name check guards against a mismatch.
    const entry =
      entries[index]?.kind === document.kind && entries[index].name === document.metadata.name
        ? entries[index]
        : entries.find((e) => e.kind === document.kind && e.name === document.metadata.name);
    if (entry === undefined)
      throw new CliError(
        `The plan of ${file.file} has no entry for ${document.kind}/${document.metadata.name}`,
        {
          exitCode: EXIT.FAILED,
        },
      );
    const stored = current[index];
    const job = document.kind === 'FlinkJob' ? (stored?.body as JobView | undefined) : undefined;
    return {
      file: file.file,
      document,
      entry,
      etag: stored?.etag,
      diffs: diffsOf(document, entry, stored?.body.spec),
      ...(job === undefined
        ? {}
        : { storedJob: { generation: job.generation, specHash: job.specHash } }),
    };
  });
}

/** Plans every file, in order. */
export async function planFiles(
  client: ApiClient,
  files: readonly SpecFile[],
  options: PlanOptions = {},
): Promise<PlannedDocument[]> {
  const planned: PlannedDocument[] = [];
  for (const file of files) planned.push(...(await planFile(client, file, options)));
  return planned;
}
