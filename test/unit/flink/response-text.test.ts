import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  FlinkProtocolError,
  FlinkRequestRejectedError,
  FlinkServerError,
} from '../../../functions/flink/index.js';
import { json, useCannedFlink, type Responder } from './canned-server.js';

/**
 * Whatever answers at a cluster's URL that is not Flink (a metadata service, a login page, a
 * proxy) must not have its text copied into errors: errors end up in the job's lastError and
 * history, which the job's team reads. Errors describe such a response by status, type and size.
 */
const JOB = '0123456789abcdef0123456789abcdef';
const LEAK = 'ASIAZZZLEAKEDKEY1234';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYLEAKEDSECRET';
const canned = useCannedFlink({ timeoutMs: 5_000 });
const clientFor = async (respond: Responder) => (await canned.clientFor(respond)).client;

function everything(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 10 })].join('\n');
}

const CREDENTIALS = {
  Code: 'Success',
  Type: 'AWS-HMAC',
  AccessKeyId: LEAK,
  SecretAccessKey: SECRET,
  Token: `${SECRET}token`,
};

describe('response text that is not a Flink error', () => {
  it('describes a non-JSON 200 by status, type and size, never by its text', async () => {
    const body = `ami-id\nhostname\niam/security-credentials/${LEAK}\n`;
    const client = await clientFor((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(body);
    });
    const error = await client.listJobs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkProtocolError);
    expect((error as Error).message).toBe(
      `Unexpected response to jobs overview: not JSON (HTTP 200, text/plain, ${Buffer.byteLength(body)} bytes)`,
    );
    expect(everything(error)).not.toContain(LEAK);
  });

  it('describes JSON of the wrong shape by the fields it lacks, never by its values', async () => {
    const client = await clientFor((_req, res) => {
      json(res, 200, CREDENTIALS);
    });
    const error = await client.listJobs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkProtocolError);
    expect((error as Error).message).toMatch(
      /^Unexpected response to jobs overview: JSON of another shape \(HTTP 200, application\/json, \d+ bytes\): jobs: expected array$/,
    );
    expect(everything(error)).not.toContain(LEAK);
    expect(everything(error)).not.toContain(SECRET);
  });

  it('names only keys the schema declares: keys chosen by the responder are masked', async () => {
    const client = await clientFor((_req, res) => {
      json(res, 200, { [LEAK]: { parallelism: { lowerBound: 'x', upperBound: 1 } } });
    });
    const error = await client.getResourceRequirements(JOB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkProtocolError);
    expect((error as Error).message).toMatch(/\*\.parallelism\.lowerBound: expected number/);
    expect(everything(error)).not.toContain(LEAK);
  });

  it('keeps naming the field of a Flink answer it cannot read', async () => {
    const client = await clientFor((_req, res) => {
      json(res, 200, { jobs: [{ jid: JOB, name: 'x', state: 'DANCING' }] });
    });
    // One odd entry does not blind fjc to the others: it is set aside, its field named, not its value.
    const { jobs, unreadable } = await client.listJobs();
    expect(jobs).toEqual([]);
    expect(unreadable).toEqual([{ jid: JOB, reason: expect.stringMatching(/^state: /) as string }]);
    expect(JSON.stringify(unreadable)).not.toContain('DANCING');
  });

  it.each([
    [500, 'text/html', `<html><body>${LEAK}</body></html>`],
    [403, 'application/json', JSON.stringify({ message: LEAK, ...CREDENTIALS })],
    [404, 'application/json', JSON.stringify({ errors: LEAK })],
    [502, 'text/plain', ''],
  ])('describes an HTTP %i error page (%s) without its text', async (status, type, body) => {
    const client = await clientFor((_req, res) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
    const error = await client.getJob(JOB).catch((e: unknown) => e);
    // 5xx without a named refusal is a server fault (transient), anything else a rejection.
    expect(error).toBeInstanceOf(status >= 500 ? FlinkServerError : FlinkRequestRejectedError);
    expect((error as FlinkRequestRejectedError | FlinkServerError).flinkMessage).toBe(
      body === '' ? 'no body' : `not a Flink error (${type}, ${Buffer.byteLength(body)} bytes)`,
    );
    expect(everything(error)).not.toContain(LEAK);
    expect(everything(error)).not.toContain(SECRET);
  });

  it('shows no type a responder could use to smuggle text', async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(500, { 'content-type': `x/${LEAK}; charset=${SECRET}`.slice(0, 60) });
      res.end('oops');
    });
    const error = await client.getOverview().catch((e: unknown) => e);
    expect((error as Error).message).toContain('not a Flink error (unknown type, 4 bytes)');
    expect(everything(error)).not.toContain(LEAK);
  });

  it('still reports Flink’s own errors, without stack frames', async () => {
    const client = await clientFor((_req, res) => {
      json(res, 400, {
        errors: ['org.apache.flink.runtime.rest.handler.RestHandlerException: bad'],
      });
    });
    await expect(client.getOverview()).rejects.toThrow(/HTTP 400\): RestHandlerException: bad$/);
  });
});
