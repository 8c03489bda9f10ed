/**
 * Content identity of specs: the same desired state always hashes the same, whatever the key
 * order or formatting of the file it came from.
 */
import { createHash } from 'node:crypto';
import { FjcError } from '../../commons/errors.js';
import { encodeSpecDocument, type SpecDocument } from '../spec/index.js';

/**
 * JSON with object keys sorted at every level and `undefined` members left out, so that equal
 * values give equal text. Only JSON values are accepted: anything else has no canonical form.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FjcError(`cannot hash the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      );
    return `{${members.join(',')}}`;
  }
  throw new FjcError(`cannot hash a value of type ${typeof value}`);
}

/**
 * The sha256 (64 lowercase hex digits) of a document's canonical JSON. It hashes the input form
 * with defaults filled in (durations as written, e.g. `"30m"`): writing a default explicitly or
 * reordering keys does not change the hash, while changing the internal parsed representation
 * of fjc does not either. Generations (how often a job's spec changed) are counted by the store.
 */
export function specHash(document: SpecDocument): string {
  return createHash('sha256')
    .update(canonicalJson(encodeSpecDocument(document)))
    .digest('hex');
}
