/**
 * Authorization by team ownership. Pure decisions plus one audit line per decision:
 *
 * - `cluster:read`: any authenticated caller.
 * - `cluster:write`: admins only.
 * - `job:read` / `job:write`: admins, or callers belonging to EVERY team involved: the stored
 *   job's team and, for a change, the team the new spec names (so nobody can hand a job to, or
 *   take one from, a team they are not in). No team involved (e.g. history of a deleted job):
 *   admins only.
 *
 * Every decision, allow and deny, is logged as a structured audit line. The job store records
 * allowed changes in the job's own audit trail (with the actor); denials are not written there
 * because the store has no audit-only write and a status write would bump the job version, which
 * would let a denied caller disturb the controller's in-flight operations.
 */
import { forbidden } from './errors.js';
import type { Membership } from './team-directory.js';

/** An authenticated caller and its memberships. */
export interface Principal extends Membership {
  /** The identity: an IAM ARN in AWS, a local name locally. */
  id: string;
}

/** What is being done. */
export type Permission = 'job:read' | 'job:write' | 'cluster:read' | 'cluster:write';

/** One access to decide. */
export interface AccessRequest {
  permission: Permission;
  /** What is accessed, for the audit line, e.g. `job/orders`. */
  resource: string;
  /** Teams that own what is accessed (stored and, for a change, new); empty for clusters. */
  teams: readonly string[];
}

/** An authorization decision and why. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/** Where audit lines go (the Powertools logger in practice). */
export interface AuditLog {
  info(message: string, attributes: Record<string, unknown>): void;
}

/** Decides an access. Pure. */
export function decide(principal: Principal, request: AccessRequest): Decision {
  if (request.permission === 'cluster:read')
    return { allowed: true, reason: 'clusters are readable by every authenticated caller' };
  if (principal.admin) return { allowed: true, reason: 'admin' };
  if (request.permission === 'cluster:write')
    return { allowed: false, reason: 'only admins change clusters' };
  if (request.teams.length === 0)
    return { allowed: false, reason: 'no owning team is known: admins only' };
  const missing = request.teams.filter((team) => !principal.teams.includes(team));
  if (missing.length > 0)
    return { allowed: false, reason: `not a member of team ${[...new Set(missing)].join(', ')}` };
  return { allowed: true, reason: `member of team ${[...new Set(request.teams)].join(', ')}` };
}

/** Decides, writes the audit line, and throws a 403 on denial. */
export function authorize(
  audit: AuditLog,
  principal: Principal,
  request: AccessRequest,
  correlationId: string,
): void {
  const decision = decide(principal, request);
  audit.info('authorization', {
    audit: 'authorization',
    principal: principal.id,
    permission: request.permission,
    resource: request.resource,
    teams: request.teams,
    allowed: decision.allowed,
    reason: decision.reason,
    correlationId,
  });
  if (!decision.allowed)
    throw forbidden(
      `Not allowed: ${request.permission} on ${request.resource} (${decision.reason})`,
      'Ask an fjc admin to add your principal to the owning team.',
    );
}
