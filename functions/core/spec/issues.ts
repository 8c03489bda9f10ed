/**
 * Turns zod's issues into fjc's {@link FieldIssue}s: one issue per problem, located by a
 * readable path such as `documents[1].spec.savepointPolicy.maxCount`, with a message that says
 * what is allowed.
 */
import type { z } from 'zod';
import type { FieldIssue } from '../../commons/errors.js';
import { INLINE_SECRET_MESSAGE, isSecretLikeKey } from './common.js';

/** Refused by the value checks (check-value.ts) in every mapping, so not repeated here. */
const PROTO_KEY = '__proto__';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Renders a path: identifiers joined with dots, indices in brackets, other keys (such as the
 * dotted keys of flinkConfiguration) quoted in brackets so that the path stays unambiguous.
 */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    default:
      return `a ${expected}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/**
 * The error map for validating specs: messages for the issues that schemas leave generic.
 * Schema-specific messages take precedence over it.
 */
export const specErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    return `must be ${describeExpected(issue.expected)}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'unrecognized_keys') {
    // The schema instance knows which fields exist; the message travels to toFieldIssues.
    const def = issue.inst?._zod.def as { shape?: Record<string, unknown> } | undefined;
    const allowed = Object.keys(def?.shape ?? {});
    return allowed.length === 0 ? 'no fields are allowed here' : `allowed: ${allowed.join(', ')}`;
  }
  return undefined;
};

/**
 * Converts the issues of one failed validation. An unknown-fields issue becomes one issue per
 * field, and fields that look like credentials get a message about secrets.
 *
 * @param prefix path segments in front of every issue path, e.g. `['documents', 1]`.
 * @param locate optional source position of a path, appended to the message.
 */
export function toFieldIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
  locate: (path: readonly PropertyKey[]) => string | undefined = () => undefined,
): FieldIssue[] {
  const out: FieldIssue[] = [];
  const add = (path: readonly PropertyKey[], message: string): void => {
    const where = locate(path);
    out.push({
      path: formatPath([...prefix, ...path]),
      message: where === undefined ? message : `${message} (${where})`,
    });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // `__proto__` is reported by checkValue for every mapping, known fields or not.
      for (const key of issue.keys.filter((name) => name !== PROTO_KEY)) {
        add(
          [...issue.path, key],
          isSecretLikeKey(key) ? INLINE_SECRET_MESSAGE : `unknown field; ${issue.message}`,
        );
      }
    } else if (issue.code === 'invalid_key') {
      add(issue.path, `invalid key: ${issue.issues.map((inner) => inner.message).join('; ')}`);
    } else if (issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined) {
      add(issue.path, `is required (${describeExpected(issue.expected)})`);
    } else {
      add(issue.path, issue.message);
    }
  }
  return out;
}
