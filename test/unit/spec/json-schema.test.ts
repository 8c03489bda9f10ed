import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SPEC_JSON_SCHEMA_PATH, buildSpecJsonSchema } from '../../../functions/core/spec/index.js';

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
