/**
 * Asks for a targeted reconcile of jobs whose desired state was just committed, so that a change
 * reaches Flink within a second instead of at the next scheduled cycle. Adapters: an asynchronous
 * invocation of the reconcile Lambda (AWS), an in-process targeted reconcile (`npm run local`).
 *
 * A hint, never a dependency: the scheduled cycle still reconciles every job, so a lost request
 * only costs time. That is why the contract forbids failing the caller's apply over it.
 */
export interface ReconcileTrigger {
  /**
   * Requests a reconcile of `jobNames` (deduplicated by the caller or not; an empty list asks for
   * nothing). Called AFTER the desired state is committed, so the reconcile reads the change.
   * `correlationId` (the request's or event's) names the reconcile run, to follow one change
   * through the logs. Never rejects: a failure is the adapter's to log and count.
   */
  requestReconcile(jobNames: readonly string[], correlationId?: string): Promise<void>;
}
