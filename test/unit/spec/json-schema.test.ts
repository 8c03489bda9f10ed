import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SPEC_JSON_SCHEMA_PATH, buildSpecJsonSchema } from '../../../functions/core/spec/index.js';
import { discriminateUnions } from '../../../functions/core/spec/json-schema.js';

describe('editor JSON Schema', () => {
  it('is committed and up to date with the zod schemas', () => {
    const committed: unknown = JSON.parse(readFileSync(SPEC_JSON_SCHEMA_PATH, 'utf8'));
    expect(
      committed,
      `${SPEC_JSON_SCHEMA_PATH} is stale: run \`npx tsx scripts/gen-schema.ts\` and commit the result`,
    ).toEqual(buildSpecJsonSchema());
  });

  it('describes the input form: durations as text, defaults shown', () => {
    const text = JSON.stringify(buildSpecJsonSchema());
    expect(text).toContain('"default":"savepoint"');
    expect(text).toContain('"default":"60s"');
    expect(text).toContain('"additionalProperties":false');
  });
});

describe('discriminateUnions', () => {
  const cat = { type: 'object', properties: { kind: { const: 'cat' } }, required: ['kind'] };
  const dog = { type: 'object', properties: { kind: { const: 'dog' } }, required: ['kind'] };

  it('turns a oneOf told apart by a const property into if/then, members inline or by $ref', () => {
    expect(
      discriminateUnions({ items: { oneOf: [cat, { $ref: '#/$defs/Dog' }] } }, { Dog: dog }),
    ).toEqual({
      items: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { enum: ['cat', 'dog'] } },
        allOf: [
          { if: { properties: { kind: { const: 'cat' } }, required: ['kind'] }, then: cat },
          {
            if: { properties: { kind: { const: 'dog' } }, required: ['kind'] },
            then: { $ref: '#/$defs/Dog' },
          },
        ],
      },
    });
  });

  it('leaves a oneOf alone when no property tells the members apart', () => {
    const plain = { oneOf: [{ type: 'string' }, { type: 'number' }] };
    expect(discriminateUnions(plain, {})).toEqual(plain);
    const optional = { oneOf: [{ ...cat, required: [] }, dog] };
    expect(discriminateUnions(optional, {})).toEqual(optional);
    const same = { oneOf: [cat, cat] };
    expect(discriminateUnions(same, {})).toEqual(same);
    expect(discriminateUnions({ oneOf: [] }, {})).toEqual({ oneOf: [] });
    expect(discriminateUnions({ oneOf: [{ $ref: '#/other' }, 1] }, {})).toEqual({
      oneOf: [{ $ref: '#/other' }, 1],
    });
  });
});
