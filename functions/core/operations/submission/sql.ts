/** SQL jobs. */
import { FjcError } from '../../../commons/errors.js';
import type { ProgramSubmitter } from './index.js';

/** Submits a SQL job. Not implemented yet: refused with a clear error rather than guessed at. */
export const submitSql: ProgramSubmitter = (_ctx, _flink, job) =>
  Promise.reject(
    new FjcError(
      `job ${job.metadata.name}: SQL jobs cannot be submitted by this version of fjc yet`,
      {
        remedy: 'Run the job as a jar job until SQL submission lands.',
      },
    ),
  );
