/**
 * The one "pending restore" rule: a `spec.restore.from` the controller has not carried out yet is
 * one whose nonce differs from the nonce of the spec last applied (a job never applied has none).
 * The start precedence (restore-source.ts) and the deletion guard of the catalog
 * (savepoint-choice.ts) both ask it here, so they cannot disagree about which savepoint a job
 * still means to restore. A module of its own because restore-source.ts imports
 * savepoint-choice.ts.
 */
import type { JobRecord } from './model/index.js';
import type { FlinkJob } from './spec/index.js';

/** A restore choice as the spec or the restore action names it. */
export type RestoreChoice = { savepointId: string } | { path: string };

/** The restore choice a spec declares, if any. */
export function choiceOf(spec: FlinkJob): RestoreChoice | undefined {
  const from = spec.spec.restore.from;
  if (from === undefined) return undefined;
  return from.savepointId !== undefined
    ? { savepointId: from.savepointId }
    : { path: from.path ?? '' };
}

/** The restore nonce of the spec last applied (what the running job answered), if any. */
export function appliedRestoreNonce(
  status: Pick<JobRecord['status'], 'lastApplied'>,
): number | undefined {
  const applied = status.lastApplied?.spec as
    { spec?: { restore?: { from?: { nonce?: number } } } } | undefined;
  return applied?.spec?.restore?.from?.nonce;
}

/**
 * The restore `spec.restore.from` asks for when the controller has not carried it out yet: its
 * nonce differs from the one of the spec last applied (a job never applied has none).
 */
export function pendingRestore(
  desired: FlinkJob | undefined,
  status: Pick<JobRecord['status'], 'lastApplied'> | undefined,
): { choice: RestoreChoice; nonce: number } | undefined {
  const from = desired?.spec.restore.from;
  const choice = desired === undefined ? undefined : choiceOf(desired);
  if (from === undefined || choice === undefined) return undefined;
  const applied = status === undefined ? undefined : appliedRestoreNonce(status);
  return from.nonce === applied ? undefined : { choice, nonce: from.nonce };
}
