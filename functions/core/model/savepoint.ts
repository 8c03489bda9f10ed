/** The savepoint catalog: every savepoint fjc took or knows, with its lineage. */
import type { RecentAuditEntry } from './audit.js';

/** Why a savepoint was taken. */
export const SAVEPOINT_TRIGGER_KINDS = [
  'periodic',
  'upgrade',
  'suspend',
  'manual',
  'rollback',
  'delete',
  // Made elsewhere (another controller, a manual `flink savepoint`) and registered through the API.
  'registered',
] as const;
/** One of {@link SAVEPOINT_TRIGGER_KINDS}. */
export type SavepointTriggerKind = (typeof SAVEPOINT_TRIGGER_KINDS)[number];

/** States of a catalogued savepoint; DISPOSED is final. */
export const SAVEPOINT_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'FAILED', 'DISPOSED'] as const;
/** One of {@link SAVEPOINT_STATUSES}. */
export type SavepointStatus = (typeof SAVEPOINT_STATUSES)[number];

/** The kinds of program a savepoint can come from (the spec's artifact, python or sql block). */
export const SAVEPOINT_JOB_TYPES = ['jar', 'python', 'sql'] as const;
/** One of {@link SAVEPOINT_JOB_TYPES}. */
export type SavepointJobType = (typeof SAVEPOINT_JOB_TYPES)[number];

/** A savepoint in the catalog, with the lineage needed to pick a safe restore point. */
export interface SavepointRecord {
  jobName: string;
  /** Sortable: newest ids sort last (`<compact ISO createdAt>-<suffix>`). */
  id: string;
  /** Flink's location of the savepoint; known once COMPLETED. */
  path?: string;
  triggerKind: SavepointTriggerKind;
  /** The Flink trigger/request id, for polling and deduplication. */
  triggerId?: string;
  /** The spec generation the job ran when the savepoint was taken. */
  generation: number;
  artifactDigest?: string;
  flinkVersion?: string;
  /** The kind of program that wrote the savepoint. */
  jobType?: SavepointJobType;
  /** The Flink job id that produced the savepoint; unknown for a registered one. */
  flinkJobId?: string;
  /** Path of the savepoint the producing job was restored from (lineage). */
  restoredFrom?: string;
  /** Catalog id of the savepoint the producing job was restored from (lineage). */
  parentId?: string;
  status: SavepointStatus;
  failureCause?: string;
  /** Kept whatever retention says, and refused for deletion, until unpinned. */
  pinned?: boolean;
  /**
   * Set when someone asked to delete the savepoint (ISO-8601): it is no longer a restore
   * candidate, and the next retention round disposes of its files and marks it DISPOSED.
   */
  deleteRequestedAt?: string;
  /**
   * The history entry of the entry's latest change by a person (register, pin, unpin, deletion),
   * written in the same conditional write as the change; the job's trail holds a copy of it.
   */
  lastChange?: RecentAuditEntry;
  /** ISO-8601 */
  createdAt: string;
  /** ISO-8601 */
  updatedAt: string;
}

/** Fields of a new savepoint; the store sets id, status (IN_PROGRESS unless given) and times. */
export type NewSavepoint = Omit<
  SavepointRecord,
  'id' | 'status' | 'createdAt' | 'updatedAt' | 'pinned' | 'deleteRequestedAt' | 'lastChange'
> & {
  status?: Extract<SavepointStatus, 'IN_PROGRESS' | 'COMPLETED' | 'FAILED'>;
  /** Makes the id deterministic (e.g. the trigger id); a repeated add is a ConflictError. */
  idSuffix?: string;
  createdAt?: Date;
};

/** Changes of a savepoint entry (status moves IN_PROGRESS → COMPLETED|FAILED → DISPOSED). */
export interface SavepointPatch {
  status?: SavepointStatus;
  path?: string;
  failureCause?: string;
}

/** A pointer to a savepoint from the job status. */
export interface SavepointRef {
  /** Catalog id, when the savepoint is catalogued. */
  id?: string;
  path: string;
  /** ISO-8601 */
  at: string;
}
