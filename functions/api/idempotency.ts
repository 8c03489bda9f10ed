/**
 * Idempotency keys for POST requests (`Idempotency-Key` header). The first request with a key
 * reserves it, runs, and stores its 2xx response for 24 hours; a retry with the same key and the
 * same request gets that stored response back without running again; the same key with a
 * different request is refused (422); a retry while the first is still running gets 409.
 *
 * Only successful responses are stored: a 4xx or 5xx changed nothing, so the reservation is
 * released and a retry runs afresh. A reservation whose holder died expires after
 * `IDEMPOTENCY_LOCK_MS`, so a crashed request does not block its key for a day.
 */
import { createHash } from 'node:crypto';
import { HttpError } from './errors.js';
import type { ApiRequest, ApiResponse } from './http.js';
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  type Reservation,
  type StoredResponse,
} from '../core/ports/index.js';

interface MemoryEntry {
  fingerprint: string;
  response?: StoredResponse;
  lockedUntil: number;
  expiresAt: number;
}

/** An in-memory {@link IdempotencyStore} for tests and single-process local use. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, MemoryEntry>();

  reserve(scope: string, key: string, fingerprint: string, now: Date): Promise<Reservation> {
    const id = `${scope}#${key}`;
    const at = now.getTime();
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt > at) {
      if (entry.fingerprint !== fingerprint) return Promise.resolve({ state: 'mismatch' });
      if (entry.response) return Promise.resolve({ state: 'replay', response: entry.response });
      if (entry.lockedUntil > at) return Promise.resolve({ state: 'in-progress' });
    }
    this.entries.set(id, {
      fingerprint,
      lockedUntil: at + IDEMPOTENCY_LOCK_MS,
      expiresAt: at + IDEMPOTENCY_TTL_MS,
    });
    return Promise.resolve({ state: 'reserved' });
  }

  complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    now: Date,
  ): Promise<void> {
    this.entries.set(`${scope}#${key}`, {
      fingerprint,
      response,
      lockedUntil: 0,
      expiresAt: now.getTime() + IDEMPOTENCY_TTL_MS,
    });
    return Promise.resolve();
  }

  release(scope: string, key: string, fingerprint: string): Promise<void> {
    const id = `${scope}#${key}`;
    const entry = this.entries.get(id);
    if (entry?.fingerprint === fingerprint && !entry.response) this.entries.delete(id);
    return Promise.resolve();
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` of a request, `undefined` when absent; 400 when malformed. */
export function idempotencyKeyOf(request: ApiRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!KEY.test(key))
    throw new HttpError(400, 'VALIDATION_FAILED', 'Invalid Idempotency-Key header', {
      issues: [
        {
          path: 'headers.Idempotency-Key',
          message: 'must be 1 to 255 visible ASCII characters (a UUID is a good choice)',
        },
      ],
      remedy: 'Send a fresh random key (e.g. a UUID) per logical request.',
    });
  return key;
}

/** What identifies "the same request": method, path, query and body. */
export function fingerprintOf(request: ApiRequest): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        request.method,
        request.path,
        Object.entries(request.query).sort(([a], [b]) => a.localeCompare(b)),
        request.body ?? '',
      ]),
    )
    .digest('hex');
}

/**
 * Runs `run` at most once per (scope, key): see the module comment. Responses replayed from the
 * store carry `idempotent-replayed: true`.
 */
export async function withIdempotency(
  store: IdempotencyStore,
  scope: string,
  key: string,
  request: ApiRequest,
  now: () => Date,
  run: () => Promise<ApiResponse>,
): Promise<ApiResponse> {
  const fingerprint = fingerprintOf(request);
  const reservation = await store.reserve(scope, key, fingerprint, now());
  switch (reservation.state) {
    case 'replay':
      return {
        ...reservation.response,
        headers: { ...reservation.response.headers, 'idempotent-replayed': 'true' },
      };
    case 'mismatch':
      throw new HttpError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request',
        { remedy: 'Use a new Idempotency-Key for a different request.' },
      );
    case 'in-progress':
      throw new HttpError(
        409,
        'IDEMPOTENCY_KEY_IN_USE',
        'A request with this Idempotency-Key is still being processed',
        { remedy: 'Retry in a few seconds.' },
      );
    case 'reserved':
      break;
  }
  let response: ApiResponse;
  try {
    response = await run();
  } catch (error) {
    // The reservation expires on its own; a failing release must not hide the real error.
    await store.release(scope, key, fingerprint).catch(() => undefined);
    throw error;
  }
  if (response.status >= 200 && response.status < 300)
    await store.complete(scope, key, fingerprint, response, now());
  else await store.release(scope, key, fingerprint);
  return response;
}
