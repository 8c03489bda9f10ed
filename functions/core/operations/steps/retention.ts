import { retentionCandidates } from '../../plan/retention.js';
import { targetSpec } from './shared.js';
import { defineStep } from './step.js';

/** After a savepoint: disposes of those the savepoint policy no longer keeps. */
export const retention = defineStep(['finish'], async (input) => {
  const { ctx, record, data } = input;
  const spec = targetSpec(data.target);
  const flink = await ctx.flink(spec.spec.clusterRef);
  const page = await ctx.store.listSavepoints(record.name, { limit: 1000 });
  // The catalog is listed anyway: a history copy lost between a catalog change and its copy
  // (a crash) is made again here, by its key, even if that savepoint never changes again.
  await ctx.store.recopySavepointChanges(record.name, page.items);
  const policy = spec.spec.savepointPolicy;
  const doomed = retentionCandidates(
    page.items,
    { maxCount: policy.maxCount, maxAgeMs: policy.maxAge.ms },
    ctx.now(),
  );
  const disposed: string[] = [];
  for (const savepoint of doomed) {
    // A failed savepoint asked to be deleted left no files to dispose of.
    if (savepoint.path === undefined) {
      if (savepoint.deleteRequestedAt === undefined) continue;
      await ctx.store.markSavepointDisposed(record.name, savepoint.id);
      disposed.push(savepoint.id);
      continue;
    }
    try {
      const { triggerId } = await flink.disposeSavepoint(savepoint.path);
      await flink.awaitDisposal(triggerId, { deadlineMs: 30_000, intervalMs: 250 });
    } catch {
      // A savepoint whose files are already gone is disposed as far as anyone can tell;
      // any other failure leaves it catalogued for the next round.
      continue;
    }
    await ctx.store.markSavepointDisposed(record.name, savepoint.id);
    disposed.push(savepoint.id);
  }
  return {
    type: 'finish',
    outcome: 'done',
    change: {
      // The highest nonce served stays: a lower one must never read as a new request.
      ...(data.savepointNonce === undefined
        ? {}
        : { savepointNonce: Math.max(data.savepointNonce, record.status.savepointNonce ?? 0) }),
    },
    audit: 'savepoint-retention',
    details: { disposed },
  };
});
