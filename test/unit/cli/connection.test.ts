/**
 * Where the CLI connects and how it authenticates: options over environment over the local
 * runtime's file; SigV4 for AWS hosts; the local token never leaves for another endpoint.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConnection } from '../../../scripts/cli/connection.js';
import { CliError } from '../../../scripts/cli/errors.js';

let dir: string;
let localFile: string;
const missing = join(tmpdir(), 'fjc-no-such-api.json');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fjc-conn-'));
  localFile = join(dir, 'api.json');
  await writeFile(
    localFile,
    JSON.stringify({ url: 'http://127.0.0.1:4567', token: 'local-token-0123456789' }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveConnection', () => {
  it('uses the local runtime file, with its token, when nothing else is given', async () => {
    const c = await resolveConnection({}, {}, localFile);
    expect(c.endpoint.href).toBe('http://127.0.0.1:4567/');
    expect(c.auth).toEqual({ kind: 'bearer', token: 'local-token-0123456789' });
  });

  it('prefers --endpoint over FJC_ENDPOINT, and does not send the local token elsewhere', async () => {
    const env = { FJC_ENDPOINT: 'http://env.example:1' };
    expect((await resolveConnection({}, env, localFile)).endpoint.host).toBe('env.example:1');
    const c = await resolveConnection({ endpoint: 'http://opt.example:2' }, env, localFile);
    expect(c.endpoint.host).toBe('opt.example:2');
    expect(c.auth).toEqual({ kind: 'none' });
    const withToken = await resolveConnection(
      { endpoint: 'http://opt.example:2' },
      { FJC_TOKEN: 't-env' },
      localFile,
    );
    expect(withToken.auth).toEqual({ kind: 'bearer', token: 't-env' });
    const both = await resolveConnection(
      { endpoint: 'http://opt.example:2', token: 't-opt' },
      { FJC_TOKEN: 't-env' },
      localFile,
    );
    expect(both.auth).toEqual({ kind: 'bearer', token: 't-opt' });
  });

  it('signs with SigV4 for *.amazonaws.com hosts (region from the host) or with --sigv4', async () => {
    const aws = await resolveConnection(
      { endpoint: 'https://abc.execute-api.eu-central-1.amazonaws.com/prod', token: 'ignored' },
      {},
      missing,
    );
    expect(aws.auth).toEqual({ kind: 'sigv4', region: 'eu-central-1' });
    const custom = await resolveConnection(
      { endpoint: 'https://fjc.example.com', sigv4: true },
      { AWS_REGION: 'us-west-2' },
      missing,
    );
    expect(custom.auth).toEqual({ kind: 'sigv4', region: 'us-west-2' });
    const region = await resolveConnection(
      { endpoint: 'https://fjc.example.com', sigv4: true, region: 'ap-south-1' },
      { AWS_REGION: 'us-west-2' },
      missing,
    );
    expect(region.auth).toEqual({ kind: 'sigv4', region: 'ap-south-1' });
  });

  it('refuses a missing endpoint, a non-URL and SigV4 without a region (exit 2)', async () => {
    const failures = [
      () => resolveConnection({}, {}, missing),
      () => resolveConnection({ endpoint: 'not a url' }, {}, missing),
      () => resolveConnection({ endpoint: 'ftp://x.example' }, {}, missing),
      () => resolveConnection({ endpoint: 'https://fjc.example.com', sigv4: true }, {}, missing),
    ];
    for (const failure of failures) {
      const error: unknown = await failure().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
    }
  });
});
