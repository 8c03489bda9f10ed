import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so scripts work from any working directory. */
export const repoRoot: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Build caches that are safe to delete (ignored by git). */
export const cacheDir: string = join(repoRoot, '.cache');

/** The Flink version used when neither an argument nor `FJC_FLINK_VERSION` names one. */
export const DEFAULT_FLINK_VERSION = '2.3.0';

/** The Flink version to use: the explicit one, else `FJC_FLINK_VERSION`, else the default. */
export function resolveFlinkVersion(version?: string): string {
  const fromEnv = process.env.FJC_FLINK_VERSION?.trim();
  return version ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_FLINK_VERSION);
}

/** Prints one progress line; every line of ours starts with `fjc:` so it stands out in logs. */
export function log(message: string): void {
  console.log(`fjc: ${message}`);
}
