/** How the job store's adapters fail: part of the store ports' contract, so callers need no adapter. */
import {
  ConflictError,
  FjcError,
  ValidationError,
  type FjcErrorOptions,
} from '../../commons/errors.js';

/**
 * A conditional write lost: the item changed since the caller read it. Carries the version (and
 * generation, for jobs) found when the store looked again, so the caller can re-read and retry.
 */
export class VersionConflictError extends ConflictError {
  override readonly code: string = 'VERSION_CONFLICT';
  /** The version found after the write was refused; undefined when the item is gone. */
  readonly currentVersion: number | undefined;
  readonly currentGeneration: number | undefined;

  constructor(
    message: string,
    current: { version?: number; generation?: number },
    options: FjcErrorOptions = {},
  ) {
    super(message, { remedy: 'Read the record again and retry your change.', ...options });
    this.currentVersion = current.version;
    this.currentGeneration = current.generation;
  }

  override toJSON(): ReturnType<ConflictError['toJSON']> & {
    currentVersion?: number;
    currentGeneration?: number;
  } {
    return {
      ...super.toJSON(),
      ...(this.currentVersion === undefined ? {} : { currentVersion: this.currentVersion }),
      ...(this.currentGeneration === undefined
        ? {}
        : { currentGeneration: this.currentGeneration }),
    };
  }
}

/** Another owner holds a job's lease and it has not expired. */
export class LeaseHeldError extends ConflictError {
  override readonly code: string = 'LEASE_HELD';
  readonly owner: string | undefined;
  readonly expiresAt: string | undefined;

  constructor(message: string, holder: { owner?: string; expiresAt?: string }) {
    super(message, { remedy: 'Wait for the lease to expire or be released.' });
    this.owner = holder.owner;
    this.expiresAt = holder.expiresAt;
  }
}

/** A paging parameter (`cursor`, `limit`) is malformed or does not belong to this listing. */
export class InvalidPageRequestError extends ValidationError {
  override readonly code: string = 'INVALID_PAGE_REQUEST';
}

/** An item in the table does not have the shape the store writes (manual edit, bug). */
export class CorruptItemError extends FjcError {
  override readonly code: string = 'CORRUPT_ITEM';
}

/** DynamoDB failed for a reason other than a lost condition (throttling, network, permissions). */
export class StoreUnavailableError extends FjcError {
  override readonly code: string = 'STORE_UNAVAILABLE';
}

/** A savepoint status change that its lifecycle does not allow (e.g. DISPOSED → COMPLETED). */
export class SavepointStateError extends ConflictError {
  override readonly code: string = 'SAVEPOINT_STATE';
}
