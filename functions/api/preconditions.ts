/**
 * Optimistic concurrency over HTTP: the ETag of a job is its generation (`"3"`), of a cluster its
 * version. `If-Match: "<n>"` makes a change conditional on it; `If-None-Match: *` makes a PUT
 * create-only. A mismatch is answered with 412.
 */
import { HttpError, preconditionFailed } from './errors.js';
import type { ApiRequest } from './http.js';

/** The ETag of a generation or version. */
export function etag(value: number): string {
  return `"${value}"`;
}

/** The precondition a request states. */
export type Precondition =
  | { kind: 'none' }
  /** `If-Match: "<n>"` */
  | { kind: 'match'; value: number }
  /** `If-Match: *`: the resource must exist. */
  | { kind: 'exists' }
  /** `If-None-Match: *`: the resource must not exist. */
  | { kind: 'absent' };

function invalid(header: string, message: string): HttpError {
  return new HttpError(400, 'VALIDATION_FAILED', `Invalid ${header} header`, {
    issues: [{ path: `headers.${header}`, message }],
  });
}

/**
 * Reads If-Match / If-None-Match. Only a single strong ETag or `*` is accepted: fjc issues one
 * ETag per resource, so a list would only hide mistakes.
 */
export function preconditionOf(request: ApiRequest, allowCreate: boolean): Precondition {
  const ifMatch = request.headers['if-match'];
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifMatch !== undefined && ifNoneMatch !== undefined)
    throw invalid('If-None-Match', 'cannot be combined with If-Match');
  if (ifNoneMatch !== undefined) {
    if (!allowCreate) throw invalid('If-None-Match', 'is not supported here');
    if (ifNoneMatch.trim() !== '*') throw invalid('If-None-Match', 'must be *');
    return { kind: 'absent' };
  }
  if (ifMatch === undefined) return { kind: 'none' };
  const value = ifMatch.trim();
  if (value === '*') return { kind: 'exists' };
  const match = /^"(\d{1,15})"$/.exec(value);
  if (!match) throw invalid('If-Match', 'must be an ETag such as "3" (with the quotes), or *');
  return { kind: 'match', value: Number(match[1]) };
}

/** Whether the request states a precondition (then lost races are 412, not 409). */
export function hasPrecondition(request: ApiRequest): boolean {
  return (
    request.headers['if-match'] !== undefined || request.headers['if-none-match'] !== undefined
  );
}

/**
 * Checks a precondition against the current generation (or version), `undefined` when the
 * resource does not exist; throws 412 when it does not hold.
 */
export function checkPrecondition(
  precondition: Precondition,
  current: number | undefined,
  what: string,
): void {
  switch (precondition.kind) {
    case 'none':
      return;
    case 'absent':
      if (current !== undefined) throw preconditionFailed(`${what} already exists`);
      return;
    case 'exists':
      if (current === undefined) throw preconditionFailed(`${what} does not exist`);
      return;
    case 'match':
      if (current !== precondition.value)
        throw preconditionFailed(
          current === undefined
            ? `${what} does not exist`
            : `${what} is at ${etag(current)}, not ${etag(precondition.value)}`,
        );
  }
}
