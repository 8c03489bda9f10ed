import type { JobPhase, OperationKind } from '../model/index.js';
import type { UpgradeMode } from '../spec/index.js';
import type { OperationData, Step } from './operation-data.js';

/** Conditions a stage may run under, by name so that the README can say them in words. */
export const GUARDS = {
  'no-restore-point': {
    holds: (data: OperationData) => data.restorePath === undefined,
    words: 'unless one is known',
  },
} as const satisfies Record<string, { holds(data: OperationData): boolean; words: string }>;
export type Guard = keyof typeof GUARDS;

/** One stage of a sequence: the step that runs, when it runs, and what it does there. */
export interface Stage {
  step: Step;
  /** Runs only when this holds of the operation's data; otherwise the sequence moves past it. */
  when?: Guard;
  /** What the step does in this sequence, in words (rendered into the README). */
  note?: string;
}

/** The steps of one kind of operation, per upgrade mode. */
export interface Sequence {
  /** How the README names it. */
  label: string;
  /** The operation kind recorded in the job's status (and its audit actor). */
  kind: OperationKind;
  /** The phase the job enters when the sequence starts; none: it stays as it was. */
  phase?: JobPhase;
  stages: Readonly<Record<UpgradeMode, readonly Stage[]>>;
  /** What the README adds after the steps. */
  note?: string;
}

/** Every kind of operation: each planned operation action, and rollback (started by a step). */
export const SEQUENCE_NAMES = [
  'deploy',
  'resume',
  'deploy-from-chosen',
  'resume-from-chosen',
  'recover-from-chosen',
  'upgrade',
  'scale',
  'suspend',
  'recover',
  'savepoint',
  'rollback',
  'restore',
] as const;
export type SequenceName = (typeof SEQUENCE_NAMES)[number];

const everyMode = (stages: readonly Stage[]): Record<UpgradeMode, readonly Stage[]> => ({
  savepoint: stages,
  'last-state': stages,
  stateless: stages,
});
const stateful = (stages: readonly Stage[], stateless: readonly Stage[]) => ({
  savepoint: stages,
  'last-state': stages,
  stateless,
});

const AWAIT_STABLE: Stage = { step: 'await-stable' };
// Flink reports a stop's savepoint before the job has finished: the next job waits for the stop,
// or two copies would run for a moment.
const STOP_WITH_SAVEPOINT: readonly Stage[] = [
  { step: 'stop-with-savepoint' },
  { step: 'await-savepoint' },
  { step: 'await-stopped' },
];
// Before anything running is touched: a version Flink cannot build, or whose graph would drop
// state, is refused while the old job keeps running (steps/preflight.ts).
const PREFLIGHT: Stage = {
  step: 'preflight',
  note: 'build the new job graph on the cluster; compare it with the running one',
};
const PREFLIGHT_PROGRAM: Stage = {
  step: 'preflight',
  note: 'build the new job graph on the cluster',
};
const CANCEL: readonly Stage[] = [{ step: 'cancel' }, { step: 'await-stopped' }];
// A first deploy, a resume or a recovery with a pending spec.restore.from (restore-source.ts
// decides): the chosen savepoint is checked before anything starts; a refusal starts nothing.
const FROM_CHOSEN: readonly Stage[] = [
  {
    step: 'resolve-chosen-savepoint',
    note: 'spec.restore.from, checked on storage; refused: nothing starts',
  },
  { step: 'submit', note: 'from the chosen savepoint' },
  AWAIT_STABLE,
];
// The rollback keeps the operation's restore point: the state the failed version started from.
const ROLLBACK_SUBMIT: Stage = {
  step: 'submit',
  note: 'the last stable spec, from the failed version’s restore point',
};

/**
 * THE table of operations: planned action (and rollback) × upgrade mode → ordered steps. Steps
 * only say how they left (next, rollback, finish); this table says where that leads.
 * beginOperation starts at the first stage, advanceOperation moves on from here, and the README
 * table is generated from it (`npx tsx scripts/gen-operations-table.ts`).
 */
export const SEQUENCES: Readonly<Record<SequenceName, Sequence>> = {
  deploy: {
    label: 'deploy',
    kind: 'deploy',
    phase: 'DEPLOYING',
    stages: everyMode([
      { step: 'submit', note: 'from the initial savepoint, if any' },
      AWAIT_STABLE,
    ]),
  },
  resume: {
    label: 'resume',
    kind: 'resume',
    phase: 'DEPLOYING',
    stages: stateful(
      [
        { step: 'locate-restore-point', note: 'the newest savepoint that still exists' },
        { step: 'submit' },
        AWAIT_STABLE,
      ],
      [{ step: 'submit', note: 'empty' }, AWAIT_STABLE],
    ),
  },
  'deploy-from-chosen': {
    label: 'deploy, `restore.from` pending',
    kind: 'deploy',
    phase: 'DEPLOYING',
    stages: everyMode(FROM_CHOSEN),
  },
  'resume-from-chosen': {
    label: 'resume, `restore.from` pending',
    kind: 'resume',
    phase: 'DEPLOYING',
    stages: everyMode(FROM_CHOSEN),
  },
  'recover-from-chosen': {
    label: 'drift recovery, `restore.from` pending',
    kind: 'restart',
    phase: 'DEPLOYING',
    stages: everyMode(FROM_CHOSEN),
  },
  upgrade: {
    label: 'upgrade',
    kind: 'upgrade',
    phase: 'UPGRADING',
    stages: {
      savepoint: [PREFLIGHT, ...STOP_WITH_SAVEPOINT, { step: 'submit' }, AWAIT_STABLE],
      'last-state': [
        PREFLIGHT,
        { step: 'read-checkpoint', note: 'refuse without one' },
        ...CANCEL,
        { step: 'locate-restore-point', note: 'the checkpoint retained at the stop' },
        { step: 'submit' },
        AWAIT_STABLE,
      ],
      stateless: [PREFLIGHT_PROGRAM, ...CANCEL, { step: 'submit', note: 'empty' }, AWAIT_STABLE],
    },
  },
  scale: {
    label: 'scale (adaptive scheduler)',
    kind: 'upgrade',
    phase: 'UPGRADING',
    stages: everyMode([{ step: 'rescale', note: 'in place' }, AWAIT_STABLE]),
  },
  suspend: {
    label: 'suspend',
    kind: 'suspend',
    phase: 'SUSPENDING',
    stages: stateful(
      [...STOP_WITH_SAVEPOINT, { step: 'finish-suspend' }],
      [...CANCEL, { step: 'finish-suspend' }],
    ),
  },
  recover: {
    label: 'drift recovery',
    kind: 'restart',
    phase: 'DEPLOYING',
    stages: stateful(
      [
        {
          step: 'locate-restore-point',
          note: 'the newest checkpoint or savepoint that still exists; none: NEEDS_RESTORE_POINT',
        },
        { step: 'submit' },
        AWAIT_STABLE,
      ],
      [{ step: 'submit', note: 'empty' }, AWAIT_STABLE],
    ),
  },
  savepoint: {
    label: 'periodic / manual savepoint',
    kind: 'savepoint',
    stages: everyMode([
      { step: 'trigger-savepoint' },
      { step: 'await-savepoint' },
      { step: 'retention' },
    ]),
  },
  // No savepoint of the running state: the owner chose to go back to older state, and an
  // unhealthy job (the usual reason to restore) may not manage one; the checkpoints it retains
  // on cancel still hold the discarded state for a while (the Kubernetes operator takes none
  // for a savepointRedeployNonce either).
  restore: {
    label: 'restore from a chosen savepoint',
    kind: 'restore',
    phase: 'UPGRADING',
    stages: everyMode([
      {
        step: 'resolve-chosen-savepoint',
        note: 'spec.restore.from, checked on storage before anything stops; refused: the job keeps running',
      },
      ...CANCEL,
      { step: 'submit', note: 'from the chosen savepoint' },
      AWAIT_STABLE,
    ]),
  },
  // Started by submit or await-stable when the new version is not stable in time.
  rollback: {
    label: 'rollback (not stable in time)',
    kind: 'rollback',
    phase: 'ROLLING_BACK',
    note: 'a failed rollback ends FAILED',
    stages: {
      savepoint: [...CANCEL, ROLLBACK_SUBMIT, AWAIT_STABLE],
      'last-state': [
        ...CANCEL,
        { step: 'locate-restore-point', when: 'no-restore-point' },
        ROLLBACK_SUBMIT,
        AWAIT_STABLE,
      ],
      stateless: [...CANCEL, ROLLBACK_SUBMIT, AWAIT_STABLE],
    },
  },
};

/** Where a recorded operation stands in the table. */
export interface Placement {
  sequence: SequenceName;
  mode: UpgradeMode;
  step: Step;
  index: number;
}

const stagesOf = (name: SequenceName, mode: UpgradeMode): readonly Stage[] =>
  SEQUENCES[name].stages[mode];

/** The step a sequence starts with. */
export function firstStep(name: SequenceName, mode: UpgradeMode): Step {
  const first = stagesOf(name, mode)[0];
  // The table test proves no sequence is empty; saying so keeps the type honest.
  if (!first) throw new Error(`sequence ${name}/${mode} has no steps`);
  return first.step;
}

/**
 * Finds a recorded operation's step in the table from what the operation records (its kind,
 * mode and step); undefined when that kind and mode have no such step. Two sequences may share
 * a kind (upgrade and scale); the table test proves they agree on every step they share.
 */
export function locateStage(
  kind: OperationKind,
  mode: UpgradeMode,
  step: string,
): Placement | undefined {
  for (const sequence of SEQUENCE_NAMES) {
    if (SEQUENCES[sequence].kind !== kind) continue;
    const stages = stagesOf(sequence, mode);
    const index = stages.findIndex((stage) => stage.step === step);
    const stage = stages[index];
    if (stage) return { sequence, mode, step: stage.step, index };
  }
  return undefined;
}

/** The step after `at` whose guard holds of `data`; undefined past the end of the sequence. */
export function nextStep(at: Placement, data: OperationData): Step | undefined {
  return stagesOf(at.sequence, at.mode)
    .slice(at.index + 1)
    .find((stage) => stage.when === undefined || GUARDS[stage.when].holds(data))?.step;
}
