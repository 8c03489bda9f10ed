/**
 * The OpenAPI 3.1 document of the API, generated from the route table and the zod schemas (zod's
 * own JSON Schema output, draft 2020-12, which is OpenAPI 3.1's schema dialect). Request bodies
 * are the spec language's own schemas, so the document validates exactly what the API accepts.
 */
import { z } from 'zod';
import { specDocumentSchema, flinkClusterSchema, flinkJobSchema } from '../core/spec/index.js';
import type { BodyComponent, Route } from './router.js';
import {
  JOB_ACTIONS,
  actionBodySchema,
  actionResultSchema,
  clusterListSchema,
  clusterPutResultSchema,
  clusterViewSchema,
  deletionResultSchema,
  errorBodySchema,
  historyListSchema,
  jobListSchema,
  jobPutResultSchema,
  jobSummarySchema,
  jobViewSchema,
  nameSchema,
  openApiDocumentSchema,
  planResultSchema,
  registerSavepointBodySchema,
  savepointListSchema,
  whoamiSchema,
  savepointSchema,
} from './schemas.js';

import { probeResultSchema } from './routes/cluster-probe.js';

/** Where the generated document is committed, relative to the repository root. */
export const OPENAPI_DOCUMENT_PATH = 'docs/openapi.json';

/** Named schemas: each becomes `#/components/schemas/<name>` and is referenced from there. */
export const COMPONENT_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  FlinkJob: flinkJobSchema,
  FlinkCluster: flinkClusterSchema,
  SpecFile: z.union([specDocumentSchema, z.array(specDocumentSchema)]),
  ActionBody: actionBodySchema,
  RegisterSavepointBody: registerSavepointBodySchema,
  Savepoint: savepointSchema,
  Error: errorBodySchema,
  JobSummary: jobSummarySchema,
  JobList: jobListSchema,
  Job: jobViewSchema,
  JobPutResult: jobPutResultSchema,
  DeletionResult: deletionResultSchema,
  ActionResult: actionResultSchema,
  History: historyListSchema,
  Savepoints: savepointListSchema,
  Cluster: clusterViewSchema,
  ClusterPutResult: clusterPutResultSchema,
  ClusterList: clusterListSchema,
  Plan: planResultSchema,
  Whoami: whoamiSchema,
  ClusterProbe: probeResultSchema,
  OpenApiDocument: openApiDocumentSchema,
};

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid request; `error.issues` lists every problem with its path.',
  401: 'Not authenticated.',
  403: 'Not allowed for the caller (team ownership, or admin only).',
  404: 'No such resource or route.',
  405: 'Method not allowed on this path.',
  409: 'Conflict: a concurrent change won, or the action does not apply in the current state.',
  412: 'If-Match / If-None-Match precondition failed.',
  413: 'Body larger than 1 MiB.',
  415: 'Unsupported Content-Type.',
  422: 'Idempotency-Key reused with a different request.',
  429: 'Too many requests.',
  500: 'Internal error (the body carries only a correlation id).',
  503: 'A dependency is temporarily unavailable.',
};

const ALWAYS = [401, 429, 500, 503];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function componentOf(schema: z.ZodType): string {
  const found = Object.entries(COMPONENT_SCHEMAS).find(([, candidate]) => candidate === schema);
  if (!found) throw new Error('every response schema must be a named component');
  return found[0];
}

function withoutKeys(value: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return withoutKeys(
    z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }),
    ['$schema'],
  );
}

/**
 * A schema client generators can turn into types: a `default` that is a mapping (`auth:
 * {type: none}`) becomes a sentence of the description, because generators refuse defaults on
 * model-typed properties and drop the whole model (openapi-python-client: "ModelProperty cannot
 * have a default value"). Scalar and list defaults stay. Cross-field conditions (see
 * `isCondition`) and editor annotations are left out. Applied to every component, so a field or
 * rule added later comes out right too.
 */
export function forGenerators(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forGenerators);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // An editor's annotation (the YAML language server's); OpenAPI linters refuse it, and the
    // API's 400 carries the same message.
    if (key === 'patternErrorMessage') continue;
    // `default`, `const`, `enum` and `examples` hold values, not schemas: copied as they are.
    out[key] = VALUE_KEYWORDS.has(key) ? value : forGenerators(value);
  }
  if (Array.isArray(out.allOf)) {
    const kept = out.allOf.filter((member) => !isCondition(member));
    if (kept.length === 0) delete out.allOf;
    else out.allOf = kept;
  }
  const value: unknown = out.default;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    delete out.default;
    const described = typeof out.description === 'string' ? `${out.description} ` : '';
    out.description = `${described}Default: \`${JSON.stringify(value)}\`.`;
  }
  return out;
}

/**
 * A cross-field rule of the spec language (`if`/`then`, "one of these fields"): it is for
 * validators (docs/fjc-spec.schema.json has them all, and the API applies them), while generators
 * cannot type it and linters read its `required` as undefined properties.
 */
function isCondition(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const keys = Object.keys(schema);
  if (keys.length > 0 && keys.every((key) => ['if', 'then', 'else'].includes(key))) return true;
  const { anyOf } = schema as { anyOf?: unknown };
  return (
    keys.length === 1 &&
    Array.isArray(anyOf) &&
    (anyOf as unknown[]).every(
      (member) =>
        typeof member === 'object' &&
        member !== null &&
        Object.keys(member).every((key) => key === 'required'),
    )
  );
}

const VALUE_KEYWORDS = new Set(['default', 'const', 'enum', 'examples', 'example']);

function components(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENT_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    // The dialect is declared once for the document; `$id`s would shadow the component names.
    Object.entries(schemas).map(([id, schema]) => [
      id,
      forGenerators(withoutKeys(schema, ['$schema', '$id'])),
    ]),
  );
}

function parameters(route: Route): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g))
    out.push({
      name,
      in: 'path',
      required: true,
      schema:
        name === 'action' ? { type: 'string', enum: [...JOB_ACTIONS] } : jsonSchema(nameSchema),
    });
  for (const [name, schema] of Object.entries(route.doc.query?.shape ?? {})) {
    const field = schema as z.ZodType;
    out.push({
      name,
      in: 'query',
      required: !field.safeParse(undefined).success,
      schema: jsonSchema(field),
      ...(field.description === undefined ? {} : { description: field.description }),
    });
  }
  if (route.doc.conditional)
    out.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The ETag ("<generation>") the change is based on; 412 when it moved on.',
      schema: { type: 'string' },
    });
  if (route.doc.conditional === 'match-or-create')
    out.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: '`*`: create only (412 when it exists).',
      // An enum, not a `const`: client generators type a header `const` as a literal they refuse.
      schema: { type: 'string', enum: ['*'] },
    });
  if (route.doc.idempotent)
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Retries with the same key and request within 24 h get the first response; another request with the key gets 422.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  return out;
}

/**
 * A YAML body is text to generators: none of them parses YAML, so the schema says "a string" and
 * names the component the text must decode to.
 */
function yamlText(component: BodyComponent): Record<string, unknown> {
  return {
    type: 'string',
    contentMediaType: 'application/yaml',
    description: `YAML text of a ${component} (see #/components/schemas/${component}).`,
  };
}

function requestBody(body: { component: BodyComponent; yaml: boolean; required: boolean }) {
  return {
    required: body.required,
    content: {
      'application/json': { schema: ref(body.component) },
      ...(body.yaml ? { 'application/yaml': { schema: yamlText(body.component) } } : {}),
    },
  };
}

const correlationHeader = {
  'x-correlation-id': {
    description: 'Correlates the request with the logs.',
    schema: { type: 'string' },
  },
};

function operation(route: Route): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.doc.responses))
    responses[status] = {
      description: response.description,
      headers: {
        ...correlationHeader,
        ...(response.etag
          ? {
              ETag: {
                description: 'The generation (jobs) or version (clusters).',
                schema: { type: 'string' },
              },
            }
          : {}),
      },
      ...(response.schema
        ? { content: { 'application/json': { schema: ref(componentOf(response.schema)) } } }
        : {}),
    };
  for (const status of [...new Set([...route.doc.errors, ...ALWAYS])].sort((a, b) => a - b))
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error.',
      headers: correlationHeader,
      content: { 'application/json': { schema: ref('Error') } },
    };
  return {
    operationId: route.operationId,
    summary: route.doc.summary,
    ...(route.doc.description === undefined ? {} : { description: route.doc.description }),
    tags: [...route.doc.tags],
    parameters: parameters(route),
    ...(route.doc.body ? { requestBody: requestBody(route.doc.body) } : {}),
    responses,
  };
}

/** Where the API is served: API Gateway in AWS, and the local run. Paths start with /v1. */
const SERVERS = [
  {
    url: 'https://{apiId}.execute-api.{region}.amazonaws.com/live',
    description: 'AWS: the API Gateway stage of a deployment (SigV4).',
    variables: {
      apiId: { default: 'apiid', description: 'The REST API id (stack output).' },
      region: { default: 'eu-west-1', description: 'The AWS region of the deployment.' },
    },
  },
  {
    url: 'http://127.0.0.1:{port}',
    description: 'The local run: url and bearer token are in .local/api.json.',
    variables: {
      port: { default: '8080', description: 'FJC_API_PORT, or the port in .local/api.json.' },
    },
  },
];

/** Builds the OpenAPI 3.1 document of `routes`. */
export function buildOpenApi(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'fjc API',
      version: '1',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description:
        'The Flink Job Controller: declare Flink jobs, read their status, and ask for actions. Errors share one shape: { error: { code, message, remedy?, issues?, correlationId } }.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: SERVERS,
    // Either scheme: SigV4 in AWS, the bearer token of the local run.
    security: [{ sigv4: [] }, { bearer: [] }],
    paths,
    components: {
      schemas: components(),
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS SigV4 (API Gateway IAM authorization).',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'Local run only (`npx tsx scripts/local.ts`): the token in .local/api.json, which acts as the local admin.',
        },
      },
    },
  };
}
