/**
 * How a person's change of the savepoint catalog is recorded in the job's history, the same for
 * every door (the API routes, and the CLI and the local runtime through them). The store writes
 * the entry in the same conditional write as the catalog change (see `SavepointChangeAudit`).
 */
import type { JsonObject } from './model/index.js';
import type { SavepointChangeAudit } from './ports/index.js';

/** The catalog changes people make, with the history code each records. */
export const SAVEPOINT_CHANGES = {
  register: { action: 'savepoint-registered' },
  pin: { action: 'savepoint-pinned' },
  unpin: { action: 'savepoint-unpinned' },
  delete: { action: 'savepoint-deletion-requested' },
} as const;
/** One of the keys of {@link SAVEPOINT_CHANGES}. */
export type SavepointChange = keyof typeof SAVEPOINT_CHANGES;

/**
 * The history entry of a catalog change by `actor`, decided against the job at `jobVersion`. The
 * store adds the savepoint's id and path; `details` says how it came (`via`, correlation id,
 * the caller's reason).
 */
export function savepointChangeAudit(
  change: SavepointChange,
  actor: string,
  jobVersion: number,
  details: JsonObject = {},
): SavepointChangeAudit {
  return { actor, action: SAVEPOINT_CHANGES[change].action, jobVersion, details };
}
