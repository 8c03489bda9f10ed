/**
 * The port through which ingest reads spec files and keeps its result objects. Adapter:
 * `S3SpecObjects` (functions/adapters). Kept this small so the ingest logic runs against any object store.
 */
import { FjcError } from '../../commons/errors.js';
import { MAX_SPEC_FILE_BYTES } from '../spec/limits.js';

/** A result object exists but is not JSON (someone other than ingest wrote it). */
export class ResultObjectUnreadableError extends FjcError {
  override readonly code: string = 'RESULT_UNREADABLE';
}

/** Spec files larger than this (the parser's limit, 1 MiB) are refused without being read. */
export const MAX_SPEC_OBJECT_BYTES = MAX_SPEC_FILE_BYTES;

/** The outcome of reading a spec object. */
export type SpecObjectRead =
  /** The object (or that version of it) does not exist. */
  | { readonly kind: 'missing' }
  /** Larger than the limit: at most the limit plus one byte was read before giving up. */
  | { readonly kind: 'too-large'; readonly size: number | undefined; readonly limit: number }
  /**
   * The bytes of the object, as stored: decoding (UTF-8, byte order mark) is the parser's, the
   * same for every door.
   */
  | {
      readonly kind: 'bytes';
      readonly bytes: Uint8Array;
      readonly size: number;
      readonly etag?: string;
      readonly versionId?: string;
    };

/** Reading spec objects and writing/reading the JSON result objects next to them. */
export interface SpecObjectStore {
  /**
   * Reads a spec object (a given version, or the current one), refusing anything larger than
   * `limit` bytes (default {@link MAX_SPEC_OBJECT_BYTES}) without holding more than that in memory.
   */
  get(
    bucket: string,
    key: string,
    options?: { versionId?: string; limit?: number },
  ): Promise<SpecObjectRead>;
  /** Whether the key has a current version that is an object (not a delete marker, not absent). */
  exists(bucket: string, key: string): Promise<boolean>;
  /** Writes a JSON document (a result object), replacing what was there. */
  putResult(bucket: string, key: string, value: unknown): Promise<void>;
  /**
   * Reads a JSON document written by {@link putResult}; `undefined` when there is none.
   * @throws ResultObjectUnreadableError when the object is not JSON.
   */
  getResult(bucket: string, key: string): Promise<unknown>;
}

/** S3 returns ETags quoted in headers and bare in events; compare them bare. */
export function unquoteEtag(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}
