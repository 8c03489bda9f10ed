/**
 * A real API over real HTTP for the API tests: dynalite, the DynamoDB job store and idempotency
 * store on a fresh table, the local api-server, four kinds of caller, and a snapshot of the whole
 * table to prove that a request wrote nothing.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { z } from 'zod';
import { expect } from 'vitest';
import { DynamoIdempotencyStore } from '../../../functions/store/idempotency.js';
import type { ApiLogger } from '../../../functions/api/router.js';
import { errorBodySchema } from '../../../functions/api/schemas.js';
import { StaticTeamDirectory } from '../../../functions/api/team-directory.js';
import { canonicalJson } from '../../../functions/core/change/index.js';
import { DynamoJobStore } from '../../../functions/store/dynamo-job-store.js';
import type { JobStore } from '../../../functions/core/ports/index.js';
import { startApiServer, type ApiServerOptions } from '../../../scripts/local/api-server.js';
import { createTable, startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import { useStarted } from '../../support/use-started.js';

/** Principals (as IAM would report them) and the bearer tokens that stand for them locally. */
export const PRINCIPAL = {
  alice: 'arn:aws:sts::111122223333:assumed-role/payments-dev/alice',
  bob: 'arn:aws:iam::111122223333:user/bob',
  root: 'arn:aws:iam::111122223333:role/fjc-admin',
  nobody: 'arn:aws:iam::111122223333:user/nobody',
} as const;

/** Caller roles of the authorization matrix. */
export type Role = keyof typeof PRINCIPAL | 'anonymous';

export const TOKEN: Record<Exclude<Role, 'anonymous'>, string> = {
  alice: 'token-alice-0123456789',
  bob: 'token-bob-0123456789ab',
  root: 'token-root-0123456789a',
  nobody: 'token-nobody-012345678',
};

/** payments: alice; search: bob; admin: root; nobody is authenticated but in no team. */
export const DIRECTORY = {
  admins: ['arn:aws:iam::111122223333:role/fjc-admin'],
  teams: {
    payments: ['arn:aws:sts::111122223333:assumed-role/payments-*/*'],
    search: ['arn:aws:iam::111122223333:user/bob'],
  },
};

/** A log line captured from the API. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

/** A logger that keeps every line, to assert on audit lines. */
export function captureLogger(): ApiLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, attributes: Record<string, unknown>): void => {
      lines.push({ level, message, attributes });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A response as the tests see it. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Options of one call. */
export interface CallOptions {
  as?: Role;
  body?: string | Record<string, unknown> | unknown[];
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Harness {
  dynamo: LocalDynamo;
  store: DynamoJobStore;
  tableName: string;
  url: string;
  logger: ReturnType<typeof captureLogger>;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** Every item of the table, sorted: equal snapshots mean nothing was written. */
  snapshot(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts dynalite, a table, the store and the API server. */
export async function startHarness(
  options: Partial<Omit<ApiServerOptions, 'store'>> & {
    wrapStore?: (s: JobStore) => JobStore;
  } = {},
): Promise<Harness> {
  const dynamo = await startDynalite();
  const tableName = `fjc-api-${randomUUID()}`;
  await createTable(dynamo.client, tableName);
  const store = new DynamoJobStore({
    client: dynamo.client,
    tableName,
    logger: { warn: () => undefined },
  });
  const logger = captureLogger();
  const server = await startApiServer({
    store: options.wrapStore ? options.wrapStore(store) : store,
    teams: new StaticTeamDirectory(DIRECTORY),
    tokens: Object.fromEntries(
      Object.entries(TOKEN).map(([role, token]) => [token, PRINCIPAL[role as keyof typeof TOKEN]]),
    ),
    idempotency: new DynamoIdempotencyStore({ client: dynamo.client, tableName }),
    logger,
    ...options,
  });
  return {
    dynamo,
    store,
    tableName,
    url: server.url,
    logger,
    async call(method, path, call = {}) {
      const headers: Record<string, string> = { ...call.headers };
      const role = call.as ?? 'root';
      if (role !== 'anonymous') headers.authorization = `Bearer ${TOKEN[role]}`;
      let body: string | undefined;
      if (call.body !== undefined) {
        body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
        headers['content-type'] ??= call.contentType ?? 'application/json';
      }
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async snapshot() {
      const out = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
      return JSON.stringify((out.Items ?? []).map((item) => canonicalJson(item)).sort());
    },
    async stop() {
      await server.stop();
      await dynamo.stop();
    },
  };
}

/** Options of {@link useApiHarness}: those of {@link startHarness}, and the file's set-up. */
export type ApiHarnessOptions = Parameters<typeof startHarness>[0] & {
  /** Stores the cluster `eu-1` through the API (as an admin, answered 201) first; true unless told. */
  cluster?: boolean;
};

/**
 * One harness for the whole file: started in a `beforeAll`, stopped in an `afterAll`, both
 * registered here. The returned harness stands for the started one (so a file can hold it in a
 * `const` at the top); using it outside the file's hooks and tests throws.
 */
export function useApiHarness(options: ApiHarnessOptions = {}): Harness {
  const { cluster = true, ...startOptions } = options;
  return useStarted('the API harness', async () => {
    const harness = await startHarness(startOptions);
    if (cluster) {
      const reply = await harness.call('PUT', '/v1/clusters/eu-1', { body: clusterDoc() });
      expect(reply.status, reply.text).toBe(201);
    }
    return harness;
  });
}

/** Parses a body with a response schema, failing the test with zod's issues. */
export function expectShape<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) expect.fail(`response does not match its schema: ${parsed.error.message}`);
  return parsed.data;
}

/** Asserts an error response: status, the one error shape, the correlation id in body and header. */
export function expectError(reply: Reply, status: number, code?: string) {
  expect(reply.status, reply.text).toBe(status);
  const body = expectShape(errorBodySchema, reply.json);
  if (code !== undefined) expect(body.error.code).toBe(code);
  expect(body.error.correlationId).toBe(reply.headers.get('x-correlation-id'));
  return body.error;
}

/** A FlinkJob document. */
export function jobDoc(
  name: string,
  team = 'payments',
  spec: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name },
    spec: {
      team,
      clusterRef: 'eu-1',
      artifact: { uri: 's3://fjc-artifacts/app/app-1.0.jar' },
      ...spec,
    },
  };
}

/** A FlinkCluster document. */
export function clusterDoc(name = 'eu-1', url = 'http://127.0.0.1:8081'): Record<string, unknown> {
  return { apiVersion: 'fjc.dev/v1', kind: 'FlinkCluster', metadata: { name }, spec: { url } };
}
