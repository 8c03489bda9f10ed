/**
 * Per-cluster submission locks: at most one fjc submission (POST /jars/:id/run) in flight per
 * cluster. Flink's PythonDriver finds a REST submission's environment through JVM-global state
 * that any other submission ending on the same JobManager clears (README "PyFlink"), so fjc does
 * not overlap its own submissions on one cluster. One small item per cluster, beside the cluster
 * item; it carries no index keys (so no listing shows it) and no TTL attribute (an expired lock is
 * simply taken over, and keeping the item costs nothing).
 */
import type { SubmissionLock } from '../core/ports/index.js';
import type { DynamoTable } from './dynamo/client.js';
import { submissionLockKey } from './keys.js';
import { requireName } from './validate.js';
import { requireTtl } from './leases.js';

/** Taking and giving back the submission lock of a cluster. */
export class SubmissionLocks {
  constructor(private readonly table: DynamoTable) {}

  /**
   * Takes the lock of `clusterRef` for `owner` until `now + ttlMs`: free, expired or already
   * `owner`'s. One conditional put; when it fails, one read names the holder.
   */
  async acquire(
    clusterRef: string,
    owner: string,
    ttlMs: number,
    now: Date,
  ): Promise<SubmissionLock> {
    requireName(clusterRef, 'clusterRef');
    requireName(owner, 'owner');
    requireTtl(ttlMs, 'ttlMs');
    const key = submissionLockKey(clusterRef);
    const won = await this.table.putIf({
      Item: { ...key, type: 'submission-lock', owner, lockExpiresAt: now.getTime() + ttlMs },
      ConditionExpression: 'attribute_not_exists(#pk) OR #lockExpiresAt <= :now OR #owner = :owner',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#lockExpiresAt': 'lockExpiresAt',
        '#owner': 'owner',
      },
      ExpressionAttributeValues: { ':now': now.getTime(), ':owner': owner },
    });
    if (won) return { acquired: true };
    const held = await this.table.get(key);
    // Released between the put and the read: say "not now", the caller asks again shortly.
    if (!held) return { acquired: false, owner: 'unknown', expiresAt: now.toISOString() };
    return {
      acquired: false,
      owner: String(held.owner),
      expiresAt: new Date(Number(held.lockExpiresAt)).toISOString(),
    };
  }

  /** Gives the lock back when `owner` holds it; otherwise (expired and taken over) nothing. */
  async release(clusterRef: string, owner: string): Promise<void> {
    requireName(clusterRef, 'clusterRef');
    requireName(owner, 'owner');
    await this.table.deleteIf({
      Key: submissionLockKey(clusterRef),
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': owner },
    });
  }
}
