import type { Node } from 'constructs';

/** One checkpoint/savepoint location fjc may read: a bucket and an optional key prefix. */
export interface CheckpointLocation {
  readonly bucket: string;
  /** Without a trailing slash; empty for the whole bucket. */
  readonly prefix: string;
}

const LOCATION =
  /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/([A-Za-z0-9!_.*'()/-]*[A-Za-z0-9!_.*'()-]))?\/?$/;

/**
 * Reads `fjc:checkpointLocations` (a list, or comma-separated, of `bucket` or `bucket/prefix`):
 * where the clusters keep checkpoints and savepoints, which deploy and verify list and probe to
 * resume from the newest completed checkpoint. Default none.
 */
export function readCheckpointLocations(node: Node): CheckpointLocation[] {
  const raw: unknown = node.tryGetContext('fjc:checkpointLocations');
  if (raw === undefined || raw === '') return [];
  const entries =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== '')
      : Array.isArray(raw) && raw.every((entry) => typeof entry === 'string')
        ? raw
        : undefined;
  if (entries === undefined)
    throw new Error('Context fjc:checkpointLocations must be a list or a comma-separated string');
  return entries.map((entry) => {
    const match = LOCATION.exec(entry);
    if (match?.[1] === undefined)
      throw new Error(
        `Context fjc:checkpointLocations must hold bucket or bucket/prefix (no s3://), got ${JSON.stringify(entry)}`,
      );
    return { bucket: match[1], prefix: match[2] ?? '' };
  });
}
