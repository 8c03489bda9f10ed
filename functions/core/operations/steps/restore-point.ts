import type { RestorePoint } from '../../model/index.js';
import { UnsupportedStorageError, type FlinkPort } from '../../ports/index.js';
import { clusterOf, failedError, giveUp, targetSpec } from './shared.js';
import { defineStep, type StepInput } from './step.js';

/** Before a last-state upgrade stops anything: is there a checkpoint to come back from? */
export const readCheckpoint = defineStep(['next', 'finish'], async (input) => {
  const jobId = input.data.previousJobId;
  const { flink } = await clusterOf(input);
  const stats =
    jobId === undefined ? undefined : await flink.getCheckpoints(jobId).catch(() => undefined);
  const path = stats?.latest?.path;
  // last-state never silently degrades to stateless: without a checkpoint it stops here.
  if (path === undefined)
    return giveUp(
      input,
      'NO_CHECKPOINT',
      'last-state upgrade needs a completed, retained checkpoint and found none',
    );
  // Only a check that state exists: the path itself is read after the stop, because while the
  // cancel takes effect newer checkpoints complete and Flink discards this one.
  return {
    type: 'next',
    data: input.data,
    audit: 'checkpoint-located',
    details: { path },
  };
});

/** A snapshot the next job could start from, before it is checked on storage. */
interface Candidate {
  source: RestorePoint['source'];
  path: string;
  /** Epoch ms at which it completed (0: unknown, tried last). */
  at: number;
  reason: string;
}

/** How many catalogued savepoints are tried after the newest: enough to outlast a bad one. */
const SAVEPOINTS_TRIED = 20;

/** `<dir>/<jobId>/chk-N` → `<dir>/<jobId>`: where a job's checkpoints live. */
export function checkpointLocationOf(checkpointPath: string): string | undefined {
  const match = /^(.*\/[0-9a-f]{32})\/chk-\d+\/?(?:_metadata)?$/.exec(checkpointPath);
  return match?.[1];
}

/**
 * Where a running job writes its checkpoints, learnt from its newest checkpoint's path (Flink
 * writes `<state.checkpoints.dir>/<jobId>/chk-N`); undefined while it has none or Flink is silent.
 */
export async function learnCheckpointLocation(
  flink: FlinkPort,
  jobId: string,
): Promise<string | undefined> {
  const stats = await flink.getCheckpoints(jobId).catch(() => undefined);
  const path = stats?.latest?.path;
  return path === undefined ? undefined : checkpointLocationOf(path);
}

/** The spec's own checkpoint directory, when its Flink configuration sets one. */
function specCheckpointDir(input: StepInput): string | undefined {
  const config = targetSpec(input.data.target).spec.flinkConfiguration;
  return config['execution.checkpointing.dir'] ?? config['state.checkpoints.dir'];
}

/**
 * The checkpoint directories of the jobs this one may continue (the previous and the current
 * job id): under the root recorded while the job ran, else the spec's or the cluster's
 * configured one (a new cluster on the same storage says where the lost one wrote).
 */
async function jobCheckpointDirs(input: StepInput, flink: FlinkPort): Promise<string[]> {
  const { status } = input.record;
  const known = status.checkpointLocation;
  const roots = new Set<string>();
  if (known !== undefined) roots.add(known.slice(0, known.lastIndexOf('/')));
  const configured =
    specCheckpointDir(input) ?? (await flink.checkpointDirectory().catch(() => undefined));
  if (configured !== undefined) roots.add(configured.replace(/\/+$/, ''));
  const ids = [input.data.previousJobId, status.jobId].filter((id) => id !== undefined);
  const dirs = new Set(known === undefined ? [] : [known]);
  for (const root of roots) for (const id of ids) dirs.add(`${root}/${id}`);
  return [...dirs];
}

/** Every snapshot worth trying, newest first; checked against storage by the caller. */
async function candidates(input: StepInput, flink: FlinkPort): Promise<Candidate[]> {
  const { ctx, record, data } = input;
  const found: Candidate[] = [];
  if (data.previousJobId !== undefined) {
    // A new cluster does not know the old job: storage answers for it below.
    const stats = await flink.getCheckpoints(data.previousJobId).catch(() => undefined);
    const latest = stats?.latest;
    if (latest?.path)
      found.push({
        source: 'checkpoint',
        path: latest.path,
        at: latest.completedAt,
        reason: 'the newest checkpoint the cluster reports for the previous job',
      });
  }
  for (const dir of await jobCheckpointDirs(input, flink)) {
    try {
      for (const checkpoint of await ctx.checkpoints.listCompleted(dir))
        found.push({
          source: 'checkpoint',
          path: checkpoint.path,
          at: checkpoint.at,
          reason: `the newest completed checkpoint on storage under ${dir}`,
        });
    } catch (error) {
      if (!(error instanceof UnsupportedStorageError)) throw error;
    }
  }
  const newest = record.status.newestSavepoint;
  if (newest)
    found.push({
      source: 'savepoint',
      path: newest.path,
      at: Date.parse(newest.at),
      reason: 'the newest savepoint in the catalog',
    });
  const catalog = await ctx.store.listSavepoints(record.name, { limit: SAVEPOINTS_TRIED });
  for (const entry of catalog.items)
    if (entry.status === 'COMPLETED' && entry.path !== undefined)
      found.push({
        source: 'savepoint',
        path: entry.path,
        at: Date.parse(entry.updatedAt),
        reason: `catalogued savepoint ${entry.id}`,
      });
  if (record.status.restoredFrom !== undefined)
    found.push({
      source: record.status.restoredFrom.includes('/chk-') ? 'checkpoint' : 'savepoint',
      path: record.status.restoredFrom,
      at: Date.parse(record.status.jobStartedAt ?? '') || 0,
      reason: 'the snapshot the last job started from',
    });
  const initial = targetSpec(data.target).spec.restore.initialSavepointPath;
  if (initial !== undefined)
    found.push({
      source: 'savepoint',
      path: initial,
      at: 0,
      reason: 'the spec’s initial savepoint',
    });
  // Newest first; a path met twice keeps its first (newest-dated) entry.
  const byPath = new Map<string, Candidate>();
  for (const candidate of found.sort((a, b) => b.at - a.at))
    if (!byPath.has(candidate.path)) byPath.set(candidate.path, candidate);
  return [...byPath.values()];
}

/**
 * Picks the state the next job starts from: the newest checkpoint or savepoint that still exists
 * on storage (its `_metadata`), falling back to the next newest. A job that ran before is never
 * started empty here: with nothing to restore it waits in NEEDS_RESTORE_POINT.
 */
export const locateRestorePoint = defineStep(['next', 'finish'], async (input) => {
  const { ctx, data } = input;
  const { flink } = await clusterOf(input);
  const skipped: string[] = [];
  for (const candidate of await candidates(input, flink)) {
    let restorable: boolean;
    try {
      restorable = await ctx.checkpoints.isRestorable(candidate.path);
    } catch (error) {
      if (!(error instanceof UnsupportedStorageError)) throw error;
      skipped.push(`${candidate.path}: cannot be checked (${error.message})`);
      continue;
    }
    if (!restorable) {
      // Flink discards a finished job's checkpoints; retention disposes old savepoints.
      skipped.push(`${candidate.path}: its _metadata is gone`);
      continue;
    }
    const restorePoint: RestorePoint = {
      source: candidate.source,
      path: candidate.path,
      at: new Date(candidate.at).toISOString(),
      reason: skipped.length === 0 ? candidate.reason : `${candidate.reason}; newer ones are gone`,
    };
    return {
      type: 'next',
      data: { ...data, restorePath: candidate.path },
      change: { restorePoint },
      audit: 'restore-point-located',
      details: { ...restorePoint, restorePath: candidate.path, skipped },
    };
  }
  const message =
    'no restorable checkpoint or savepoint was found for a job that ran before, so it is not ' +
    'started empty' +
    (skipped.length === 0 ? '' : ` (gone: ${skipped.join('; ')})`);
  return {
    type: 'finish',
    outcome: 'failed',
    change: {
      phase: 'NEEDS_RESTORE_POINT',
      lastError: failedError(ctx, 'NO_RESTORE_POINT', message),
    },
    audit: 'restore-point-missing',
    details: {
      message,
      remedy:
        'Set spec.restore.from to a savepoint (savepointId or path, with a new nonce), ' +
        'or set spec.upgradeMode: stateless to start it empty on purpose.',
    },
  };
});
