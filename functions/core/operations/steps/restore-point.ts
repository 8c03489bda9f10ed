import { clusterOf, giveUp } from './shared.js';
import { defineStep } from './step.js';

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

/** Picks the state the next job starts from: the newest savepoint or retained checkpoint. */
export const locateRestorePoint = defineStep(['next'], async (input) => {
  const { record, data } = input;
  const { flink } = await clusterOf(input);
  const savepoint = record.status.newestSavepoint;
  let checkpoint: { path: string; at: number } | undefined;
  if (data.previousJobId !== undefined) {
    const stats = await flink.getCheckpoints(data.previousJobId).catch(() => undefined);
    const latest = stats?.latest;
    if (latest?.path) checkpoint = { path: latest.path, at: latest.completedAt };
  }
  // The newest restorable state wins: restarting from an older savepoint would lose data.
  const useCheckpoint =
    checkpoint !== undefined &&
    (savepoint === undefined || checkpoint.at > Date.parse(savepoint.at));
  const restorePath = useCheckpoint ? checkpoint?.path : savepoint?.path;
  return {
    type: 'next',
    data: { ...data, ...(restorePath === undefined ? {} : { restorePath }) },
    audit: 'restore-point-located',
    details: {
      restorePath: restorePath ?? null,
      source: useCheckpoint ? 'checkpoint' : savepoint ? 'savepoint' : 'none',
    },
  };
});
