import type { ReconcileTrigger } from '../../functions/core/ports/index.js';
import { MAX_TARGETED_JOBS } from '../../functions/core/reconcile-jobs.js';

/**
 * The event path on a laptop: a targeted reconcile in this process, started at once and never
 * awaited by the caller (the API answers, the spec folder moves on), like an asynchronous Lambda
 * invocation. One run at a time: names asked for while a run is going are gathered into the
 * next, so a burst of changes costs a run or two, not one per change.
 */
export class LocalReconcileTrigger implements ReconcileTrigger {
  private readonly pending = new Set<string>();
  private running: Promise<void> | undefined;

  /**
   * @param run reconciles the named jobs (the reconcile handler with a targeted event)
   * @param onError told when a run fails; the periodic cycle reconciles those jobs anyway
   */
  constructor(
    private readonly run: (jobNames: string[]) => Promise<unknown>,
    private readonly onError: (error: unknown, jobNames: readonly string[]) => void,
  ) {}

  requestReconcile(jobNames: readonly string[]): Promise<void> {
    for (const name of jobNames) this.pending.add(name);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return Promise.resolve();
  }

  /** Resolves when no targeted run is going or waiting (for stopping, and for tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending].slice(0, MAX_TARGETED_JOBS);
      for (const name of batch) this.pending.delete(name);
      try {
        await this.run(batch);
      } catch (error) {
        this.onError(error, batch);
      }
    }
  }
}
