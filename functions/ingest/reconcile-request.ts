import type { IngestContext } from './context.js';

/**
 * Asks for a targeted reconcile of the jobs a spec file just changed (the event path), after
 * their desired state is committed. Never fails the ingest: the trigger reports its own failures,
 * and the scheduled cycle reconciles those jobs anyway.
 */
export async function requestReconcile(
  ctx: IngestContext,
  jobNames: readonly string[],
  correlationId: string,
): Promise<void> {
  if (jobNames.length === 0 || !ctx.reconcile) return;
  try {
    await ctx.reconcile.requestReconcile(jobNames, correlationId);
  } catch (error) {
    // Only a trigger that breaks its contract gets here; the change stands, the cycle follows.
    ctx.logger?.warn('targeted reconcile not requested', {
      jobNames,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
