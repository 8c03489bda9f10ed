/** How the API shows a savepoint catalog entry. */
import type { SavepointRecord } from '../core/model/index.js';

/** A catalog entry as the API shows it. */
export function savepointView(s: SavepointRecord): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({
      jobName: s.jobName,
      id: s.id,
      path: s.path,
      triggerKind: s.triggerKind,
      generation: s.generation,
      flinkJobId: s.flinkJobId,
      artifactDigest: s.artifactDigest,
      flinkVersion: s.flinkVersion,
      jobType: s.jobType,
      restoredFrom: s.restoredFrom,
      parentId: s.parentId,
      status: s.status,
      failureCause: s.failureCause,
      pinned: s.pinned,
      deleteRequestedAt: s.deleteRequestedAt,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    }).filter(([, value]) => value !== undefined),
  );
}
