/**
 * Starts a job's program on its cluster, one function per job type: the submit step decides
 * when and under which job id, these decide how the program reaches Flink.
 */
import { jobTypeOf, type FlinkJob } from '../../spec/index.js';
import type { ControlContext, FlinkPort, SubmitRequest } from '../../ports/index.js';
import { submitJar } from './jar.js';
import { submitPython } from './python.js';
import { submitSql } from './sql.js';

/** What every job type is started with; the program-specific parts come from the spec. */
export type ProgramRun = Omit<SubmitRequest, 'entryClass'>;

/**
 * Submits one job type's program under `run.jobId`.
 *
 * @throws DuplicateJobIdError when the job already runs; ClusterRefusedError when Flink refuses.
 */
export type ProgramSubmitter = (
  ctx: ControlContext,
  flink: FlinkPort,
  job: FlinkJob,
  run: ProgramRun,
) => Promise<void>;

/**
 * Submits `job`'s program under `run.jobId`.
 *
 * @throws DuplicateJobIdError when the job already runs; ClusterRefusedError when Flink refuses.
 */
export async function submitProgram(
  ctx: ControlContext,
  flink: FlinkPort,
  job: FlinkJob,
  run: ProgramRun,
): Promise<void> {
  switch (jobTypeOf(job.spec)) {
    case 'jar':
      return submitJar(ctx, flink, job, run);
    case 'python':
      return submitPython(ctx, flink, job, run);
    case 'sql':
      return submitSql(ctx, flink, job, run);
  }
}
