/**
 * The event path's AWS adapter against a local stand-in of Lambda's Invoke API (node:http on
 * loopback, speaking the REST protocol the SDK uses): what goes over the wire, and that a failed
 * hand-off is reported, never thrown.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LambdaReconcileTrigger } from '../../../functions/adapters/lambda-reconcile-trigger.js';

interface Received {
  path: string;
  invocationType: string | undefined;
  body: unknown;
}

let server: Server;
let endpoint: string;
let received: Received[];
let answer: number;

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
      res.writeHead(answer, { 'content-type': 'application/json' });
      res.end(answer === 202 ? '' : '{"Type":"Service","message":"down"}');
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
  answer = 202;
});

/** A trigger on the Lambda endpoint `at` (the canned one unless told), collecting failures. */
function trigger(failures: { error: unknown; names: readonly string[] }[], at = endpoint) {
  const client = new LambdaClient({
    endpoint: at,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return new LambdaReconcileTrigger({
    client,
    functionName: 'fjc-reconcile',
    onFailure: (error, names) => failures.push({ error, names }),
  });
}

describe('LambdaReconcileTrigger', () => {
  it('invokes the reconcile function asynchronously with one targeted event', async () => {
    const failures: { error: unknown; names: readonly string[] }[] = [];
    await trigger(failures).requestReconcile(['a', 'b', 'a'], 'req-1');
    expect(failures).toEqual([]);
    expect(received).toEqual([
      {
        path: '/2015-03-31/functions/fjc-reconcile/invocations',
        invocationType: 'Event',
        body: { source: 'fjc.trigger', jobNames: ['a', 'b'], correlationId: 'req-1' },
      },
    ]);
  });

  it('sends a large change in events of at most 100 jobs', async () => {
    const names = Array.from({ length: 230 }, (_, i) => `job-${i}`);
    await trigger([]).requestReconcile(names);
    expect(received.map((r) => (r.body as { jobNames: string[] }).jobNames.length)).toEqual([
      100, 100, 30,
    ]);
  });

  it('reports a failed hand-off instead of failing the caller', async () => {
    answer = 500;
    const failures: { error: unknown; names: readonly string[] }[] = [];
    await expect(trigger(failures).requestReconcile(['a'])).resolves.toBeUndefined();
    expect(failures).toHaveLength(1);
    expect(failures[0]?.names).toEqual(['a']);
    expect(failures[0]?.error).toBeInstanceOf(Error);
  });

  it('reports an unreachable endpoint the same way', async () => {
    const failures: { error: unknown; names: readonly string[] }[] = [];
    await trigger(failures, 'http://127.0.0.1:9').requestReconcile(['a']);
    expect(failures.map((f) => f.names)).toEqual([['a']]);
  });
});
