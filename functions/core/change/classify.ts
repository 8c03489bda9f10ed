/**
 * Classifies the difference between the last applied FlinkJob spec and a new one, field by
 * field from {@link JOB_FIELD_RULES}: what must happen to the running job.
 */
import { FjcError } from '../../commons/errors.js';
import type { DesiredState, FlinkJob } from '../spec/index.js';
import { canonicalJson } from './hash.js';
import {
  CHANGE_KINDS,
  JOB_FIELD_RULES,
  type ChangeKind,
  type FieldClass,
  type JobField,
} from './table.js';

/** One changed field and its class. */
export interface FieldChange {
  /** Dotted path, e.g. `spec.artifact.uri`, or {@link UNLISTED_FIELD}. */
  readonly field: string;
  readonly class: FieldClass;
}

/** The outcome of {@link classifyChange}. */
export interface ChangeClassification {
  /** What must happen to the running job: the highest class among the changed fields. */
  readonly kind: ChangeKind;
  /** The changed fields whose class is `kind`: the reasons for it (empty for a first deploy). */
  readonly fields: readonly string[];
  /** Every changed field with its class, including `IGNORE` and `DESIRED_STATE` ones. */
  readonly changes: readonly FieldChange[];
  /** There was no previous spec: the job is deployed for the first time (`kind` is REDEPLOY). */
  readonly initial: boolean;
  /**
   * Set when the desired state changed (or on a first deploy): suspend/resume is not a change
   * class but a planner decision, so it travels beside `kind` rather than inside it.
   */
  readonly desiredState?: { readonly from: DesiredState | undefined; readonly to: DesiredState };
}

/**
 * Reported when the documents differ in a field that {@link JOB_FIELD_RULES} does not list.
 * The unit test makes this impossible for schema fields; the fallback only guards against a
 * table left behind, and it is conservative (UPGRADE, as Flink's own operator does).
 */
export const UNLISTED_FIELD = '(unlisted field)';

const FIELDS = Object.keys(JOB_FIELD_RULES) as JobField[];

function valueAt(document: FlinkJob, field: string): unknown {
  let value: unknown = document;
  for (const key of field.split('.')) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}

/** Equality of JSON values; an absent optional field equals only another absent one. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

function rank(kind: ChangeKind): number {
  return CHANGE_KINDS.indexOf(kind);
}

/** The change kind a field class contributes: identity and desired state contribute nothing. */
function contribution(fieldClass: FieldClass): ChangeKind {
  return fieldClass === 'DESIRED_STATE' || fieldClass === 'IDENTITY' ? 'IGNORE' : fieldClass;
}

/**
 * The class of a changed field. A restore nonce that was removed asks for nothing: there is no
 * savepoint left to restore from, so removing `spec.restore.from` is bookkeeping.
 */
function classOf(field: JobField, next: FlinkJob): FieldClass {
  const rule = JOB_FIELD_RULES[field].class;
  if (rule === 'RESTORE' && next.spec.restore.from === undefined) return 'IGNORE';
  return rule;
}

/**
 * Classifies a spec change. `previous` is the last spec fjc applied, `undefined` when the job
 * was never deployed: then the result is `REDEPLOY` with `initial: true`.
 *
 * @throws FjcError when the two specs name different jobs.
 */
export function classifyChange(
  previous: FlinkJob | undefined,
  next: FlinkJob,
): ChangeClassification {
  if (previous === undefined) {
    return {
      kind: 'REDEPLOY',
      fields: [],
      changes: [],
      initial: true,
      desiredState: { from: undefined, to: next.spec.state },
    };
  }
  if (previous.metadata.name !== next.metadata.name) {
    throw new FjcError(
      `cannot compare job ${previous.metadata.name} with job ${next.metadata.name}: they are different jobs`,
      { remedy: 'Compare specs of the same job (same metadata.name).' },
    );
  }
  const changes: FieldChange[] = FIELDS.filter(
    (field) => !sameValue(valueAt(previous, field), valueAt(next, field)),
  ).map((field) => ({ field, class: classOf(field, next) }));
  if (changes.length === 0 && canonicalJson(previous) !== canonicalJson(next)) {
    changes.push({ field: UNLISTED_FIELD, class: 'UPGRADE' });
  }
  const kind = changes.reduce<ChangeKind>((highest, change) => {
    const candidate = contribution(change.class);
    return rank(candidate) > rank(highest) ? candidate : highest;
  }, 'IGNORE');
  const stateChanged = previous.spec.state !== next.spec.state;
  return {
    kind,
    fields: changes.filter((change) => change.class === kind).map((change) => change.field),
    changes,
    initial: false,
    ...(stateChanged ? { desiredState: { from: previous.spec.state, to: next.spec.state } } : {}),
  };
}
