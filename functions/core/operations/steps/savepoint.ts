import { ConflictError } from '../../../commons/errors.js';
import { storedErrorText } from '../../error-text.js';
import type { FlinkJob } from '../../spec/index.js';
import { clusterOf, giveUp, nowIso, sinceStart } from './shared.js';
import { defineStep, type StepInput } from './step.js';
import { JobNotOnClusterError } from '../../ports/index.js';

const SAVEPOINT_DEADLINE_MS = 10 * 60_000;

async function savepointDir(input: StepInput, spec: FlinkJob): Promise<string | undefined> {
  return (
    spec.spec.savepointPolicy.targetDirectory ??
    (await input.ctx.savepointDirectory(spec.spec.clusterRef))
  );
}

async function findCatalogEntry(input: StepInput, triggerId: string): Promise<string | undefined> {
  // The store's maximum page: the entry is among the newest, since it was just made.
  const page = await input.ctx.store.listSavepoints(input.record.name, { limit: 1000 });
  return page.items.find((s) => s.triggerId === triggerId)?.id;
}

/** Starts a savepoint (or stop-with-savepoint) under the recorded trigger id, after cataloguing it. */
function startSavepoint(stop: boolean) {
  return defineStep(['next', 'finish'], async (input) => {
    const { ctx, record, data } = input;
    const jobId = data.previousJobId;
    const triggerId = data.triggerId;
    if (jobId === undefined || triggerId === undefined)
      return giveUp(input, 'OPERATION_INVALID', 'savepoint step without a job or trigger id');
    const { flink, spec } = await clusterOf(input);
    let savepointId: string | undefined;
    try {
      ({ id: savepointId } = await ctx.store.addSavepoint({
        jobName: record.name,
        idSuffix: triggerId,
        triggerId,
        triggerKind: data.savepointKind ?? 'manual',
        generation: record.status.lastApplied?.generation ?? record.generation,
        flinkJobId: jobId,
        ...(spec.spec.artifact.sha256 === undefined
          ? {}
          : { artifactDigest: spec.spec.artifact.sha256 }),
        ...(record.status.restoredFrom === undefined
          ? {}
          : { restoredFrom: record.status.restoredFrom }),
      }));
    } catch (error) {
      // Catalogued by an earlier attempt of this very step: find that entry once.
      if (!(error instanceof ConflictError)) throw error;
      savepointId = await findCatalogEntry(input, triggerId);
    }
    const targetDirectory = await savepointDir(input, spec);
    const options = { triggerId, ...(targetDirectory === undefined ? {} : { targetDirectory }) };
    if (stop) await flink.stopWithSavepoint(jobId, { ...options, drain: false });
    else await flink.triggerSavepoint(jobId, options);
    return {
      type: 'next',
      data: { ...data, ...(savepointId === undefined ? {} : { savepointId }) },
      audit: stop ? 'stop-with-savepoint-triggered' : 'savepoint-triggered',
      details: { triggerId, flinkJobId: jobId },
    };
  });
}

/** Stops the job with a savepoint: Flink takes the savepoint, then ends the job. */
export const stopWithSavepoint = startSavepoint(true);

/** Takes a savepoint of the running job, which keeps running. */
export const triggerSavepoint = startSavepoint(false);

/** Waits for the savepoint, records it in the catalog and as the job's newest. */
export const awaitSavepoint = defineStep(['next', 'finish'], async (input) => {
  const { ctx, record, data } = input;
  const jobId = data.previousJobId ?? '';
  const triggerId = data.triggerId ?? '';
  const { flink } = await clusterOf(input);
  let location: string | undefined;
  let failure: string | undefined;
  try {
    const progress = await flink.getSavepointStatus(jobId, triggerId);
    if (progress.state === 'IN_PROGRESS') {
      if (sinceStart(input) > SAVEPOINT_DEADLINE_MS)
        failure = 'the savepoint did not complete within 10 minutes';
      else return { type: 'wait', seconds: 2, summary: 'savepoint in progress' };
    } else if (progress.state === 'FAILED') failure = progress.cause;
    else location = progress.location;
  } catch (error) {
    if (!(error instanceof JobNotOnClusterError)) throw error;
    failure = error.message;
  }
  // Operations recorded before the id was kept fall back to one lookup, once Flink has answered.
  const catalog = data.savepointId ?? (await findCatalogEntry(input, triggerId));
  if (failure !== undefined || location === undefined) {
    if (catalog)
      await ctx.store.updateSavepoint(record.name, catalog, {
        status: 'FAILED',
        failureCause: storedErrorText(failure ?? 'unknown'),
      });
    return giveUp(input, 'SAVEPOINT_FAILED', `savepoint failed: ${failure ?? 'unknown'}`);
  }
  if (catalog)
    await ctx.store.updateSavepoint(record.name, catalog, { status: 'COMPLETED', path: location });
  const newest = {
    ...(catalog === undefined ? {} : { id: catalog }),
    path: location,
    at: nowIso(ctx),
  };
  return {
    type: 'next',
    data: { ...data, restorePath: location },
    change: { newestSavepoint: newest },
    audit: 'savepoint-completed',
    details: { path: location, triggerId },
  };
});
