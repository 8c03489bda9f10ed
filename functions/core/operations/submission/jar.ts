/** Jar jobs: run the jar the cluster keeps for the artifact's content, uploading it when needed. */
import { FjcError } from '../../../commons/errors.js';
import { collectUnusedJars, runArtifact } from '../jar-cache.js';
import type { ProgramSubmitter } from './index.js';

/**
 * Runs the job's jar from the cluster's copy of that content, uploaded first when the cluster has
 * none (../jar-cache.ts); then deletes fjc's jars no job of the cluster references any more.
 */
export const submitJar: ProgramSubmitter = async (ctx, flink, job, run) => {
  const { artifact, entryClass } = job.spec;
  if (artifact === undefined)
    throw new FjcError(`job ${job.metadata.name} has no spec.artifact`, {
      remedy: 'Report this: a jar job was dispatched without its jar.',
    });
  const done = await runArtifact(flink, ctx.artifacts, artifact, {
    ...run,
    ...(entryClass === undefined ? {} : { entryClass }),
  });
  // Best effort, after the run: a jar left behind is deleted by a later submission.
  await collectUnusedJars(flink, ctx.store, job.spec.clusterRef, done.jars, [done.sha256]).catch(
    () => undefined,
  );
};
