/**
 * The field paths of a zod object schema, for checking that a per-field table is complete.
 */
import type { z } from 'zod';

/** Wrappers that do not change which fields a value has. */
const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'nonoptional',
  'catch',
]);

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  while (WRAPPERS.has(current._zod.def.type)) {
    current = (current._zod.def as unknown as { innerType: z.core.$ZodType }).innerType;
  }
  return current;
}

/**
 * Dotted paths of the leaves of a schema: nested objects are walked, anything else (maps,
 * lists, unions, codecs, scalars) is a leaf. `spec.savepointPolicy.maxCount` is a leaf;
 * `spec.flinkConfiguration` is one too, as its keys are data, not fields.
 */
export function schemaFieldPaths(schema: z.core.$ZodType, prefix = ''): string[] {
  const inner = unwrap(schema);
  if (inner._zod.def.type !== 'object') return prefix === '' ? [] : [prefix];
  const shape = (inner._zod.def as unknown as { shape: Record<string, z.core.$ZodType> }).shape;
  return Object.entries(shape).flatMap(([key, child]) =>
    schemaFieldPaths(child, prefix === '' ? key : `${prefix}.${key}`),
  );
}
