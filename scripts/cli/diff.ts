/**
 * Field-level differences between a stored spec and a local one, both in their input (wire)
 * form, so that a plan can show `before → after` values. The API's plan names the changed fields
 * and their class; the values come from here.
 */

/** One changed value. `undefined` means the field is absent on that side. */
export interface FieldDiff {
  path: string;
  before: unknown;
  after: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path such as `spec.artifact.uri`, or `undefined`. */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) current = isRecord(current) ? current[key] : undefined;
  return current;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

/**
 * Every leaf that differs between two documents, by dotted path. Lists and values of other
 * types are compared whole; mappings are walked, except those under `mapKeys` (free-form maps
 * such as labels or flinkConfiguration, whose keys contain dots and are better shown whole).
 */
export function diffLeaves(
  before: unknown,
  after: unknown,
  prefix = '',
  mapKeys: ReadonlySet<string> = new Set(['metadata.labels', 'spec.flinkConfiguration']),
): FieldDiff[] {
  if (isRecord(before) && isRecord(after) && !mapKeys.has(prefix)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) =>
      diffLeaves(before[key], after[key], prefix === '' ? key : `${prefix}.${key}`, mapKeys),
    );
  }
  return same(before, after) ? [] : [{ path: prefix, before, after }];
}
