import type { JsonObject } from './json.js';

/** An audit entry kept inside the job record (the last {@link RECENT_HISTORY_SIZE} changes). */
export interface RecentAuditEntry {
  /** The job version this change produced. */
  version: number;
  actor: string;
  action: string;
  /** ISO-8601 */
  at: string;
  details?: JsonObject;
}

/** How many audit entries the job record itself keeps (see the `JobStore` audit notes). */
export const RECENT_HISTORY_SIZE = 10;

/** Who did what, recorded with a change. */
export interface AuditInput {
  actor: string;
  action: string;
  details?: JsonObject;
}

/** One entry of a job's long-term audit trail (expires after the store's retention). */
export interface AuditEntry extends RecentAuditEntry {
  jobName: string;
  /** Epoch seconds at which DynamoDB TTL deletes the entry. */
  expiresAt: number;
}
