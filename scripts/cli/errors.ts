/**
 * How the CLI fails: one error type that knows its exit code, so every command reports problems
 * the same way and scripts can branch on the outcome without parsing text.
 */
import type { FieldIssue } from '../../functions/commons/errors.js';

/**
 * Exit codes of `fjc`. Scripts branch on them: 2 means "fix your input", 3 means "someone else
 * changed it first, read again and retry", 1 means "it did not work" (server, network, rollout).
 */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  INVALID: 2,
  CONFLICT: 3,
} as const;

/** One of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Options of a {@link CliError}. */
export interface CliErrorOptions {
  exitCode: ExitCode;
  /** Every field problem, printed as `path: message`. */
  issues?: readonly FieldIssue[];
  /** What the user can do about it. */
  remedy?: string | undefined;
  /** Extra lines worth showing (e.g. the HTTP status and correlation id). */
  details?: readonly string[];
  /** The HTTP status, when the error is an API response. */
  httpStatus?: number;
  cause?: unknown;
}

/** A failure the CLI reports as text and an exit code, never as a stack trace. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly issues: readonly FieldIssue[];
  readonly remedy: string | undefined;
  readonly details: readonly string[];
  readonly httpStatus: number | undefined;

  constructor(message: string, options: CliErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode;
    this.issues = options.issues ?? [];
    this.remedy = options.remedy;
    this.details = options.details ?? [];
    this.httpStatus = options.httpStatus;
  }
}

/**
 * The exit code for an HTTP error status. 404 counts as invalid input: the name given does not
 * exist. 401/403 are failures, not input errors: the same command works with other credentials.
 */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 409 || status === 412) return EXIT.CONFLICT;
  if (status === 400 || status === 404 || status === 405 || status === 413 || status === 415)
    return EXIT.INVALID;
  if (status === 422) return EXIT.INVALID;
  return EXIT.FAILED;
}
