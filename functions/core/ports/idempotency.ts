/** Idempotency keys of the API's POST requests: where reservations and stored responses live. */

/** How long a stored response is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a reservation protects a request in flight (a Lambda times out well before). */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000;

/** The response stored for replay. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** What {@link IdempotencyStore.reserve} found. */
export type Reservation =
  | { state: 'reserved' }
  | { state: 'replay'; response: StoredResponse }
  | { state: 'mismatch' }
  | { state: 'in-progress' };

/**
 * Port: where keys and stored responses live. `scope` is the caller, so keys never collide.
 * Adapters: `MemoryIdempotencyStore` (functions/api/idempotency.ts, tests and the local run) and
 * `DynamoIdempotencyStore` (functions/store/idempotency.ts).
 */
export interface IdempotencyStore {
  /** Reserves `key` for a request with `fingerprint`, or reports what holds it. */
  reserve(scope: string, key: string, fingerprint: string, now: Date): Promise<Reservation>;
  /** Stores the response of the reserved request. */
  complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    now: Date,
  ): Promise<void>;
  /** Drops a reservation that produced no response worth replaying. */
  release(scope: string, key: string, fingerprint: string): Promise<void>;
}
