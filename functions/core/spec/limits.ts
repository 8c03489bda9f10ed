/**
 * The limits of reading a spec: one set, applied the same way at every door (CLI, API, ingest),
 * so that what `fjc validate` accepts, the API and ingest accept, and the reverse. Each limit is
 * far above what a real spec needs and far below what stalls a door: a spec is a few kilobytes
 * with a few dozen values; an attacker's file is a megabyte built to multiply work.
 */

/** Largest spec file or request body, in bytes, refused before it is parsed. */
export const MAX_SPEC_FILE_BYTES = 1_048_576;

/**
 * Largest single document as the store keeps it (its JSON text). The store refuses larger specs
 * (a job item holds up to three of them plus history, within DynamoDB's 400 KB), so the parser
 * refuses them too: a spec `fjc validate` accepts is one the store accepts.
 */
export const MAX_SPEC_DOCUMENT_BYTES = 100 * 1024;

/** More documents than this in one file is a mistake (or an attack), not a fleet. */
export const MAX_DOCUMENTS = 1_000;

/** The budgets of one read; tests and tools may pass tighter ones, doors use {@link SPEC_LIMITS}. */
export interface SpecLimits {
  /** Bytes per file or body. */
  readonly fileBytes: number;
  /** Bytes per document as stored JSON. */
  readonly documentBytes: number;
  /** Documents per file. */
  readonly documents: number;
  /** Levels of nested mappings and lists; a spec uses four. */
  readonly depth: number;
  /**
   * Keys and values per file, counting those reached through aliases each time they are reached:
   * bounds every walk over the documents, whatever aliases make of them.
   */
  readonly nodes: number;
  /** Aliases (`*name`) per document. */
  readonly aliases: number;
  /** Problems listed; the rest are counted ("… and N more problems"). */
  readonly issues: number;
  /** CPU time (user + system, milliseconds) one read may take before it gives up. */
  readonly cpuMs: number;
}

/** The limits every door applies. */
export const SPEC_LIMITS: SpecLimits = {
  fileBytes: MAX_SPEC_FILE_BYTES,
  documentBytes: MAX_SPEC_DOCUMENT_BYTES,
  documents: MAX_DOCUMENTS,
  depth: 32,
  nodes: 100_000,
  aliases: 100,
  issues: 100,
  cpuMs: 2_000,
};
