/**
 * How errors become HTTP responses. Every error has one JSON shape,
 * `{ error: { code, message, remedy?, issues?, correlationId } }`. Client errors (4xx) say what is
 * wrong and how to fix it; server faults (5xx) say only that something failed and give the
 * correlation id: no stack, no cause, no store or table names.
 */
import {
  ConflictError,
  FjcError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldIssue,
  type FjcErrorOptions,
} from '../commons/errors.js';
import { StoreUnavailableError, VersionConflictError } from '../core/ports/index.js';
import type { ApiResponse } from './http.js';

/** An error that already knows its HTTP status (authorization, media type, preconditions, …). */
export class HttpError extends FjcError {
  override readonly code: string;
  readonly status: number;
  readonly issues: readonly FieldIssue[] | undefined;
  /** Extra response headers, e.g. `allow` on a 405. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: FjcErrorOptions & {
      issues?: readonly FieldIssue[];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }
}

/** 400 with the listed field issues. */
export function badRequest(message: string, issues: readonly FieldIssue[]): ValidationError {
  return new ValidationError(message, issues);
}

/** 401: no identity established by the transport. */
export function unauthenticated(): HttpError {
  return new HttpError(401, 'UNAUTHENTICATED', 'The request is not authenticated', {
    remedy: 'Sign the request with AWS SigV4 (or, locally, send Authorization: Bearer <token>).',
  });
}

/** 412: an If-Match / If-None-Match precondition does not hold. */
export function preconditionFailed(message: string): HttpError {
  return new HttpError(412, 'PRECONDITION_FAILED', message, {
    remedy: 'Read the resource again and retry with its current ETag.',
  });
}

/** The status of a failure, the error code and what may be shown to the caller. */
interface Mapped {
  status: number;
  code: string;
  message: string;
  remedy?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
  headers?: Readonly<Record<string, string>>;
}

function map(error: unknown, precondition: boolean): Mapped {
  if (error instanceof HttpError)
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      remedy: error.remedy,
      issues: error.issues,
      headers: error.headers,
    };
  if (error instanceof ValidationError)
    return {
      status: 400,
      code: error.code,
      message: error.message,
      remedy: error.remedy,
      issues: error.issues,
    };
  if (error instanceof ForbiddenError)
    return {
      status: 403,
      code: error.code,
      message: error.message,
      remedy: error.remedy,
      issues: error.issues,
    };
  if (error instanceof NotFoundError)
    return { status: 404, code: error.code, message: error.message, remedy: error.remedy };
  // A lost conditional write is a failed precondition when the caller stated one (If-Match);
  // without one, the API made the condition itself and the caller just raced someone: 409.
  if (error instanceof VersionConflictError)
    return precondition
      ? {
          status: 412,
          code: 'PRECONDITION_FAILED',
          message: error.message,
          remedy: 'Read the resource again and retry with its current ETag.',
        }
      : { status: 409, code: 'CONFLICT', message: error.message, remedy: error.remedy };
  if (error instanceof ConflictError)
    return { status: 409, code: 'CONFLICT', message: error.message, remedy: error.remedy };
  if (error instanceof StoreUnavailableError)
    return {
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'The state store is temporarily unavailable',
      remedy: 'Retry with backoff.',
    };
  return {
    status: 500,
    code: 'INTERNAL',
    message: 'An internal error occurred',
    remedy: 'Retry later; if it persists, report the correlation id.',
  };
}

/**
 * The response for an error thrown while serving a request.
 *
 * @param precondition whether the request carried If-Match/If-None-Match (decides 412 vs 409).
 */
export function errorResponse(
  error: unknown,
  correlationId: string,
  precondition = false,
): ApiResponse {
  const mapped = map(error, precondition);
  return {
    status: mapped.status,
    headers: { ...mapped.headers },
    body: {
      error: {
        code: mapped.code,
        message: mapped.message,
        ...(mapped.remedy === undefined ? {} : { remedy: mapped.remedy }),
        ...(mapped.issues === undefined || mapped.issues.length === 0
          ? {}
          : { issues: mapped.issues }),
        correlationId,
      },
    },
  };
}
