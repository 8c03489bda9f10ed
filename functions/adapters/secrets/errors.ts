import {
  ConfigurationError,
  FjcError,
  NotFoundError,
  type FieldIssue,
} from '../../commons/errors.js';

/** The secret a cluster refers to does not exist (or is not visible to fjc). */
export class SecretNotFoundError extends NotFoundError {
  override readonly code: string = 'SECRET_NOT_FOUND';
}

/** The reference is outside the secrets fjc may read, or is not a plain secret name. */
export class SecretAccessDeniedError extends FjcError {
  override readonly code: string = 'SECRET_ACCESS_DENIED';
}

/**
 * The secret exists but is not valid JSON of one of the credential shapes. Issues name fields,
 * never values.
 */
export class InvalidSecretError extends ConfigurationError {
  override readonly code: string = 'SECRET_INVALID';
  readonly issues: readonly FieldIssue[];

  constructor(message: string, issues: readonly FieldIssue[], remedy: string) {
    super(message, { remedy });
    this.issues = issues;
  }

  override toJSON(): ReturnType<ConfigurationError['toJSON']> & {
    issues: readonly FieldIssue[];
  } {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/**
 * A cluster's url is not among the urls its secret names: fjc does not send the credentials
 * there. A changed cluster url must be matched by whoever controls the secret.
 */
export class SecretNotBoundError extends ConfigurationError {
  override readonly code: string = 'SECRET_NOT_BOUND';
}

/** The secret store failed (permissions, throttling, network). The cause holds the SDK error. */
export class SecretUnavailableError extends FjcError {
  override readonly code: string = 'SECRET_UNAVAILABLE';
}
