/**
 * What the installers under `.cache/` (Flink, its Python environment, the SQL Gateway jar, the
 * example jar) share: a completed install is recognised by a marker written last, and every
 * install is built under a private dot name and renamed into place, so two processes installing
 * at once both end with one complete install and a half-written one is never used.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Written last into an install folder, so its presence means the install under it is complete. */
export const INSTALL_MARKER = '.fjc-installed.json';

/** Whether `path` exists (file or folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A private sibling name of `path` no other process uses, hidden (a dot name) from globs. */
function privateSibling(path: string, label = basename(path)): string {
  return join(
    dirname(path),
    `.tmp-${label}-${String(process.pid)}-${randomBytes(4).toString('hex')}`,
  );
}

/**
 * Installs the folder `dir` of `version`: `build` fills a private folder (it does not exist yet:
 * `build` creates it), the marker is written into it, and it is renamed to `dir` unless another
 * process completed `dir` first (`isComplete`). The private folder is removed in every case.
 */
export async function installFolder(
  dir: string,
  version: string,
  isComplete: (dir: string) => Promise<boolean>,
  build: (tmp: string) => Promise<void>,
): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = privateSibling(dir);
  try {
    await build(tmp);
    await writeFile(
      join(tmp, INSTALL_MARKER),
      JSON.stringify({ version, installedAt: new Date().toISOString() }) + '\n',
    );
    // Another process may have finished first, or a partial install may sit in the way.
    if (!(await isComplete(dir))) {
      await rm(dir, { recursive: true, force: true });
      try {
        await rename(tmp, dir);
      } catch (error) {
        if (!(await isComplete(dir))) throw error;
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Writes `bytes` to `path` under a private dot name first and renames it into place. */
export async function writeFileAtomically(
  path: string,
  bytes: Uint8Array,
  label?: string,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = privateSibling(path, label);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}
