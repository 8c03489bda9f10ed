import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  UnsupportedStorageError,
  type CheckpointStorage,
  type StoredCheckpoint,
} from '../core/ports/index.js';

export { UnsupportedStorageError };

const CHECKPOINT_DIR = /^chk-(\d+)$/;

/** `file:/x`, `file:///x` and `/x` (Flink writes all three) as a local path. */
export function localPathOf(uri: string): string {
  if (uri.startsWith('file://')) return fileURLToPath(uri);
  if (uri.startsWith('file:')) return uri.slice('file:'.length);
  if (uri.startsWith('/')) return uri;
  throw new UnsupportedStorageError(`${uri} is not a local file path`, {
    remedy: 'Use file:// checkpoint and savepoint directories with the local runtime.',
  });
}

/** The `_metadata` file a restore needs: Flink accepts the snapshot's folder or the file itself. */
export function metadataOf(path: string): string {
  return path.endsWith('/_metadata') ? path : `${path.replace(/\/+$/, '')}/_metadata`;
}

const isMissing = (error: unknown) =>
  (error as { code?: string }).code === 'ENOENT' || (error as { code?: string }).code === 'ENOTDIR';

/** Checkpoint storage on the local file system (the local runtime, shared volumes). */
export class FileCheckpointStorage implements CheckpointStorage {
  async listCompleted(jobCheckpointDir: string): Promise<StoredCheckpoint[]> {
    const dir = localPathOf(jobCheckpointDir);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const found: StoredCheckpoint[] = [];
    for (const name of names) {
      const id = CHECKPOINT_DIR.exec(name)?.[1];
      if (id === undefined) continue;
      const at = await mtimeOf(join(dir, name, '_metadata'));
      // Without _metadata the checkpoint never completed, or Flink is discarding it.
      if (at !== undefined)
        found.push({ path: `${jobCheckpointDir.replace(/\/+$/, '')}/${name}`, id: Number(id), at });
    }
    return found.sort((a, b) => b.id - a.id);
  }

  async isRestorable(path: string): Promise<boolean> {
    return (await mtimeOf(localPathOf(metadataOf(path)))) !== undefined;
  }
}

async function mtimeOf(file: string): Promise<number | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.mtimeMs : undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
