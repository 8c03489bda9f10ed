import { InvalidPageRequestError } from '../core/ports/index.js';

/**
 * Opaque paging cursors. A cursor is base64url JSON of DynamoDB's LastEvaluatedKey (plus the shard
 * of a sharded listing). It is validated before use: a cursor handed in from outside must not be
 * able to start a query in another partition (e.g. another team's jobs) or crash the query with a
 * malformed key.
 */

/** Where a listing resumes. */
export interface CursorPosition {
  /** Shard of a sharded listing. */
  shard?: number;
  /** The ExclusiveStartKey; absent when the shard has to be read from its start. */
  key?: Record<string, string>;
}

interface CursorPayload {
  v: 1;
  s?: number;
  k?: Record<string, string>;
}

/** What a cursor of a given listing must look like. */
export interface CursorExpectation {
  /** Exactly the attributes of LastEvaluatedKey for this query (table key + index key). */
  keyAttributes: readonly string[];
  /** The partition-key attribute of the queried index and its value for a given shard. */
  partitionAttribute: string;
  partitionValue: (shard: number | undefined) => string;
  /** For listings of one item kind inside a partition: the sort key must start with `prefix`. */
  sortPrefix?: { attribute: string; prefix: string };
  /** Present for sharded listings: shards are 0..shards-1 and `s` is required. */
  shards?: number;
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

function invalid(reason: string): InvalidPageRequestError {
  return new InvalidPageRequestError(`Invalid cursor: ${reason}.`, [
    { path: 'cursor', message: reason },
  ]);
}

/** Encodes a position as an opaque cursor. */
export function encodeCursor(position: CursorPosition): string {
  const payload: CursorPayload = { v: 1 };
  if (position.shard !== undefined) payload.s = position.shard;
  if (position.key !== undefined) payload.k = position.key;
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Decodes and validates a cursor for one listing; `undefined` means "from the start".
 * @throws InvalidPageRequestError naming `cursor` when it is malformed or from another listing.
 */
export function decodeCursor(
  cursor: string | undefined,
  expected: CursorExpectation,
): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  if (cursor.length === 0 || cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid('not a cursor returned by this listing');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor returned by this listing');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw invalid('not a cursor returned by this listing');
  }
  const { v, s, k } = payload as Partial<Record<keyof CursorPayload, unknown>>;
  if (v !== 1) throw invalid('unsupported cursor version');

  let shard: number | undefined;
  if (expected.shards !== undefined) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s >= expected.shards) {
      throw invalid('shard out of range');
    }
    shard = s;
  } else if (s !== undefined) {
    throw invalid('cursor belongs to another listing');
  }

  if (k === undefined) {
    if (shard === undefined) throw invalid('missing position');
    return { shard };
  }
  if (typeof k !== 'object' || k === null || Array.isArray(k)) throw invalid('malformed key');
  const entries = Object.entries(k as Record<string, unknown>);
  const names = entries.map(([name]) => name).sort();
  const wanted = [...expected.keyAttributes].sort();
  if (names.length !== wanted.length || names.some((name, i) => name !== wanted[i])) {
    throw invalid('cursor belongs to another listing');
  }
  const key: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== 'string' || value.length === 0) throw invalid('malformed key');
    key[name] = value;
  }
  if (key[expected.partitionAttribute] !== expected.partitionValue(shard)) {
    throw invalid('cursor belongs to another listing');
  }
  const sort = expected.sortPrefix;
  if (sort && !key[sort.attribute]?.startsWith(sort.prefix)) {
    throw invalid('cursor belongs to another listing');
  }
  return shard === undefined ? { key } : { shard, key };
}

/**
 * Validates a page size.
 * @throws InvalidPageRequestError naming `limit`.
 */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidPageRequestError(`Invalid limit: must be an integer 1..${MAX_PAGE_LIMIT}.`, [
      { path: 'limit', message: `must be an integer 1..${MAX_PAGE_LIMIT}` },
    ]);
  }
  return limit;
}
