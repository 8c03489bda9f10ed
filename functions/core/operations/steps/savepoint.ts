import { ConflictError } from '../../../commons/errors.js';
import { storedErrorText } from '../../error-text.js';
import type { FlinkJob } from '../../spec/index.js';
import { lineageOf } from '../../savepoint-lineage.js';
import {
  clusterOf,
  giveUp,
  jobOrMissing,
  nowIso,
  sinceStart,
  stepStart,
  targetSpec,
} from './shared.js';
import { defineStep, type StepInput } from './step.js';
import { JobNotOnClusterError, type FlinkPort } from '../../ports/index.js';
import { TRIGGER_CLOCK_SKEW_MS } from '../retry-policy.js';

/** How many of the newest entries are searched for the parent of a new one. */
const LINEAGE_LOOKBACK = 100;

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
    // The lineage describes the job that writes the savepoint: what was applied, not the target
    // an upgrade is about to bring up.
    const producer = record.status.lastApplied ? targetSpec(record.status.lastApplied) : spec;
    const catalog = await ctx.store.listSavepoints(record.name, { limit: LINEAGE_LOOKBACK });
    const flinkVersion = await flink.flinkVersion().catch(() => undefined);
    try {
      ({ id: savepointId } = await ctx.store.addSavepoint({
        jobName: record.name,
        idSuffix: triggerId,
        // The catalog id is `<createdAt>-<trigger id>`: dated from the step's start, which every
        // retry of this step shares, a retried trigger finds its entry instead of adding one.
        createdAt: new Date(stepStart(input)),
        triggerId,
        triggerKind: data.savepointKind ?? 'manual',
        generation: record.status.lastApplied?.generation ?? record.generation,
        flinkJobId: jobId,
        ...lineageOf(producer, record.status.restoredFrom, catalog.items, flinkVersion),
      }));
    } catch (error) {
      // Catalogued by an earlier attempt of this very step: find that entry once.
      if (!(error instanceof ConflictError)) throw error;
      savepointId = await findCatalogEntry(input, triggerId);
    }
    // A savepoint in Flink's history triggered after the step began may be ours.
    const triggeredAt = data.triggeredAt ?? new Date(stepStart(input)).toISOString();
    const targetDirectory = await savepointDir(input, spec);
    const options = { triggerId, ...(targetDirectory === undefined ? {} : { targetDirectory }) };
    if (stop) await flink.stopWithSavepoint(jobId, { ...options, drain: false });
    else await flink.triggerSavepoint(jobId, options);
    return {
      type: 'next',
      data: { ...data, triggeredAt, ...(savepointId === undefined ? {} : { savepointId }) },
      audit: stop ? 'stop-with-savepoint-triggered' : 'savepoint-triggered',
      details: { triggerId, flinkJobId: jobId },
    };
  });
}

/** Stops the job with a savepoint: Flink takes the savepoint, then ends the job. */
export const stopWithSavepoint = startSavepoint(true);

/** Takes a savepoint of the running job, which keeps running. */
export const triggerSavepoint = startSavepoint(false);

/** What became of a savepoint whose trigger id Flink no longer knows, from the job's history. */
type Rederived = { state: 'COMPLETED'; location: string } | { state: 'FAILED'; cause: string };

/**
 * Flink keeps the results of asynchronous operations for a few minutes only; after a takeover the
 * trigger may be forgotten although the savepoint completed (and the job FINISHED from it). The
 * job's checkpoint history still names its newest savepoint: one triggered since fjc's trigger is
 * ours. Undefined when the history cannot tell (the job is unknown, or nothing newer is there).
 */
async function rederived(
  flink: FlinkPort,
  jobId: string,
  since: number,
): Promise<Rederived | undefined> {
  let history;
  try {
    history = await flink.getSavepointHistory(jobId);
  } catch (error) {
    if (error instanceof JobNotOnClusterError) return undefined;
    throw error;
  }
  const ours = (at: number) => at >= since - TRIGGER_CLOCK_SKEW_MS;
  const { completed, failed } = history;
  if (
    completed &&
    ours(completed.triggeredAt) &&
    !(failed && failed.triggeredAt > completed.triggeredAt)
  )
    return { state: 'COMPLETED', location: completed.path };
  if (failed && ours(failed.triggeredAt)) return { state: 'FAILED', cause: failed.cause };
  return undefined;
}

/**
 * Waits for the savepoint, records it in the catalog and as the job's newest. Only Flink's word
 * fails it (a failure cause, a FAILED savepoint in the history) or the deadline; a forgotten
 * trigger is looked up in the job's history, and an unknown outcome is asked again.
 */
export const awaitSavepoint = defineStep(['next', 'finish'], async (input) => {
  const { ctx, record, data } = input;
  const jobId = data.previousJobId ?? '';
  const triggerId = data.triggerId ?? '';
  const { flink, spec } = await clusterOf(input);
  const timeout = spec.spec.savepointPolicy.timeout;
  let location: string | undefined;
  let failure: string | undefined;
  const overdue = () => sinceStart(input) > timeout.ms;
  try {
    const progress = await flink.getSavepointStatus(jobId, triggerId);
    if (progress.state === 'IN_PROGRESS') {
      if (overdue())
        failure = `the savepoint did not complete within ${timeout.text} (spec.savepointPolicy.timeout)`;
      else return { type: 'wait', seconds: 2, summary: 'savepoint in progress' };
    } else if (progress.state === 'FAILED') failure = progress.cause;
    else location = progress.location;
  } catch (error) {
    if (!(error instanceof JobNotOnClusterError)) throw error;
    const since = Date.parse(data.triggeredAt ?? data.stepStartedAt ?? '');
    const known = Number.isNaN(since) ? undefined : await rederived(flink, jobId, since);
    if (known?.state === 'COMPLETED') location = known.location;
    else if (known?.state === 'FAILED') failure = known.cause;
    // The cluster knows neither the job nor the trigger: nothing left to learn from it.
    else if ((await jobOrMissing(flink, jobId)) === undefined || overdue()) failure = error.message;
    else
      return { type: 'wait', seconds: 5, summary: 'savepoint trigger forgotten; history silent' };
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
