/** PyFlink jobs. */
import { FjcError } from '../../../commons/errors.js';
import type { ProgramSubmitter } from './index.js';

/** Submits a PyFlink job. Not implemented yet: refused with a clear error rather than guessed at. */
export const submitPython: ProgramSubmitter = (_ctx, _flink, job) =>
  Promise.reject(
    new FjcError(
      `job ${job.metadata.name}: PyFlink jobs cannot be submitted by this version of fjc yet`,
      {
        remedy: 'Run the job as a jar job until PyFlink submission lands.',
      },
    ),
  );
