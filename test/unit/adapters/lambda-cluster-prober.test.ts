/**
 * The probe's AWS adapter against a local stand-in of Lambda's Invoke API (node:http on
 * loopback): a synchronous invocation with the probe event, the answer checked before use, and
 * every way the invocation fails said as the port's one error.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LambdaClusterProber } from '../../../functions/adapters/lambda-cluster-prober.js';
import { ClusterProbeUnavailableError } from '../../../functions/core/ports/cluster-prober.js';

interface Received {
  path: string;
  invocationType: string | undefined;
  body: unknown;
}

let server: Server;
let endpoint: string;
let received: Received[];
let reply: { status: number; body: string; functionError?: string };

const REPORT = {
  clusters: [
    {
      cluster: 'main',
      ok: true,
      flinkVersion: '2.3.0',
      flinkVersionSupported: true,
      checks: [{ check: 'record', outcome: 'ok', detail: 'registered, version 1' }],
    },
  ],
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        invocationType: req.headers['x-amz-invocation-type'] as string | undefined,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
      });
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        ...(reply.functionError === undefined
          ? {}
          : { 'x-amz-function-error': reply.functionError }),
      });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  reply = { status: 200, body: JSON.stringify(REPORT) };
});

function prober(at = endpoint) {
  return new LambdaClusterProber({
    client: new LambdaClient({
      endpoint: at,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
    functionName: 'fjc-deploy:probe',
  });
}

describe('LambdaClusterProber', () => {
  it('invokes the deploy probe alias synchronously and returns its checked answer', async () => {
    await expect(prober().probe(['main'], 'req-1')).resolves.toEqual(REPORT);
    expect(received).toEqual([
      {
        path: '/2015-03-31/functions/fjc-deploy%3Aprobe/invocations',
        invocationType: 'RequestResponse',
        body: { source: 'fjc.probe', clusters: ['main'], correlationId: 'req-1' },
      },
    ]);
  });

  it('says a failed function, naming only its error type', async () => {
    reply = {
      status: 200,
      functionError: 'Unhandled',
      body: '{"errorType":"ConfigurationError","errorMessage":"details stay in the logs"}',
    };
    const error = await prober()
      .probe(['main'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterProbeUnavailableError);
    expect((error as Error).message).toBe(
      'The probing (deploy) function failed to probe (Unhandled: ConfigurationError)',
    );
    expect((error as ClusterProbeUnavailableError).remedy).toContain('lambda:InvokeFunction');
  });

  it('says a probe the function refused, with its reason and remedy', async () => {
    reply = {
      status: 200,
      body: '{"refused":{"code":"VALIDATION_FAILED","message":"Invalid probe event","remedy":"Send 1 to 16 names."}}',
    };
    const error = await prober()
      .probe(['main'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterProbeUnavailableError);
    expect((error as Error).message).toBe(
      'The probing (deploy) function refused the probe (VALIDATION_FAILED): Invalid probe event',
    );
    expect((error as ClusterProbeUnavailableError).remedy).toBe('Send 1 to 16 names.');
  });

  it.each([
    ['no JSON', 'not json'],
    ['a foreign shape', '{"clusters":[{"cluster":"main"}]}'],
  ])('refuses an answer of %s', async (_name, body) => {
    reply = { status: 200, body };
    await expect(prober().probe(['main'])).rejects.toBeInstanceOf(ClusterProbeUnavailableError);
  });

  it('says an unreachable or refusing Lambda the same way', async () => {
    await expect(prober('http://127.0.0.1:9').probe(['main'])).rejects.toBeInstanceOf(
      ClusterProbeUnavailableError,
    );
    reply = { status: 429, body: '{"Type":"User","message":"Rate exceeded"}' };
    await expect(prober().probe(['main'])).rejects.toMatchObject({
      code: 'PROBE_UNAVAILABLE',
      message: 'The probing (deploy) function could not be invoked',
    });
  });
});
