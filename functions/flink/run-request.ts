import { isAtLeast, type FlinkVersion } from './flink-version.js';

/** What a jar run asks for, independent of the cluster's Flink version. */
export interface RunJarOptions {
  /** The job id to use: fjc records it before the run so that a retry finds the job. */
  jobId: string;
  entryClass?: string;
  args?: readonly string[];
  parallelism?: number;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  /** How the restored snapshot is owned: CLAIM lets Flink delete it later, NO_CLAIM never does. */
  claimMode?: 'CLAIM' | 'NO_CLAIM';
  /** Job-level configuration (Flink 1.17+). */
  flinkConfiguration?: Readonly<Record<string, string>>;
}

/**
 * The `/jars/:id/run` body for a given Flink version. Flink rejects unknown fields with a 400,
 * so only the fields this version accepts are sent: `claimMode` from 1.20 (before it,
 * `restoreMode`), and `programArgsList` only (the `programArgs` string is gone in 2.0).
 */
export function jarRunBody(version: FlinkVersion, options: RunJarOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { jobId: options.jobId };
  if (options.entryClass !== undefined) body.entryClass = options.entryClass;
  if (options.args !== undefined) body.programArgsList = [...options.args];
  if (options.parallelism !== undefined) body.parallelism = options.parallelism;
  if (options.savepointPath !== undefined) {
    body.savepointPath = options.savepointPath;
    body.allowNonRestoredState = options.allowNonRestoredState ?? false;
    if (options.claimMode !== undefined) {
      body[isAtLeast(version, 1, 20) ? 'claimMode' : 'restoreMode'] = options.claimMode;
    }
  }
  if (
    options.flinkConfiguration !== undefined &&
    Object.keys(options.flinkConfiguration).length > 0
  )
    body.flinkConfiguration = { ...options.flinkConfiguration };
  return body;
}
