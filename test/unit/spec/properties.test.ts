import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  encodeSpecDocument,
  parseSpecDocuments,
  specDocumentSchema,
  validateSpecDocuments,
  type ParseResult,
} from '../../../functions/core/spec/index.js';
import { fullJob, minimalCluster, minimalJob } from './fixtures.js';

const RUNS = { numRuns: 300 };

/** The parser's contract: documents that re-validate to themselves, or issues with paths. */
function expectWellFormed(result: ParseResult): void {
  if (result.ok) {
    expect(result.documents.length).toBeGreaterThan(0);
    for (const document of result.documents) {
      const again = specDocumentSchema.safeParse(encodeSpecDocument(document));
      expect(again.success).toBe(true);
      expect(again.data).toEqual(document);
    }
  } else {
    expect(result.issues.length).toBeGreaterThan(0);
    for (const issue of result.issues) {
      expect(issue.path).toMatch(/^documents/);
      expect(issue.message.length).toBeGreaterThan(0);
    }
  }
}

type Path = (string | number)[];

/** Every path into a JSON value, the root included. */
function pathsOf(value: unknown, path: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [path];
  const children = Object.entries(value).flatMap(([key, child]) =>
    pathsOf(child, [...path, Array.isArray(value) ? Number(key) : key]),
  );
  return [path, ...children];
}

type Mutation =
  | { op: 'set'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: unknown };

/** Applies a mutation at the `at`-th path (modulo the number of paths) of a clone. */
function mutate(document: Record<string, unknown>, mutation: Mutation): unknown {
  const root = structuredClone(document) as unknown;
  const paths = pathsOf(root);
  const path = paths[mutation.at % paths.length] ?? [];
  if (path.length === 0) return mutation.op === 'set' ? mutation.value : root;
  const parent = path
    .slice(0, -1)
    .reduce<unknown>(
      (node, key) => (node as Record<string | number, unknown>)[key],
      root,
    ) as Record<string | number, unknown>;
  const key = path[path.length - 1] ?? '';
  if (mutation.op === 'set') parent[key] = mutation.value;
  else if (mutation.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else Reflect.deleteProperty(parent, key);
  } else {
    const target = parent[key];
    if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
      (target as Record<string, unknown>)[mutation.key] = mutation.value;
    }
  }
  return root;
}

const scalar = fc.oneof(
  fc.string(),
  fc.integer({ min: -5, max: 40_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    'off',
    '30m',
    '0s',
    'stateless',
    'cancel',
    'suspended',
    'https://x',
    's3://b-1/k.jar',
    'A',
    '',
  ),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 })),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(fc.string(), fc.constantFrom('password', 'token', 'labels', 'spec')),
    value: scalar,
  }),
);
const validDocument = fc.constantFrom(minimalJob(), fullJob(), minimalCluster(), {
  ...minimalCluster(),
  spec: { url: 'https://f:8443', auth: { type: 'mtls', secretRef: 'fjc/client' } },
});

describe('parser properties', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.constantFrom(undefined, 'a.json', 'a.yaml'),
        (text, filename) => {
          expectWellFormed(parseSpecDocuments(text, filename === undefined ? {} : { filename }));
        },
      ),
      RUNS,
    );
  });

  it('agrees with the schema on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const result = validateSpecDocuments([value]);
        expectWellFormed(result);
        const schemaAccepts = specDocumentSchema.safeParse(value).success;
        if (result.ok) expect(schemaAccepts).toBe(true);
        else if (!JSON.stringify(value).includes('__proto__')) expect(schemaAccepts).toBe(false);
      }),
      RUNS,
    );
  });

  it('agrees with the schema on mutated valid specs, as YAML and as JSON', () => {
    fc.assert(
      fc.property(
        validDocument,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (document, mutations, asJson) => {
          const mutated = mutations.reduce<unknown>(
            (value, change) => mutate(value as Record<string, unknown>, change),
            document,
          );
          const text = asJson ? JSON.stringify(mutated) : stringify(mutated);
          const result = parseSpecDocuments(text, { filename: asJson ? 'spec.json' : 'spec.yaml' });
          expectWellFormed(result);
          if (Array.isArray(mutated)) return;
          const schemaAccepts = specDocumentSchema.safeParse(mutated).success;
          // Never accepts what the schema forbids; stricter only about `__proto__` keys, which
          // zod would drop from maps silently.
          if (result.ok) expect(schemaAccepts).toBe(true);
          else if (!text.includes('__proto__')) expect(schemaAccepts).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it('accepts every valid document, alone or many in one file', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/), {
          minLength: 1,
          maxLength: 5,
        }),
        (names) => {
          const documents = names.map((name) => ({ ...minimalJob(), metadata: { name } }));
          const text = documents.map((document) => stringify(document)).join('---\n');
          const result = parseSpecDocuments(text);
          expect(result.ok).toBe(true);
          expectWellFormed(result);
        },
      ),
      RUNS,
    );
  });
});
