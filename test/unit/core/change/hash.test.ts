import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FjcError } from '../../../../functions/commons/errors.js';
import { canonicalJson, specHash } from '../../../../functions/core/change/index.js';
import { flinkJobSchema, validateSpecDocuments } from '../../../../functions/core/spec/index.js';
import { fullJob, minimalCluster, minimalJob } from '../../spec/fixtures.js';

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, child]) => [key, reversedKeys(child)]),
  );
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: [{ d: 1, c: undefined, a: 'x' }], a: null })).toBe(
      '{"a":null,"b":[{"a":"x","d":1}]}',
    );
  });

  it('refuses values without a JSON form', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(FjcError);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(FjcError);
  });

  it('is independent of key order for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(reversedKeys(value))).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('specHash', () => {
  it('is a sha256 hex digest, stable across key order', () => {
    const hash = specHash(flinkJobSchema.parse(fullJob()));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(specHash(flinkJobSchema.parse(reversedKeys(fullJob())))).toBe(hash);
  });

  it('does not change when a default is written out', () => {
    const explicit = {
      ...minimalJob(),
      spec: { ...(minimalJob().spec as object), parallelism: 1, upgradeMode: 'savepoint' },
    };
    expect(specHash(flinkJobSchema.parse(explicit))).toBe(
      specHash(flinkJobSchema.parse(minimalJob())),
    );
  });

  it('changes with the content', () => {
    const other = { ...minimalJob(), spec: { ...(minimalJob().spec as object), parallelism: 2 } };
    expect(specHash(flinkJobSchema.parse(other))).not.toBe(
      specHash(flinkJobSchema.parse(minimalJob())),
    );
  });

  it('hashes clusters too', () => {
    const result = validateSpecDocuments([minimalCluster()]);
    const [cluster] = result.ok ? result.documents : [];
    if (cluster === undefined) throw new Error('invalid fixture');
    expect(specHash(cluster)).toMatch(/^[0-9a-f]{64}$/);
  });
});
