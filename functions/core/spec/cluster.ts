/**
 * `kind: FlinkCluster`: where a Flink session cluster's REST API is and how to reach it.
 */
import { z } from 'zod';
import { checkEgressUrl } from '../../commons/egress.js';
import {
  API_VERSION,
  INLINE_SECRET_MESSAGE,
  metadataSchema,
  patternRule,
  secretRefSchema,
  storageLocation,
  isMapping,
} from './common.js';

const AUTH_TYPES = ['none', 'basic', 'bearer', 'mtls'] as const;

/**
 * How fjc authenticates to the cluster. Flink's REST API has no authentication of its own, so
 * `basic` and `bearer` are for an authenticating proxy in front of it and `mtls` for Flink's own
 * `security.ssl.rest.*`. The referenced secret holds the credentials: `{"username","password"}`
 * for basic, `{"token"}` for bearer, `{"certPem","keyPem"}` for mtls, and always `"urls"`, the
 * cluster urls they may be sent to (see functions/adapters/secrets/credentials.ts).
 */
export const clusterAuthSchema = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('none') }),
      z.strictObject({ type: z.literal('basic'), secretRef: secretRefSchema }),
      z.strictObject({ type: z.literal('bearer'), secretRef: secretRefSchema }),
      z.strictObject({ type: z.literal('mtls'), secretRef: secretRefSchema }),
    ],
    {
      error: (issue) =>
        isMapping(issue.input)
          ? `must be one of ${AUTH_TYPES.join(', ')}`
          : 'must be an object such as {type: none} or {type: basic, secretRef: my-secret}',
    },
  )
  .prefault({ type: 'none' });

/** Checks a REST URL, returning what is wrong with it or `undefined`. */
function restUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:8081';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must use http or https, not ${url.protocol.slice(0, -1)}`;
  }
  if (url.username !== '' || url.password !== '') return INLINE_SECRET_MESSAGE;
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment';
  // Only the built-in refusals: a deployment's allow/deny lists are applied at connect time, so
  // that `fjc validate`, the API and ingest accept the same documents.
  const egress = checkEgressUrl(url);
  if (!egress.allowed) return `is not allowed: ${egress.reason}`;
  return undefined;
}

/**
 * The URL rules a pattern can hold: http(s), a host without credentials, no query or fragment.
 * The WHATWG parse and the egress refusals stay in code (docs/spec-schema.md).
 */
const REST_URL_PATTERN = String.raw`^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@\s]+(?:/[^?#\s]*)?$`;

/** Credentials and client certificates need TLS: the rule of the `check` below, for editors. */
const TLS_JSON_SCHEMA = {
  if: { properties: { url: { pattern: '^[Hh][Tt][Tt][Pp]:' } }, required: ['url'] },
  then: { properties: { auth: { properties: { type: { const: 'none' } } }, caBundle: false } },
};

const restUrlSchema = z
  .string({ error: 'must be an http:// or https:// URL' })
  .meta(
    patternRule(
      REST_URL_PATTERN,
      'must be an http:// or https:// URL without credentials, query or fragment, e.g. http://127.0.0.1:8081',
    ),
  )
  .superRefine((value, ctx) => {
    const problem = restUrlProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * The cluster's Flink SQL Gateway, which SQL jobs are submitted through. Its `auth` works as the
 * cluster's: a secretRef whose secret lists this url among its "urls".
 */
export const sqlGatewaySchema = z
  .strictObject({
    url: restUrlSchema.describe("Base URL of the SQL Gateway's REST endpoint (it serves /v1/…)."),
    auth: clusterAuthSchema.describe(
      'How fjc authenticates to the gateway; credentials are referenced by secretRef, never inline.',
    ),
  })
  .check(
    z.superRefine(
      (gateway, ctx) => {
        if (new URL(gateway.url).protocol === 'http:' && gateway.auth.type !== 'none')
          ctx.addIssue({
            code: 'custom',
            path: ['auth', 'type'],
            message: `auth type ${gateway.auth.type} needs an https url: credentials must not travel in clear text`,
          });
      },
      {
        when: (payload) => {
          const { url, auth } = payload.value as { url?: unknown; auth?: unknown };
          return (
            typeof url === 'string' &&
            restUrlProblem(url) === undefined &&
            clusterAuthSchema.safeParse(auth).success
          );
        },
      },
    ),
  )
  .meta({ allOf: [TLS_JSON_SCHEMA] });

/** The `spec` of a FlinkCluster. */
export const flinkClusterSpecSchema = z
  .strictObject({
    url: restUrlSchema.describe("Base URL of the JobManager's REST API."),
    flinkVersion: z
      .string({ error: 'must be a string such as "1.20" or "2.1.0"' })
      .regex(/^\d{1,3}\.\d{1,3}(\.\d{1,3})?$/, {
        error: 'must look like "1.20" or "2.1.0" (quote it in YAML)',
      })
      .meta({ patternErrorMessage: 'must look like "1.20" or "2.1.0" (quote it in YAML)' })
      .optional()
      .describe(
        'Flink version such as "1.20" or "2.1.0"; detected from "GET /config" when absent.',
      ),
    auth: clusterAuthSchema.describe(
      'How fjc authenticates to the REST API; credentials are referenced by secretRef, never inline.',
    ),
    caBundle: z
      .strictObject({ secretRef: secretRefSchema })
      .optional()
      .describe('PEM CA bundle to trust for an https URL, instead of the system roots.'),
    defaultSavepointDirectory: storageLocation()
      .optional()
      .describe("Where savepoints of this cluster's jobs go when a job names no directory."),
    sqlGateway: sqlGatewaySchema
      .optional()
      .describe('The Flink SQL Gateway in front of this cluster; needed by SQL jobs (spec.sql).'),
  })
  .check(
    z.superRefine(
      (spec, ctx) => {
        // Credentials over plain http would be readable by anyone on the path, and a client
        // certificate or CA bundle means nothing without TLS.
        if (new URL(spec.url).protocol !== 'http:') return;
        if (spec.auth.type !== 'none') {
          ctx.addIssue({
            code: 'custom',
            path: ['auth', 'type'],
            message: `auth type ${spec.auth.type} needs an https url: credentials must not travel in clear text`,
          });
        }
        if (spec.caBundle !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['caBundle'],
            message: 'caBundle needs an https url',
          });
        }
      },
      {
        // Run even when unrelated fields are wrong, so that all issues come back in one go.
        when: (payload) => urlAndAuthAreValid(payload.value),
      },
    ),
  )
  .meta({ allOf: [TLS_JSON_SCHEMA] });

function urlAndAuthAreValid(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { url, auth, caBundle } = value as { url?: unknown; auth?: unknown; caBundle?: unknown };
  return (
    typeof url === 'string' &&
    restUrlProblem(url) === undefined &&
    clusterAuthSchema.safeParse(auth).success &&
    (caBundle === undefined || (typeof caBundle === 'object' && caBundle !== null))
  );
}

/** A whole `kind: FlinkCluster` document. */
export const flinkClusterSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION, { error: `must be "${API_VERSION}"` }),
    kind: z.literal('FlinkCluster'),
    metadata: metadataSchema,
    spec: flinkClusterSpecSchema,
  })
  .meta({
    id: 'FlinkCluster',
    title: 'FlinkCluster',
    description: 'A Flink session cluster fjc deploys jobs to.',
  });

/** A FlinkCluster document as written by users (defaults not yet applied). */
export type FlinkClusterInput = z.input<typeof flinkClusterSchema>;
/** A validated FlinkCluster document with defaults applied. */
export type FlinkCluster = z.output<typeof flinkClusterSchema>;
/** The `spec` of a validated FlinkCluster. */
export type FlinkClusterSpec = z.output<typeof flinkClusterSpecSchema>;
/** A cluster's SQL Gateway. */
export type SqlGatewaySpec = z.output<typeof sqlGatewaySchema>;
/** How fjc authenticates to a cluster. */
export type ClusterAuth = z.output<typeof clusterAuthSchema>;
