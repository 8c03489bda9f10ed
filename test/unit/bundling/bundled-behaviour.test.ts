import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHandler } from '../../../lib/bundling/handler-bundle.js';
import { messages } from './fixtures/probe.js';

/**
 * The handler bundle's plugins (zod with English only, undici by its parts, our modules without
 * import side effects) change what a bundle holds, never what it does: the same probe, bundled
 * exactly like a handler and run in plain Node, answers what it answers unbundled.
 */
let outdir: string;
let bundle: string;
let flink: Server;
let flinkUrl: string;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'fjc-probe-'));
  bundle = join(outdir, 'index.mjs');
  await bundleHandler({
    entry: join('test', 'unit', 'bundling', 'fixtures', 'probe.ts'),
    outfile: bundle,
    external: [],
    sourceMap: false,
  });
  // A stand-in for a JobManager's REST endpoint: one route is all the probe asks for.
  flink = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/config') response.end(JSON.stringify({ 'flink-version': '1.20.1' }));
    else response.writeHead(404).end('{"errors":["Not found."]}');
  });
  await new Promise<void>((resolve) => flink.listen(0, '127.0.0.1', resolve));
  flinkUrl = `http://127.0.0.1:${(flink.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => flink.close(resolve));
  rmSync(outdir, { recursive: true, force: true });
});

/** Runs `expression` (over the bundle's exports, as `m`) in a fresh Node; returns its JSON. */
async function inBundle(expression: string, env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(JSON.stringify(await ${expression}));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    { env: { PATH: process.env.PATH, ...env } },
  );
  return JSON.parse(stdout) as unknown;
}

describe('a bundle built like a handler', () => {
  it('gives zod messages and spec issues word for word as unbundled code does', async () => {
    const expected = JSON.parse(JSON.stringify(messages())) as unknown;
    expect(await inBundle('m.messages()')).toEqual(expected);
    // Not an empty comparison: the samples do fail, in English.
    expect(JSON.stringify(expected)).toContain('Invalid input: expected string, received number');
  });

  it('calls Flink over undici, made of its parts', async () => {
    expect(await inBundle(`m.flinkConfig(${JSON.stringify(flinkUrl)})`)).toEqual({
      'flink-version': '1.20.1',
    });
  });
});

describe('the bundled AWS SDK', () => {
  it('takes its credentials from the environment, as Lambda provides them', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'not-a-secret' };
    expect(await inBundle('m.accessKeyId()', env)).toBe('AKIDFROMENV');
  });

  it('looks nowhere else: no profile, SSO or instance metadata to fall back on', async () => {
    await expect(inBundle('m.accessKeyId()', { AWS_PROFILE: 'default' })).rejects.toThrow(
      /environment variable credentials/,
    );
  });
});
