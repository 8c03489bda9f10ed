/**
 * Where a job that starts with nothing running (a first deploy, a resume, the recovery of a job
 * that vanished) takes its state from:
 * ONE rule, kept as data, that the operation's start (operations/begin.ts), the plan preview and
 * the docs all read. A restore the owner asked for and the controller has not carried out yet
 * (`spec.restore.from` whose nonce differs from the last applied one) comes first: ignoring it
 * would start the job from other state than the one its owner chose.
 */
import type { JobRecord } from './model/index.js';
import { pendingRestore, type RestoreChoice } from './pending-restore.js';
import type { FlinkJob } from './spec/index.js';

export { pendingRestore } from './pending-restore.js';

/** Every place a starting job's state can come from. */
export const RESTORE_SOURCES = [
  'restore-from',
  'initial-savepoint',
  'newest-savepoint',
  'newest-on-storage',
  'empty',
] as const;
/** One of {@link RESTORE_SOURCES}. */
export type RestoreSourceKind = (typeof RESTORE_SOURCES)[number];

/** The starts this rule decides: the operations that bring a job up while nothing of it runs. */
export type StartKind = 'deploy' | 'resume' | 'recover';

/**
 * THE precedence, per start: the first source that applies wins. A pending `spec.restore.from`
 * beats `restore.initialSavepointPath` at a first deploy, the newest savepoint at a resume and
 * the newest checkpoint or savepoint on storage at a recovery.
 */
export const START_PRECEDENCE: Readonly<Record<StartKind, readonly RestoreSourceKind[]>> = {
  deploy: ['restore-from', 'initial-savepoint', 'empty'],
  resume: ['restore-from', 'newest-savepoint', 'empty'],
  recover: ['restore-from', 'newest-on-storage', 'empty'],
};

/** The source a start uses, with what it needs to restore. */
export type RestoreSource =
  | { kind: 'restore-from'; choice: RestoreChoice; nonce: number }
  | { kind: 'initial-savepoint' | 'newest-savepoint'; path: string }
  | { kind: 'newest-on-storage' | 'empty' };

/** What the rule reads of a job's status. */
export type SourceStatus = Pick<JobRecord['status'], 'lastApplied' | 'newestSavepoint'>;

const FINDERS: Readonly<
  Record<RestoreSourceKind, (desired: FlinkJob, status: SourceStatus) => RestoreSource | undefined>
> = {
  'restore-from': (desired, status) => {
    const pending = pendingRestore(desired, status);
    return pending && { kind: 'restore-from', ...pending };
  },
  'initial-savepoint': (desired) => {
    const path = desired.spec.restore.initialSavepointPath;
    return path === undefined ? undefined : { kind: 'initial-savepoint', path };
  },
  // A stateless job keeps no state across a suspend: it resumes empty.
  'newest-savepoint': (desired, status) => {
    const path = status.newestSavepoint?.path;
    return desired.spec.upgradeMode === 'stateless' || path === undefined
      ? undefined
      : { kind: 'newest-savepoint', path };
  },
  // Which one is found on storage when the step runs (locate-restore-point).
  'newest-on-storage': (desired) =>
    desired.spec.upgradeMode === 'stateless' ? undefined : { kind: 'newest-on-storage' },
  empty: () => ({ kind: 'empty' }),
};

/** Where a `start` of `desired` takes its state from, by {@link START_PRECEDENCE}. Pure. */
export function startSource(
  start: StartKind,
  desired: FlinkJob,
  status: SourceStatus,
): RestoreSource {
  // Every precedence ends in 'empty', which always applies; the fallback keeps the type total.
  return (
    START_PRECEDENCE[start].reduce<RestoreSource | undefined>(
      (found, kind) => found ?? FINDERS[kind](desired, status),
      undefined,
    ) ?? { kind: 'empty' }
  );
}

/** The source in words, for the plan preview and the history. */
export function sourceWords(source: RestoreSource): string {
  switch (source.kind) {
    case 'restore-from':
      return 'savepointId' in source.choice
        ? `spec.restore.from (catalogued savepoint ${source.choice.savepointId})`
        : `spec.restore.from (${source.choice.path})`;
    case 'initial-savepoint':
      return `restore.initialSavepointPath (${source.path})`;
    case 'newest-savepoint':
      return 'its newest savepoint';
    case 'newest-on-storage':
      return 'the newest checkpoint or savepoint that still exists';
    case 'empty':
      return 'without state';
  }
}
