/**
 * The names people see in a job's history: one scheme for every entry, whoever wrote it.
 *
 * Writers record a short code with each change (the store keeps it as it was written, so entries
 * written by older versions stay readable). This table maps every code, current and past, to an
 * event named `subject.what-happened` (lower case, words joined by `-`, like `job.submitted` or
 * `upgrade.succeeded`), an outcome, and a sentence built from the entry's details. The table is
 * data so that a new code is one row, and a test checks that every code the controller writes
 * has one.
 */
import type { JsonObject } from './json.js';
import { OPERATION_KINDS } from './job.js';

/**
 * What an entry says about the change it records, in the order an operation goes through them:
 * a person's change was `accepted`; an operation `started`, `progressed` step by step, and
 * `succeeded` or `failed`; a step that failed and will be tried again is `retrying`; `noted` is
 * for what the controller learnt without changing the job (e.g. that Flink no longer knows it).
 */
export const HISTORY_OUTCOMES = [
  'accepted',
  'started',
  'progressed',
  'succeeded',
  'failed',
  'retrying',
  'noted',
] as const;
/** One of {@link HISTORY_OUTCOMES}. */
export type HistoryOutcome = (typeof HISTORY_OUTCOMES)[number];

/** An audit entry as people read it. */
export interface HistoryEvent {
  /** `subject.what-happened`, e.g. `savepoint.completed`. */
  event: string;
  outcome: HistoryOutcome;
  /** One sentence; the entry's details in words. */
  message: string;
}

/** What a row of the table reads from an entry. */
interface EntryFacts {
  actor: string;
  details: JsonObject;
  /** The operation kind the entry belongs to, when it belongs to one. */
  kind: string | undefined;
}

interface Row {
  event: string | ((facts: EntryFacts) => string);
  outcome: HistoryOutcome;
  message: (facts: EntryFacts) => string;
}

function text(details: JsonObject, key: string): string | undefined {
  const value = details[key];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `sentence` followed by ` (key value, …)` for the details that are present. */
function withFacts(sentence: string, details: JsonObject, keys: readonly string[]): string {
  const facts = keys
    .map((key) => [key, text(details, key)] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
    .map(([key, value]) => `${label(key)} ${value}`);
  return facts.length === 0 ? sentence : `${sentence} (${facts.join(', ')})`;
}

const LABELS: Record<string, string> = {
  flinkJobId: 'Flink job',
  restorePath: 'from',
  generation: 'generation',
  specHash: 'spec',
  previousOwner: 'from',
  failures: 'failure',
  parallelism: 'parallelism',
  triggerId: 'trigger',
  operationId: 'operation',
};

function label(key: string): string {
  return LABELS[key] ?? key;
}

/** `because …` when the entry says why. */
function because(details: JsonObject): string {
  const why = text(details, 'reason');
  return why === undefined ? '' : `: ${why}`;
}

/** The operation kind an entry belongs to: from its code (`upgrade-started`) or its actor. */
function kindOf(code: string, actor: string): string | undefined {
  const started = /^([a-z]+)-(?:started|aborted)$/.exec(code);
  if (started) return started[1];
  const worker = /^fjc:([a-z-]+)$/.exec(actor);
  return worker && worker[1] !== 'reconcile' ? worker[1] : undefined;
}

/** The pre-flight's own summary, recorded under `preflight`. */
function preflightSummary(details: JsonObject): string {
  const preflight = details.preflight;
  const summary =
    preflight !== null && typeof preflight === 'object' && !Array.isArray(preflight)
      ? (preflight as JsonObject).summary
      : undefined;
  return typeof summary === 'string' ? summary : 'no summary recorded';
}

/** `savepoint <id>` of a catalog change's entry. */
function savepointNamed(details: JsonObject): string {
  return `savepoint ${text(details, 'savepointId') ?? '(unknown id)'}`;
}

/** `; restores the chosen savepoint …` when a started entry names the savepoint chosen. */
function chosenSource(details: JsonObject): string {
  const id = text(details, 'savepointId');
  if (id !== undefined) return `; restores the chosen savepoint ${id}`;
  const path = text(details, 'path');
  return path === undefined ? '' : `; restores the chosen savepoint at ${path}`;
}

/** ` (at <path>)` when the entry names the savepoint's path. */
function atPath(details: JsonObject): string {
  const path = text(details, 'path');
  return path === undefined ? '' : ` (at ${path})`;
}

const operationEvent =
  (what: string) =>
  ({ kind }: EntryFacts): string =>
    `${kind ?? 'operation'}.${what}`;

/** Every code writers record, current and past, and how people read it. */
const ROWS: Record<string, Row> = {
  // Changes of the desired state, by people (through the API, S3 or the CLI).
  'job.created': {
    event: 'job.created',
    outcome: 'accepted',
    message: ({ details }) => withFacts('job created', details, ['generation', 'via']),
  },
  'desired.updated': {
    event: 'spec.changed',
    outcome: 'accepted',
    message: ({ details }) =>
      withFacts('desired spec changed', details, ['generation', 'via', 'deletion', 'reason']),
  },
  'desired.owner-changed': {
    event: 'spec.owner-changed',
    outcome: 'accepted',
    message: ({ details }) => withFacts('team or cluster changed', details, ['generation']),
  },
  'job.deleted': {
    event: 'job.released',
    outcome: 'succeeded',
    message: ({ details }) =>
      withFacts('fjc stopped managing the job; it keeps running on its cluster', details, [
        'generation',
      ]),
  },
  'job.purged': {
    event: 'job.purged',
    outcome: 'succeeded',
    message: () => 'job record removed; its savepoints and this history are kept',
  },
  'lease.takeover': {
    event: 'lease.taken-over',
    outcome: 'noted',
    message: ({ details }) =>
      withFacts('took over the job from a worker whose lease ran out', details, ['previousOwner']),
  },
  // Operations: started by the controller, one entry per step, then an end.
  ...Object.fromEntries(
    OPERATION_KINDS.map((kind) => [
      `${kind}-started`,
      {
        event: `${kind}.started`,
        outcome: 'started',
        message: ({ details }: EntryFacts) =>
          `${kind} started${because(details)}${chosenSource(details)}`,
      },
    ]),
  ),
  ...Object.fromEntries(
    OPERATION_KINDS.map((kind) => [
      `${kind}-aborted`,
      {
        event: `${kind}.failed`,
        outcome: 'failed',
        message: ({ details }: EntryFacts) =>
          `${kind} gave up; what runs was left as it was: ${text(details, 'message') ?? text(details, 'code') ?? 'no reason recorded'}`,
      },
    ]),
  ),
  'preflight-passed': {
    event: 'preflight.passed',
    outcome: 'progressed',
    message: ({ details }) => `pre-flight passed: ${preflightSummary(details)}`,
  },
  'preflight-refused': {
    event: 'preflight.refused',
    outcome: 'failed',
    message: ({ details }) =>
      `pre-flight refused the new version before anything stopped; the running job is untouched: ${preflightSummary(details)}`,
  },
  'restore-refused': {
    event: 'restore.refused',
    outcome: 'failed',
    message: ({ details, kind }) =>
      kind === 'restore' || kind === undefined
        ? `restore refused before anything stopped; the running job is untouched${because(details)}`
        : `restore refused before anything started; nothing runs${because(details)}`,
  },
  'chosen-savepoint-resolved': {
    event: 'restore.savepoint-resolved',
    outcome: 'progressed',
    message: ({ details }) =>
      `the job will restore from the chosen ${text(details, 'savepointId') === undefined ? 'path' : `savepoint ${text(details, 'savepointId') ?? ''}`} ${text(details, 'path') ?? ''}`.trimEnd(),
  },
  'job-submitted': {
    event: 'job.submitted',
    outcome: 'progressed',
    message: ({ details }) =>
      withFacts('job submitted to Flink', details, ['flinkJobId', 'restorePath']),
  },
  'cancel-requested': {
    event: 'job.cancel-requested',
    outcome: 'progressed',
    message: ({ details }) => withFacts('asked Flink to cancel the job', details, ['flinkJobId']),
  },
  'job-stopped': {
    event: 'job.stopped',
    outcome: 'progressed',
    message: () => 'the old job no longer runs',
  },
  'rescale-requested': {
    event: 'job.rescale-requested',
    outcome: 'progressed',
    message: ({ details }) => withFacts('asked Flink to rescale the job', details, ['parallelism']),
  },
  'savepoint-triggered': {
    event: 'savepoint.triggered',
    outcome: 'progressed',
    message: ({ details }) => withFacts('savepoint triggered', details, ['flinkJobId']),
  },
  'stop-with-savepoint-triggered': {
    event: 'savepoint.stop-triggered',
    outcome: 'progressed',
    message: ({ details }) => withFacts('stop with a savepoint triggered', details, ['flinkJobId']),
  },
  'savepoint-completed': {
    event: 'savepoint.completed',
    outcome: 'progressed',
    message: ({ details }) => `savepoint completed at ${text(details, 'path') ?? '(no path)'}`,
  },
  'savepoint-retention': {
    event: 'savepoint.retention-applied',
    outcome: 'succeeded',
    message: ({ details }) => {
      const disposed = details.disposed;
      const count = Array.isArray(disposed)
        ? disposed.length
        : typeof disposed === 'number'
          ? disposed
          : 0;
      return `retention disposed of ${count} savepoint${count === 1 ? '' : 's'}`;
    },
  },
  // Catalog changes by people (register, pin, unpin, delete), written with the catalog item.
  'savepoint-registered': {
    event: 'savepoint.registered',
    outcome: 'accepted',
    message: ({ details }) =>
      `${savepointNamed(details)} made elsewhere registered at ${text(details, 'path') ?? '(no path)'}${because(details)}`,
  },
  'savepoint-pinned': {
    event: 'savepoint.pinned',
    outcome: 'accepted',
    message: ({ details }) =>
      `${savepointNamed(details)} pinned: retention keeps it and its deletion is refused${atPath(details)}`,
  },
  'savepoint-unpinned': {
    event: 'savepoint.unpinned',
    outcome: 'accepted',
    message: ({ details }) =>
      `${savepointNamed(details)} unpinned: retention treats it like any other again${atPath(details)}`,
  },
  'savepoint-deletion-requested': {
    event: 'savepoint.deleted',
    outcome: 'accepted',
    message: ({ details }) =>
      `${savepointNamed(details)} deleted from the catalog; the next retention round disposes of its files${atPath(details)}`,
  },
  'checkpoint-located': {
    event: 'checkpoint.located',
    outcome: 'progressed',
    message: ({ details }) => `newest checkpoint found at ${text(details, 'path') ?? '(no path)'}`,
  },
  'restore-point-located': {
    event: 'restore-point.located',
    outcome: 'progressed',
    message: ({ details }) =>
      `the job will restore from ${text(details, 'restorePath') ?? '(no path)'}`,
  },
  'restore-point-missing': {
    event: 'restore-point.missing',
    outcome: 'failed',
    message: ({ details }) =>
      [text(details, 'message'), text(details, 'remedy')].filter(Boolean).join(' ') ||
      'no restorable checkpoint or savepoint was found',
  },
  stable: {
    event: operationEvent('succeeded'),
    outcome: 'succeeded',
    message: ({ details }) => `stable: ${text(details, 'summary') ?? 'the stability gate passed'}`,
  },
  suspended: {
    event: 'suspend.succeeded',
    outcome: 'succeeded',
    message: ({ details }) =>
      text(details, 'restorePath') === undefined
        ? 'job suspended (stateless: no savepoint)'
        : `job suspended; it resumes from ${text(details, 'restorePath') ?? ''}`,
  },
  'rollback-started': {
    event: 'rollback.started',
    outcome: 'started',
    message: ({ details }) =>
      withFacts(`the new version is not stable${because(details)}; rolling back`, details, ['to']),
  },
  'rolled-back': {
    event: 'rollback.succeeded',
    outcome: 'succeeded',
    message: ({ details }) =>
      `back on the last stable spec${because(details)}${
        text(details, 'summary') === undefined ? '' : `; ${text(details, 'summary') ?? ''}`
      }`,
  },
  'rollback-failed': {
    event: 'rollback.failed',
    outcome: 'failed',
    message: ({ details }) => `the rollback did not become stable either${because(details)}`,
  },
  failed: {
    event: operationEvent('failed'),
    outcome: 'failed',
    message: ({ details }) => `not stable${because(details)}`,
  },
  'step-failed': {
    event: 'step.failed',
    outcome: 'retrying',
    message: ({ details }) =>
      `step ${text(details, 'step') ?? '?'} failed (${text(details, 'error') ?? 'error'}, failure ${text(details, 'failures') ?? '?'}); it is tried again`,
  },
  'operation-failed': {
    event: operationEvent('failed'),
    outcome: 'failed',
    message: ({ details }) =>
      `step ${text(details, 'step') ?? '?'} kept failing (${text(details, 'error') ?? 'error'}); the job is FAILED`,
  },
  'operation-invalid': {
    event: operationEvent('failed'),
    outcome: 'failed',
    message: ({ details }) => `the recorded operation could not be read${because(details)}`,
  },
  // What a reconcile cycle wrote without starting an operation.
  'mark-unknown': {
    event: 'job.marked-unknown',
    outcome: 'noted',
    message: ({ details }) => `state unknown${because(details)}`,
  },
  'mark-suspended': {
    event: 'job.marked-suspended',
    outcome: 'noted',
    message: ({ details }) => `suspended${because(details)}`,
  },
  adopt: {
    event: 'job.adopted',
    outcome: 'noted',
    message: ({ details }) => `adopted a running Flink job${because(details)}`,
  },
  settle: {
    event: 'job.settled',
    outcome: 'noted',
    message: ({ details }) => `status brought in line with Flink${because(details)}`,
  },
};

/** The codes {@link describeHistoryEntry} knows; a test holds the controller's writers to it. */
export const HISTORY_CODES: readonly string[] = Object.keys(ROWS);

/**
 * How people read an audit entry: its event name, outcome and a sentence. A code this version
 * does not know (written by a newer one) is shown as it is, with the details as facts.
 */
export function describeHistoryEntry(entry: {
  action: string;
  actor: string;
  details?: JsonObject | undefined;
}): HistoryEvent {
  const details = entry.details ?? {};
  const facts: EntryFacts = {
    actor: entry.actor,
    details,
    kind: kindOf(entry.action, entry.actor),
  };
  const row = ROWS[entry.action];
  if (row === undefined)
    return {
      event: entry.action,
      outcome: 'noted',
      message: withFacts(
        entry.action,
        details,
        Object.keys(details).filter((k) => k !== 'operationId'),
      ),
    };
  const event = typeof row.event === 'string' ? row.event : row.event(facts);
  const next = text(details, 'next');
  const message = row.message(facts);
  return {
    event,
    outcome: row.outcome,
    message:
      row.outcome === 'progressed' && next !== undefined ? `${message}; next: ${next}` : message,
  };
}
