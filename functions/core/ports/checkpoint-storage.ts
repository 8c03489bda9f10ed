/**
 * Checkpoint storage, read by fjc itself: after the cluster that ran a job is gone, its retained
 * checkpoints are still on storage (`<checkpoint dir>/<jobId>/chk-N/_metadata`), and only storage
 * can say whether a savepoint or checkpoint path is still restorable.
 */
import { FjcError } from '../../commons/errors.js';

/** A checkpoint or savepoint URI whose storage this runtime cannot read (so cannot check). */
export class UnsupportedStorageError extends FjcError {
  override readonly code: string = 'STORAGE_UNSUPPORTED';
}

/** A completed checkpoint found on storage. */
export interface StoredCheckpoint {
  /** The checkpoint's directory (`…/<jobId>/chk-N`), as Flink accepts it for a restore. */
  path: string;
  /** The checkpoint number N. */
  id: number;
  /** Epoch ms at which its `_metadata` was written (the checkpoint completed then). */
  at: number;
}

/** Reads checkpoint and savepoint storage (files or S3), by the URIs Flink reports. */
export interface CheckpointStorage {
  /**
   * The completed checkpoints under one job's checkpoint directory (`<dir>/<jobId>`), newest
   * first. A `chk-N` folder without `_metadata` is incomplete (or being discarded) and left out.
   * A directory that does not exist has none.
   */
  listCompleted(jobCheckpointDir: string): Promise<StoredCheckpoint[]>;
  /** Whether a savepoint or checkpoint path still holds its `_metadata` (i.e. can be restored). */
  isRestorable(path: string): Promise<boolean>;
}
