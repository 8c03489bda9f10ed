/**
 * Writes the generated contracts: the editor JSON Schema of spec files (docs/fjc-spec.schema.json)
 * and the OpenAPI document of the API (docs/openapi.json), both from the zod schemas and the
 * route table. Run after changing a schema or a route: `npx tsx scripts/gen-schema.ts`.
 * Unit tests fail while a committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPEC_JSON_SCHEMA_PATH, buildSpecJsonSchema } from '../functions/core/spec/index.js';
import { OPENAPI_DOCUMENT_PATH, buildOpenApi } from '../functions/api/openapi.js';
import { ROUTES } from '../functions/api/routes/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, content] of [
  [SPEC_JSON_SCHEMA_PATH, buildSpecJsonSchema()],
  [OPENAPI_DOCUMENT_PATH, buildOpenApi(ROUTES)],
] as const) {
  writeFileSync(join(root, path), `${JSON.stringify(content, null, 2)}\n`);
  console.log(`wrote ${path}`);
}
