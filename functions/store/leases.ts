/**
 * Job leases: the exclusive right of one worker to drive a job, until it expires. A lease lives in
 * the job item (`leaseOwner`, `leaseExpiresAt` in epoch ms — not the TTL attribute, so TTL can
 * never delete a job) and every lease change bumps the job's version, which makes the version a
 * fencing token: an owner that wakes up after a takeover can no longer write.
 */
import { ValidationError } from '../commons/errors.js';
import type { JobRecord, Lease } from '../core/model/index.js';
import { appendRecent, auditEntry, type AuditTrail } from './audit.js';
import { LeaseHeldError, VersionConflictError } from '../core/ports/index.js';
import { MAX_INTENT_RETRIES, type JobRecords } from './job-records.js';
import { requireCount, requireName } from './validate.js';

const MAX_LEASE_TTL_MS = 24 * 60 * 60 * 1000;

/** @throws ValidationError naming `path` unless 1 ms .. one day. */
export function requireTtl(ttlMs: number, path: string): void {
  requireCount(ttlMs, path, 1);
  if (ttlMs > MAX_LEASE_TTL_MS) {
    throw new ValidationError(`Invalid ${path}: at most one day.`, [
      { path, message: 'must be at most one day' },
    ]);
  }
}

/**
 * The lease `owner` gets on `job` at `now` for `ttlMs`: a new one, a renewal, or a takeover of
 * an expired one.
 * @throws LeaseHeldError when another owner holds an unexpired lease.
 */
export function leaseFor(job: JobRecord, owner: string, ttlMs: number, now: Date): Lease {
  const held = job.lease;
  if (held && held.owner !== owner && Date.parse(held.expiresAt) > now.getTime()) {
    throw new LeaseHeldError(
      `Job ${job.name} is leased by ${held.owner} until ${held.expiresAt}.`,
      held,
    );
  }
  return { owner, expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
}

/** Acquiring, renewing and releasing job leases. */
export class Leases {
  constructor(
    private readonly records: JobRecords,
    private readonly audit: AuditTrail,
  ) {}

  /** Takes or renews the lease of a job (the port's `acquireLease`). */
  async acquire(name: string, owner: string, ttlMs: number, now: Date): Promise<JobRecord> {
    requireName(name, 'name');
    requireName(owner, 'owner');
    requireTtl(ttlMs, 'ttlMs');
    const at = now.toISOString();
    for (let attempt = 0; attempt < MAX_INTENT_RETRIES; attempt++) {
      const current = await this.records.require(name);
      const lease = leaseFor(current, owner, ttlMs, now);
      const held = current.lease;
      const takeover = held !== undefined && held.owner !== owner;
      const version = current.version + 1;
      // Routine acquisitions and renewals are not audited (they would flush the useful entries out
      // of recentHistory); a takeover is, because it means the previous owner stopped mid-way.
      const entry = takeover
        ? auditEntry(version, at, {
            actor: owner,
            action: 'lease.takeover',
            details: {
              previousOwner: held.owner,
              previousExpiresAt: held.expiresAt,
              ...(current.status.operation ? { operationId: current.status.operation.id } : {}),
            },
          })
        : undefined;
      const record: JobRecord = {
        ...current,
        lease,
        version,
        updatedAt: at,
        recentHistory: entry ? appendRecent(current.recentHistory, entry) : current.recentHistory,
      };
      // The lease condition repeats what was checked on the read; the version makes it exact.
      const won = await this.records.write(record, current.version, {
        expression:
          '(attribute_not_exists(#leaseOwner) OR #leaseExpiresAt <= :now OR #leaseOwner = :owner)',
        names: { '#leaseOwner': 'leaseOwner', '#leaseExpiresAt': 'leaseExpiresAt' },
        values: { ':now': now.getTime(), ':owner': owner },
      });
      if (won) {
        // The previous owner may have died between a change and its audit copy: repair.
        if (takeover) await this.audit.copy(name, record.recentHistory);
        return record;
      }
    }
    throw new VersionConflictError(
      `Job ${name} kept changing while acquiring its lease.`,
      await this.records.currentVersion(name),
    );
  }

  /** Gives the lease of a job back (the port's `releaseLease`). */
  async release(name: string, owner: string, now: Date): Promise<JobRecord> {
    requireName(name, 'name');
    requireName(owner, 'owner');
    for (let attempt = 0; attempt < MAX_INTENT_RETRIES; attempt++) {
      const current = await this.records.require(name);
      if (!current.lease) return current;
      if (current.lease.owner !== owner) {
        throw new LeaseHeldError(
          `Job ${name} is leased by ${current.lease.owner}, not ${owner}.`,
          current.lease,
        );
      }
      const record: JobRecord = {
        ...current,
        version: current.version + 1,
        updatedAt: now.toISOString(),
      };
      delete record.lease;
      if (await this.records.write(record, current.version)) return record;
    }
    throw new VersionConflictError(
      `Job ${name} kept changing while releasing its lease.`,
      await this.records.currentVersion(name),
    );
  }
}
