/**
 * Writes the editor JSON Schema of spec files, generated from the zod schemas, to
 * docs/fjc-spec.schema.json. Run after changing a schema: `npx tsx scripts/gen-schema.ts`.
 * A unit test fails while the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPEC_JSON_SCHEMA_PATH, buildSpecJsonSchema } from '../functions/core/spec/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, SPEC_JSON_SCHEMA_PATH);
writeFileSync(target, `${JSON.stringify(buildSpecJsonSchema(), null, 2)}\n`);
console.log(`wrote ${SPEC_JSON_SCHEMA_PATH}`);
