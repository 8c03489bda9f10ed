/**
 * Words for a response fjc could not use, made without its text. What answers at a cluster's
 * URL may not be Flink (a metadata service, a login page, a proxy), and errors end up in the
 * job's status and history that the job's team reads: so a response is described by its status,
 * content type and size, and a wrong shape by the fields of the schema, never by the response's
 * own keys or values.
 */
import type { z } from 'zod';

/** Content types shown by name; anything else (a header a responder writes freely) is not. */
const KNOWN_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/problem+json',
  'application/octet-stream',
  'application/xml',
  'application/javascript',
  'text/plain',
  'text/html',
  'text/xml',
  'text/css',
]);

/** `text/html, 1234 bytes`: a body as seen from outside. */
export function describeBody(contentType: string | undefined, bytes: number): string {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return `${KNOWN_TYPES.has(type) ? type : 'unknown type'}, ${bytes} bytes`;
}

interface SchemaDef {
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
}

const declared = new WeakMap<z.ZodType, ReadonlySet<string>>();

/** Every object key a schema declares, at any depth. */
function declaredKeys(schema: z.ZodType): ReadonlySet<string> {
  const known = declared.get(schema);
  if (known) return known;
  const keys = new Set<string>();
  const seen = new Set<z.ZodType>();
  const visit = (node: z.ZodType | undefined): void => {
    if (node === undefined || seen.has(node)) return;
    seen.add(node);
    const def = node._zod.def as SchemaDef;
    for (const [key, child] of Object.entries(def.shape ?? {})) {
      keys.add(key);
      visit(child);
    }
    for (const child of [def.element, def.innerType, def.valueType, def.in, def.out]) visit(child);
    for (const child of def.options ?? []) visit(child);
  };
  visit(schema);
  declared.set(schema, keys);
  return keys;
}

/**
 * The first problems of a response that does not match `schema`, as `path: what` with only
 * indexes and declared keys in the path (`*` for a key the responder chose, e.g. of a record).
 */
export function describeShapeProblems(schema: z.ZodType, error: z.ZodError, max = 3): string {
  const keys = declaredKeys(schema);
  return error.issues
    .slice(0, max)
    .map((issue) => {
      const path = issue.path
        .map((segment) =>
          typeof segment === 'number' || (typeof segment === 'string' && keys.has(segment))
            ? String(segment)
            : '*',
        )
        .join('.');
      const what =
        issue.code === 'invalid_type'
          ? `expected ${issue.expected}`
          : issue.code.replace(/_/g, ' ');
      return `${path || '(root)'}: ${what}`;
    })
    .join('; ');
}
