/** What the ingest logic runs against, and what it reports back to the handler. */
import type { JobStore } from '../core/ports/index.js';
import type { AuditLog } from '../core/authorization.js';
import type { SpecFileResult, SpecFileStatus } from './result.js';
import type { ReconcileTrigger, SpecObjectStore } from '../core/ports/index.js';
import type { TeamQuotas } from '../core/apply/team-quota.js';

/**
 * Where ingest reports things it handles itself, and its authorization and change audit lines (a
 * Powertools Logger fits).
 */
export interface IngestLogger extends AuditLog {
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

/** The ports ingest needs. */
export interface IngestContext {
  store: JobStore;
  objects: SpecObjectStore;
  now: () => Date;
  logger?: IngestLogger;
  /** When set, events about any other bucket are ignored (a misrouted rule, not a spec). */
  bucket?: string;
  /**
   * The event path: told about the jobs a file changed, after the writes, for a targeted
   * reconcile. Absent: the scheduled cycle alone picks changes up.
   */
  reconcile?: ReconcileTrigger;
  /** Per-team quotas (the team directory's `quotas`); absent: none. */
  quotas?: TeamQuotas;
}

/** What one event led to. */
export type IngestOutcome =
  /** The result object at `resultKey` was written with this content. */
  | {
      status: SpecFileStatus;
      bucket: string;
      key: string;
      resultKey: string;
      result: SpecFileResult;
    }
  /** Nothing to do (stale or misrouted event, folder marker…); nothing was written anywhere. */
  | { status: 'ignored'; bucket: string; key: string; reason: string };
