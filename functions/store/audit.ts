/**
 * The audit trail of jobs. A change cannot write the job item and a separate TTL'd audit item
 * atomically without transactions, so the job item itself keeps the last
 * {@link RECENT_HISTORY_SIZE} entries (`recentHistory`), written in the same conditional write as
 * the change — no change is ever without its audit entry. Right after the write, the entry is
 * copied to a long-term audit item whose key is derived from (time, version), so writing it again
 * is idempotent. If the process dies between the two writes, the copy is repaired when another
 * owner takes over the job's lease (see leases.ts): the new owner re-copies `recentHistory`.
 */
import {
  RECENT_HISTORY_SIZE,
  type AuditEntry,
  type AuditInput,
  type Page,
  type PageRequest,
  type RecentAuditEntry,
} from '../core/model/index.js';
import { failureName, type DynamoTable } from './dynamo/client.js';
import { auditToItem, itemToAudit } from './items.js';
import { auditSkPrefix } from './keys.js';
import { queryJobPartitionPage } from './pages.js';
import { MAX_DETAILS_BYTES, requireJsonObject, requireName } from './validate.js';

/** Where the store reports problems it deliberately does not throw (audit copies). */
export interface StoreLogger {
  warn(message: string, ...extra: unknown[]): void;
}

/**
 * The entry a change records, in the job item and (copied) in the long-term trail. Changes of the
 * desired state pass their `specHash`, so the trail says which spec each one brought.
 */
export function auditEntry(
  version: number,
  at: string,
  audit: AuditInput,
  specHash?: string,
): RecentAuditEntry {
  const details = specHash === undefined ? audit.details : { ...audit.details, specHash };
  return {
    version,
    actor: audit.actor,
    action: audit.action,
    at,
    ...(details === undefined ? {} : { details }),
  };
}

/** The job item's `recentHistory` with `entry` added, the oldest entries dropped. */
export function appendRecent(
  history: readonly RecentAuditEntry[],
  entry: RecentAuditEntry,
): RecentAuditEntry[] {
  return [...history, entry].slice(-RECENT_HISTORY_SIZE);
}

/** @throws ValidationError naming the `audit.*` field. */
export function validateAudit(audit: AuditInput): void {
  requireName(audit.actor, 'audit.actor');
  requireName(audit.action, 'audit.action');
  if (audit.details !== undefined) {
    requireJsonObject(audit.details, 'audit.details', MAX_DETAILS_BYTES);
  }
}

/** The long-term audit items of jobs. */
export class AuditTrail {
  constructor(
    private readonly table: DynamoTable,
    private readonly retentionSeconds: number,
    private readonly logger: StoreLogger,
  ) {}

  /**
   * Idempotent: the keys are derived from the entries (and `subject`, the item they were written
   * on when it is not the job's). Failures are logged, not thrown.
   */
  async copy(
    jobName: string,
    entries: readonly RecentAuditEntry[],
    subject?: string,
  ): Promise<void> {
    for (const entry of entries) {
      const item = auditToItem(
        {
          ...entry,
          jobName,
          expiresAt: Math.floor(Date.parse(entry.at) / 1000) + this.retentionSeconds,
        },
        subject,
      );
      try {
        await this.table.put({ Item: item });
      } catch (error) {
        // The change itself is committed and its entry is kept on the item written with it (the
        // job's recentHistory, a savepoint's lastChange); failing the call now would make the
        // caller retry a change that already happened.
        this.logger.warn('fjc store: audit copy failed; kept on the item written with it', {
          jobName,
          version: entry.version,
          action: entry.action,
          ...(subject === undefined ? {} : { subject }),
          error: failureName(error),
        });
      }
    }
  }

  /** A job's audit trail, newest first. */
  async list(name: string, page: PageRequest = {}): Promise<Page<AuditEntry>> {
    requireName(name, 'name');
    return queryJobPartitionPage(this.table, name, auditSkPrefix, page, itemToAudit);
  }
}
