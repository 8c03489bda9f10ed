/** The Lambda adapter: API Gateway REST (v1) proxy events in, proxy results out. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type ApiHandler } from '../../../functions/api/app.js';
import { teamDirectoryFromEnvironment } from '../../../functions/runtime/aws-api-runtime.js';
import type { ApiRequest } from '../../../functions/api/http.js';
import { MemoryIdempotencyStore } from '../../../functions/api/idempotency.js';
import { clusterViewSchema, errorBodySchema } from '../../../functions/api/schemas.js';
import { StaticTeamDirectory } from '../../../functions/api/team-directory.js';
import { ConfigurationError } from '../../../functions/commons/errors.js';
import { createObservability } from '../../../functions/commons/observability.js';
import { DynamoJobStore } from '../../../functions/store/dynamo-job-store.js';
import { handler } from '../../../functions/handlers/api.js';
import {
  createApiHandler,
  requestOf,
  restProxyEventSchema,
  type RestProxyEvent,
} from '../../../functions/handlers/api-handler.js';
import { createTable, startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import { DIRECTORY, PRINCIPAL, captureLogger, clusterDoc, expectShape } from '../api/harness.js';

/** A REST API proxy event as API Gateway sends it for an IAM-signed (SigV4) request. */
function sampleEvent(overrides: Partial<RestProxyEvent> = {}): RestProxyEvent {
  return {
    resource: '/v1/{proxy+}',
    path: '/v1/clusters/eu-1',
    httpMethod: 'GET',
    headers: {
      Accept: 'application/json',
      Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'X-Amz-Date': '20250101T000000Z',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=ASIA.../20250101/eu-west-1/execute-api/aws4_request',
    },
    multiValueHeaders: { Accept: ['application/json'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: 'clusters/eu-1' },
    stageVariables: null,
    requestContext: {
      accountId: '111122223333',
      resourceId: 'abc',
      stage: 'live',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      httpMethod: 'GET',
      path: '/live/v1/clusters/eu-1',
      identity: {
        accountId: '111122223333',
        caller: 'AROAEXAMPLE:alice',
        userArn: PRINCIPAL.alice,
        user: 'AROAEXAMPLE:alice',
        sourceIp: '10.0.0.1',
        accessKey: 'ASIAEXAMPLE',
      },
    },
    body: null,
    isBase64Encoded: false,
    ...overrides,
  };
}

const parse = (event: RestProxyEvent) => restProxyEventSchema.parse(event);

describe('requestOf', () => {
  it('takes identity from the request context, never from headers', () => {
    const request = requestOf(
      parse(sampleEvent({ headers: { 'X-Principal': 'arn:aws:iam::1:role/fjc-admin' } })),
    );
    expect(request).toMatchObject({
      method: 'GET',
      path: '/v1/clusters/eu-1',
      principal: PRINCIPAL.alice,
      correlationId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      body: undefined,
      bodyBytes: 0,
    });
    expect(request.headers['x-principal']).toBe('arn:aws:iam::1:role/fjc-admin');
  });

  it('falls back to the caller id, and to no identity at all', () => {
    const context = sampleEvent().requestContext as Record<string, unknown>;
    const callerOnly = sampleEvent({
      requestContext: { ...context, identity: { caller: 'AIDAEXAMPLE', userArn: null } },
    });
    expect(requestOf(parse(callerOnly)).principal).toBe('AIDAEXAMPLE');
    const none = sampleEvent({
      requestContext: { ...context, identity: { userArn: '' } },
    });
    expect(requestOf(parse(none)).principal).toBeUndefined();
  });

  it('decodes base64 bodies and keeps repeated query parameters as lists', () => {
    const request = requestOf(
      parse(
        sampleEvent({
          httpMethod: 'post',
          body: Buffer.from('{"reason":"é"}').toString('base64'),
          isBase64Encoded: true,
          queryStringParameters: { team: 'b', limit: '5' },
          multiValueQueryStringParameters: { team: ['a', 'b'], limit: ['5'] },
        }),
      ),
    );
    expect(request.method).toBe('POST');
    expect(request.body).toBe('{"reason":"é"}');
    expect(request.bodyBytes).toBe(15);
    expect(request.query).toEqual({ team: ['a', 'b'], limit: '5' });
  });

  it('keeps the bytes of the body, which the text has lost, for the spec reader', () => {
    const bytes = Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]); // "a: é" in Latin-1
    const request = requestOf(
      parse(sampleEvent({ body: bytes.toString('base64'), isBase64Encoded: true })),
    );
    expect(request.body).toBe('a: \uFFFD\n');
    expect(request.rawBody).toEqual(bytes);
  });
});

describe('createApiHandler', () => {
  const observability = createObservability('api-test');

  it('passes the request to the core and serializes the response', async () => {
    const seen: ApiRequest[] = [];
    const core: ApiHandler = (request) => {
      seen.push(request);
      return Promise.resolve({ status: 200, headers: { etag: '"1"' }, body: { ok: true } });
    };
    const result = await createApiHandler({ ...observability, api: () => core })(sampleEvent());
    expect(result).toEqual({
      statusCode: 200,
      headers: { etag: '"1"', 'content-type': 'application/json; charset=utf-8' },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
    expect(seen[0]?.principal).toBe(PRINCIPAL.alice);
  });

  it('answers a malformed event or a failed composition with 500 and a correlation id only', async () => {
    const broken = createApiHandler({
      ...observability,
      api: () => {
        throw new ConfigurationError('FJC_API_TEAMS is not valid JSON: secret stuff');
      },
    });
    const failed = await broken(sampleEvent());
    expect(failed.statusCode).toBe(500);
    expect(failed.body).not.toContain('secret');
    expect(failed.headers['x-correlation-id']).toBe('c6af9ac6-7b61-11e6-9a41-93e8deadbeef');
    const bad = await broken({ hello: 'world' });
    expect(bad.statusCode).toBe(500);
    expect(expectShape(errorBodySchema, JSON.parse(bad.body)).error.code).toBe('INTERNAL');
  });

  it('exports the deployed handler', () => {
    expect(typeof handler).toBe('function');
  });
});

describe('end to end through the real core', () => {
  let dynamo: LocalDynamo;
  let store: DynamoJobStore;
  beforeAll(async () => {
    dynamo = await startDynalite();
    await createTable(dynamo.client, 'fjc-handler');
    store = new DynamoJobStore({ client: dynamo.client, tableName: 'fjc-handler' });
    await store.putCluster({ name: 'eu-1', spec: clusterDoc() });
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('serves GET /v1/clusters/eu-1 to an IAM caller and 401 without identity', async () => {
    const lambda = createApiHandler({
      ...createObservability('api-test'),
      api: (logger) =>
        createApi({
          store,
          teams: new StaticTeamDirectory(DIRECTORY),
          idempotency: new MemoryIdempotencyStore(),
          logger,
        }),
    });
    const ok = await lambda(sampleEvent());
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"1"');
    expectShape(clusterViewSchema, JSON.parse(ok.body));
    const context = sampleEvent().requestContext as Record<string, unknown>;
    const anonymous = await lambda(sampleEvent({ requestContext: { ...context, identity: null } }));
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('teamDirectoryFromEnvironment', () => {
  it('is empty (and says so) when unset, parses JSON, refuses bad JSON', async () => {
    const logger = captureLogger();
    const empty = teamDirectoryFromEnvironment({}, logger);
    expect(await empty.membership(PRINCIPAL.root)).toEqual({ teams: [], admin: false });
    expect(logger.lines[0]?.level).toBe('warn');
    const configured = teamDirectoryFromEnvironment(
      { FJC_API_TEAMS: JSON.stringify(DIRECTORY) },
      logger,
    );
    expect((await configured.membership(PRINCIPAL.root)).admin).toBe(true);
    expect(() => teamDirectoryFromEnvironment({ FJC_API_TEAMS: 'nope' }, logger)).toThrow(
      ConfigurationError,
    );
  });
});
