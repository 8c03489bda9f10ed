/** Jar jobs: upload the jar, run it, delete the upload. */
import { FjcError } from '../../../commons/errors.js';
import type { ProgramSubmitter } from './index.js';

/** Uploads the job's jar and runs it; the upload is deleted whatever the outcome. */
export const submitJar: ProgramSubmitter = async (ctx, flink, job, run) => {
  const { artifact, entryClass } = job.spec;
  if (artifact === undefined)
    throw new FjcError(`job ${job.metadata.name} has no spec.artifact`, {
      remedy: 'Report this: a jar job was dispatched without its jar.',
    });
  const { jarId } = await flink.uploadJar(await ctx.artifacts.open(artifact.uri, artifact.sha256));
  try {
    await flink.runJar(jarId, { ...run, ...(entryClass === undefined ? {} : { entryClass }) });
  } finally {
    await flink.deleteJar(jarId).catch(() => undefined);
  }
};
