import type { SubmitRequest } from '../core/ports/index.js';
import { isAtLeast, type FlinkVersion } from './flink-version.js';

/** What a jar run asks for, independent of the cluster's Flink version: the core's request. */
export type RunJarOptions = SubmitRequest;

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

/** What a jar plan asks for: the program and its arguments, nothing about a job or a restore. */
export type PlanJarOptions = Pick<
  SubmitRequest,
  'entryClass' | 'args' | 'parallelism' | 'flinkConfiguration'
>;

/**
 * The `/jars/:id/plan` body: the same program fields as a run (Flink 1.20 and 2.x accept
 * `entryClass`, `programArgsList`, `parallelism`, `flinkConfiguration`; no savepoint fields).
 */
export function jarPlanBody(options: PlanJarOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.entryClass !== undefined) body.entryClass = options.entryClass;
  if (options.args !== undefined) body.programArgsList = [...options.args];
  if (options.parallelism !== undefined) body.parallelism = options.parallelism;
  if (
    options.flinkConfiguration !== undefined &&
    Object.keys(options.flinkConfiguration).length > 0
  )
    body.flinkConfiguration = { ...options.flinkConfiguration };
  return body;
}
