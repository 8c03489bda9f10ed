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
  savepointSchema,
} from './schemas.js';

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
    Object.entries(schemas).map(([id, schema]) => [id, withoutKeys(schema, ['$schema', '$id'])]),
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
      schema: { type: 'string', const: '*' },
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

function requestBody(body: { component: BodyComponent; yaml: boolean; required: boolean }) {
  return {
    required: body.required,
    content: {
      'application/json': { schema: ref(body.component) },
      ...(body.yaml ? { 'application/yaml': { schema: ref(body.component) } } : {}),
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
      description:
        'The Flink Job Controller: declare Flink jobs, read their status, and ask for actions. Errors share one shape: { error: { code, message, remedy?, issues?, correlationId } }.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ sigv4: [] }],
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
      },
    },
  };
}
