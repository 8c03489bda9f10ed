import { ValidationError } from '../commons/errors.js';
import { MAX_SPEC_DOCUMENT_BYTES } from '../core/spec/limits.js';

/**
 * Input checks of the store. Names end up inside keys, so they are bounded and free of control
 * characters; opaque JSON is bounded so a job item (which holds up to three specs plus its recent
 * history) stays well under DynamoDB's 400 KB item limit.
 */

/**
 * Largest accepted spec, as JSON text. Three copies + history must fit in 400 KB. The parser
 * refuses larger documents with the same constant, so what validates is what the store takes.
 */
export const MAX_SPEC_BYTES = MAX_SPEC_DOCUMENT_BYTES;
/** Largest accepted opaque payload of an operation or an audit entry, as JSON text. */
export const MAX_DETAILS_BYTES = 4 * 1024;

const NAME = /^[^\p{Cc}]{1,200}$/u;

function fail(path: string, message: string): never {
  throw new ValidationError(`Invalid ${path}: ${message}.`, [{ path, message }]);
}

/** A name used in a key (job, team, cluster, owner, actor). */
export function requireName(value: unknown, path: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    fail(path, 'must be 1..200 characters without control characters');
  }
  return value;
}

/** A JSON object no larger than `maxBytes` once serialized. */
export function requireJsonObject(value: unknown, path: string, maxBytes: number): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, 'must be a JSON object');
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    fail(path, 'must be serializable as JSON');
  }
  if (Buffer.byteLength(text, 'utf8') > maxBytes) fail(path, `must be at most ${maxBytes} bytes`);
}

/** A non-negative integer (counts, versions). */
export function requireCount(value: unknown, path: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(path, `must be an integer >= ${min}`);
  }
  return value;
}

/** A one-of value. */
export function requireOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: string,
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(path, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
