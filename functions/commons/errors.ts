/**
 * The one error hierarchy of fjc. Every error carries a stable `code`, the `cause` it wraps,
 * and a `remedy`: what the person reading it can do about it. Messages never contain secret
 * values; callers that wrap foreign errors must pass them as `cause`, not into the message.
 */
export interface FjcErrorOptions {
  /** The underlying error, kept for diagnosis (never rendered into API responses). */
  cause?: unknown;
  /** What the user can do about it, in one sentence. */
  remedy?: string;
}

export class FjcError extends Error {
  /** A stable, machine-readable identifier of the error kind. */
  readonly code: string = 'FJC_ERROR';
  readonly remedy: string | undefined;

  constructor(message: string, options: FjcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.remedy = options.remedy;
  }

  /** A plain object safe to log or return: message, code and remedy, no cause chain. */
  toJSON(): { name: string; code: string; message: string; remedy?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.remedy === undefined ? {} : { remedy: this.remedy }),
    };
  }
}

/** One problem with an input, located by its path (e.g. `spec.savepointPolicy.maxCount`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Input that does not satisfy its schema. Lists every problem, not only the first. */
export class ValidationError extends FjcError {
  override readonly code: string = 'VALIDATION_FAILED';
  readonly issues: readonly FieldIssue[];

  constructor(message: string, issues: readonly FieldIssue[], options: FjcErrorOptions = {}) {
    super(message, { remedy: 'Fix the fields listed and submit again.', ...options });
    this.issues = issues;
  }

  override toJSON(): ReturnType<FjcError['toJSON']> & { issues: readonly FieldIssue[] } {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** Something the caller named does not exist. */
export class NotFoundError extends FjcError {
  override readonly code: string = 'NOT_FOUND';
}

/**
 * The caller may not do this: authenticated, but outside the team, scope or role it needs.
 * `issues` locates each refused part when one request touches several things (a spec file).
 */
export class ForbiddenError extends FjcError {
  override readonly code: string = 'FORBIDDEN';
  readonly issues: readonly FieldIssue[];

  constructor(message: string, options: FjcErrorOptions & { issues?: readonly FieldIssue[] } = {}) {
    super(message, options);
    this.issues = options.issues ?? [];
  }

  override toJSON(): ReturnType<FjcError['toJSON']> & { issues: readonly FieldIssue[] } {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** A concurrent writer changed the item first (optimistic concurrency lost). */
export class ConflictError extends FjcError {
  override readonly code: string = 'CONFLICT';
}

/** Configuration of fjc itself (environment, files) is missing or wrong. */
export class ConfigurationError extends FjcError {
  override readonly code: string = 'CONFIGURATION';
}
