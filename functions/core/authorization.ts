/**
 * Authorization by team ownership: the one decision every door (API, S3 ingest, local runtime)
 * asks, plus one audit line per decision.
 *
 * - `cluster:read`: any authenticated caller.
 * - `cluster:write`: admins only (a cluster decides where every team's jobs run and which
 *   credentials they are sent with).
 * - `cluster:probe`: admins only (a probe reads every cluster's secrets and storage on the
 *   caller's behalf, and its answer names them).
 * - `job:read` / `job:write`: admins, or callers belonging to EVERY team involved: the stored
 *   job's team and, for a change, the team the new spec names (so nobody can hand a job to, or
 *   take one from, a team they are not in). No team involved (e.g. history of a deleted job):
 *   admins only.
 *
 * A job the caller may not read is answered exactly like a job that does not exist
 * ({@link jobNotFound}), so neither its name nor its owner leaks.
 *
 * Every decision, allow and deny, is logged as a structured audit line. The job store records
 * allowed changes in the job's own audit trail (with the actor); denials are not written there
 * because the store has no audit-only write and a status write would bump the job version, which
 * would let a denied caller disturb the controller's in-flight operations.
 */
import { ForbiddenError, NotFoundError } from '../commons/errors.js';

/** Who acts: an authenticated caller and what it may act for. */
export interface Principal {
  /** The identity: an IAM ARN in AWS, a local name locally, a key scope for ingest. */
  id: string;
  /** Teams whose jobs the principal reads and changes. */
  teams: readonly string[];
  /** Admins read and change everything, including clusters. */
  admin: boolean;
}

/** What is being done. */
export type Permission =
  'job:read' | 'job:write' | 'cluster:read' | 'cluster:write' | 'cluster:probe';

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

/** A principal acting through one door: what its decisions and changes are recorded with. */
export interface Caller {
  principal: Principal;
  /** The actor written into the job's audit trail. */
  actor: string;
  audit: AuditLog;
  /** Ties the audit lines of one request or event together. */
  correlationId: string;
}

/** Decides an access. Pure. */
export function decide(principal: Principal, request: AccessRequest): Decision {
  if (request.permission === 'cluster:read')
    return { allowed: true, reason: 'clusters are readable by every authenticated caller' };
  if (principal.admin) return { allowed: true, reason: 'admin' };
  if (request.permission === 'cluster:write')
    return { allowed: false, reason: 'only admins change clusters' };
  if (request.permission === 'cluster:probe')
    return { allowed: false, reason: 'only admins probe clusters' };
  if (request.teams.length === 0)
    return { allowed: false, reason: 'no owning team is known: admins only' };
  const missing = request.teams.filter((team) => !principal.teams.includes(team));
  if (missing.length > 0)
    return { allowed: false, reason: `not a member of team ${[...new Set(missing)].join(', ')}` };
  return { allowed: true, reason: `member of team ${[...new Set(request.teams)].join(', ')}` };
}

/** Decides and writes the audit line; the decision is returned for the caller to act on. */
export function audited(
  audit: AuditLog,
  principal: Principal,
  request: AccessRequest,
  correlationId: string,
): Decision {
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
  return decision;
}

/** Decides, writes the audit line, and throws a {@link ForbiddenError} on denial. */
export function authorize(
  audit: AuditLog,
  principal: Principal,
  request: AccessRequest,
  correlationId: string,
): void {
  const decision = audited(audit, principal, request, correlationId);
  if (!decision.allowed)
    throw new ForbiddenError(
      `Not allowed: ${request.permission} on ${request.resource} (${decision.reason})`,
      { remedy: 'Ask an fjc admin to add your principal to the owning team.' },
    );
}

/**
 * The one answer for a job that is missing OR outside the caller's teams: the same error, word
 * for word, so a caller cannot tell the two apart.
 */
export function jobNotFound(name: string): NotFoundError {
  return new NotFoundError(`Job ${name} does not exist`, {
    remedy: 'Check the name with GET /v1/jobs, which lists the jobs of your teams.',
  });
}

/**
 * Whether `caller` may see the stored job at all (`job:read` on its team, audited). A job it may
 * not see is a {@link jobNotFound}: thrown here, never a 403.
 */
export function requireVisibleJob<T extends { name: string; team: string }>(
  caller: Caller,
  name: string,
  record: T | undefined,
): T {
  if (!record) throw jobNotFound(name);
  const decision = audited(
    caller.audit,
    caller.principal,
    { permission: 'job:read', resource: `job/${name}`, teams: [record.team] },
    caller.correlationId,
  );
  if (!decision.allowed) throw jobNotFound(name);
  return record;
}
