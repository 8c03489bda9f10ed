/** A catalogued savepoint as retention sees it. */
export interface RetainedSavepoint {
  id: string;
  status: string;
  createdAt: string;
}

export interface RetentionPolicy {
  maxCount: number;
  maxAgeMs: number;
}

/**
 * The savepoints to dispose of: beyond `maxCount` completed ones, or older than `maxAge`. The
 * newest completed savepoint is never disposed of, whatever its age: it may be the only state
 * the job can restore. Savepoints in flight or already disposed are left alone.
 */
export function retentionCandidates<T extends RetainedSavepoint>(
  savepoints: readonly T[],
  policy: RetentionPolicy,
  now: Date,
): T[] {
  const completed = savepoints
    .filter((s) => s.status === 'COMPLETED')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return completed.filter(
    (s, index) =>
      index > 0 &&
      (index >= policy.maxCount || now.getTime() - Date.parse(s.createdAt) > policy.maxAgeMs),
  );
}
