/**
 * Path parameters and paging: validated names, the actor recorded in audit entries, and the
 * paging arguments handed to the store.
 */
import { ValidationError } from '../commons/errors.js';
import type { PageRequest } from '../core/model/index.js';
import type { Principal } from '../core/authorization.js';
import type { RouteContext } from './router.js';
import { nameSchema } from './schemas.js';

/** A path parameter that must be a DNS-label name; 400 naming it otherwise. */
export function nameParam(context: RouteContext, param = 'name'): string {
  const value = context.params[param] ?? '';
  const parsed = nameSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(`Invalid ${param} in the path`, [
    { path: param, message: parsed.error.issues.map((i) => i.message).join('; ') },
  ]);
}

/** Longest actor the store accepts in an audit entry. */
const MAX_ACTOR = 200;

/** The actor of audit entries: the principal (IAM ARNs fit; longer ones are cut, marked). */
export function actorOf(principal: Principal): string {
  return principal.id.length <= MAX_ACTOR ? principal.id : `${principal.id.slice(0, 197)}...`;
}

/** The store's paging arguments from validated `cursor` and `limit`. */
export function pageOf(query: {
  cursor?: string | undefined;
  limit?: number | undefined;
}): PageRequest {
  return {
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  };
}
