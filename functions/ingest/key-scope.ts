/**
 * Who a spec file speaks for, read from where it was uploaded. S3 IAM decides who may write
 * which prefix (the stack hands each team a policy for its own), so the key is the author's
 * credential, and the core authorization rules (the API's) decide what that author may change:
 *
 * - `specs/teams/<team>/…`: a member of `<team>`: FlinkJobs of that team, and only jobs that are
 *   that team's if already stored. No clusters.
 * - `specs/admin/…`: the platform team, an admin: clusters and any team's jobs.
 * - any other key under `specs/` (the old flat layout included): nobody. Refused whole, with
 *   the layout as the remedy: treating it as admin would hand admin rights to every role that
 *   was ever allowed to write `specs/*`.
 */
import type { Principal } from '../core/authorization.js';
import { SPECS_PREFIX } from './result.js';

/** Files of team `<team>` live under `specs/teams/<team>/`. */
export const TEAM_SPECS_PREFIX = `${SPECS_PREFIX}teams/`;
/** Files of the platform team (admins) live under `specs/admin/`. */
export const ADMIN_SPECS_PREFIX = `${SPECS_PREFIX}admin/`;

/** The DNS-label rule of team names (`spec.team`, the team directory). */
const TEAM = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The scope of a spec key. */
export type KeyScope =
  | { kind: 'team'; team: string; prefix: string }
  | { kind: 'admin'; prefix: string }
  | { kind: 'none' };

/** The scope of `key`, by its literal segments (as IAM matches prefixes: no normalisation). */
export function scopeOfKey(key: string): KeyScope {
  if (key.startsWith(ADMIN_SPECS_PREFIX) && key.length > ADMIN_SPECS_PREFIX.length)
    return { kind: 'admin', prefix: ADMIN_SPECS_PREFIX };
  if (!key.startsWith(TEAM_SPECS_PREFIX)) return { kind: 'none' };
  const rest = key.slice(TEAM_SPECS_PREFIX.length);
  const slash = rest.indexOf('/');
  const team = slash === -1 ? '' : rest.slice(0, slash);
  if (!TEAM.test(team) || team.length > 63 || slash === rest.length - 1) return { kind: 'none' };
  return { kind: 'team', team, prefix: `${TEAM_SPECS_PREFIX}${team}/` };
}

/** The principal a file in `scope` acts as; `actor` names it in audit lines. */
export function scopePrincipal(scope: KeyScope, actor: string): Principal {
  return {
    id: actor,
    admin: scope.kind === 'admin',
    teams: scope.kind === 'team' ? [scope.team] : [],
  };
}

/** The issue of a key outside every scope. */
export function outsideScopeIssue(key: string): { path: string; message: string } {
  return {
    path: 'source.key',
    message: `"${key.slice(0, 300)}" is in no author scope, so it may change nothing. Put a team's files under ${TEAM_SPECS_PREFIX}<team>/ (that team's jobs only) and clusters or cross-team files under ${ADMIN_SPECS_PREFIX} (the platform team)`,
  };
}

/** Why a scoped file was refused, and where the refused documents belong instead. */
export function scopeRemedyIssue(scope: KeyScope): { path: string; message: string } {
  const what =
    scope.kind === 'team'
      ? `files under ${scope.prefix} may change only jobs of team ${scope.team}`
      : 'this file may change nothing';
  return {
    path: 'source.key',
    message: `${what}; clusters and other teams' jobs are applied from ${ADMIN_SPECS_PREFIX} by the platform team (or through the API by whoever may)`,
  };
}
