/**
 * SigV4 signing: the AWS reference vector, an independent implementation of the algorithm (with
 * node:crypto, straight from the AWS documentation) for an API Gateway request with query, body
 * and session token, and that the client really sends the signature.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../../scripts/cli/api-client.js';
import { Deadline } from '../../../scripts/cli/deadline.js';
import { createSigV4Signer, regionOfHost } from '../../../scripts/cli/sigv4.js';

/** The credentials of the AWS SigV4 test suite. */
const AWS_EXAMPLE = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const DATE = new Date('2015-08-30T12:36:00Z');

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer | string, text: string): Buffer =>
  createHmac('sha256', key).update(text).digest();

/** SigV4 as documented, for a request whose path and query need no escaping. */
function referenceAuthorization(request: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  secret: string;
  accessKeyId: string;
  amzDate: string;
}): string {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v.trim()]),
  );
  const names = Object.keys(headers).sort();
  const query = [...request.url.searchParams.entries()]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
  const canonical = [
    request.method,
    request.url.pathname,
    query,
    ...names.map((n) => `${n}:${headers[n] ?? ''}`),
    '',
    names.join(';'),
    sha256(request.body),
  ].join('\n');
  const day = request.amzDate.slice(0, 8);
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', request.amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${request.secret}`, day), request.region), request.service),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${request.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

describe('SigV4', () => {
  it('matches the AWS test suite vector get-vanilla', async () => {
    const sign = createSigV4Signer({
      region: 'us-east-1',
      service: 'service',
      credentials: AWS_EXAMPLE,
      applyChecksum: false,
    });
    const headers = await sign(
      { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {} },
      DATE,
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it('signs an execute-api request with query, body and session token like the documented algorithm', async () => {
    const credentials = { ...AWS_EXAMPLE, sessionToken: 'session-token-example' };
    const sign = createSigV4Signer({ region: 'eu-west-1', credentials });
    const url = new URL(
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v1/jobs?team=payments&limit=10',
    );
    const body = '{"reason":"test"}';
    const headers = await sign(
      { method: 'POST', url, headers: { 'content-type': 'application/json' }, body },
      DATE,
    );
    expect(headers['x-amz-security-token']).toBe('session-token-example');
    expect(headers['x-amz-content-sha256']).toBe(sha256(body));
    expect(headers.host).toBeUndefined(); // fetch sets it
    expect(headers.authorization).toBe(
      referenceAuthorization({
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/json',
          host: url.host,
          'x-amz-content-sha256': sha256(body),
          'x-amz-date': '20150830T123600Z',
          'x-amz-security-token': 'session-token-example',
        },
        body,
        region: 'eu-west-1',
        service: 'execute-api',
        secret: AWS_EXAMPLE.secretAccessKey,
        accessKeyId: AWS_EXAMPLE.accessKeyId,
        amzDate: '20150830T123600Z',
      }),
    );
    expect(JSON.stringify(headers)).not.toContain(AWS_EXAMPLE.secretAccessKey);
  });

  it('is sent by the API client, over the endpoint stage prefix', async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const client = new ApiClient({
      endpoint: new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/'),
      auth: { kind: 'sigv4', region: 'eu-west-1' },
      signer: createSigV4Signer({ region: 'eu-west-1', credentials: AWS_EXAMPLE }),
      deadline: new Deadline(5000),
      fetch: (input, init) => {
        seen.push({
          url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
          headers: new Headers(init?.headers),
        });
        return Promise.resolve(new Response('{"items":[]}', { status: 200 }));
      },
    });
    await client.request('GET', '/v1/jobs', { query: { team: 'payments' } });
    expect(seen[0]?.url).toBe(
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v1/jobs?team=payments',
    );
    expect(seen[0]?.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=accept;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('reads the region of an API Gateway host', () => {
    expect(regionOfHost('abc123.execute-api.eu-west-1.amazonaws.com')).toBe('eu-west-1');
    expect(regionOfHost('api.example.com')).toBeUndefined();
  });
});
