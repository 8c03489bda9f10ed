/** A catalogued savepoint as retention sees it. */
export interface RetainedSavepoint {
  id: string;
  status: string;
  createdAt: string;
  /** Pinned savepoints are kept whatever their count or age. */
  pinned?: boolean;
  /** Someone asked to delete it: disposed of at the next round (unless pinned since). */
  deleteRequestedAt?: string;
}

export interface RetentionPolicy {
  maxCount: number;
  maxAgeMs: number;
}

/**
 * The savepoints to dispose of: beyond `maxCount` completed ones, older than `maxAge`, or asked
 * to be deleted. The newest completed savepoint not asked to be deleted is never disposed of,
 * whatever its age: it may be the only state the job can restore. Pinned savepoints are never
 * disposed of, and count towards `maxCount` (a pin is a choice to keep more, not to shift the
 * window). Savepoints in flight or already disposed are left alone.
 */
export function retentionCandidates<T extends RetainedSavepoint>(
  savepoints: readonly T[],
  policy: RetentionPolicy,
  now: Date,
): T[] {
  const completed = savepoints
    .filter((s) => s.status === 'COMPLETED')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const kept = completed.filter((s) => s.deleteRequestedAt === undefined);
  const newest = kept[0];
  const doomed = kept.filter(
    (s, index) =>
      s !== newest &&
      (index >= policy.maxCount || now.getTime() - Date.parse(s.createdAt) > policy.maxAgeMs),
  );
  const requested = savepoints.filter(
    (s) => s.deleteRequestedAt !== undefined && (s.status === 'COMPLETED' || s.status === 'FAILED'),
  );
  return [...doomed, ...requested].filter((s) => s.pinned !== true);
}
