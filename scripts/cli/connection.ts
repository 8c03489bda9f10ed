/**
 * Where the CLI sends requests and how it proves who it is. In order:
 *
 * 1. endpoint: `--endpoint`, else `FJC_ENDPOINT`, else the local runtime's `.local/api.json`
 *    (written by `npm run local`: `{ "url": "...", "token": "..." }`);
 * 2. auth: SigV4 (default AWS credential chain) when the host ends with `.amazonaws.com` or
 *    `--sigv4` is given; otherwise a bearer token from `--token`, else `FJC_TOKEN`, else the
 *    token in `.local/api.json` when the endpoint came from that file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CliError, EXIT } from './errors.js';
import { regionOfHost } from './sigv4.js';

/** The global options that decide the connection. */
export interface ConnectionOptions {
  endpoint?: string | undefined;
  token?: string | undefined;
  region?: string | undefined;
  sigv4?: boolean | undefined;
}

/** How requests are authenticated. */
export type Auth =
  { kind: 'bearer'; token: string } | { kind: 'sigv4'; region: string } | { kind: 'none' };

/** A resolved connection. */
export interface Connection {
  endpoint: URL;
  auth: Auth;
}

/** The local runtime's connection file, at the root of this repository (any cwd). */
export const LOCAL_API_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '.local',
  'api.json',
);

const localApiSchema = z.object({ url: z.string().min(1), token: z.string().min(1).optional() });

async function readLocalApi(file: string): Promise<z.infer<typeof localApiSchema> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = localApiSchema.safeParse(parsed);
  if (!result.success)
    throw new CliError(`${file} is not a valid local API file`, {
      exitCode: EXIT.INVALID,
      remedy: 'Restart `npm run local` to rewrite it, or pass --endpoint.',
    });
  return result.data;
}

function parseEndpoint(text: string, from: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`The endpoint from ${from} is not a URL: ${text}`, {
      exitCode: EXIT.INVALID,
      remedy: 'Give a URL such as https://abc123.execute-api.eu-west-1.amazonaws.com/prod.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`The endpoint from ${from} must be an http(s) URL: ${text}`, {
      exitCode: EXIT.INVALID,
    });
  return url;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * Resolves endpoint and authentication from options, environment and the local API file.
 *
 * @param localApiFile the local runtime's connection file (tests point it elsewhere).
 */
export async function resolveConnection(
  options: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
  localApiFile: string = LOCAL_API_FILE,
): Promise<Connection> {
  const given = nonEmpty(options.endpoint);
  const fromEnv = nonEmpty(env.FJC_ENDPOINT);
  const local =
    given === undefined && fromEnv === undefined ? await readLocalApi(localApiFile) : undefined;
  let endpoint: URL;
  if (given !== undefined) endpoint = parseEndpoint(given, '--endpoint');
  else if (fromEnv !== undefined) endpoint = parseEndpoint(fromEnv, 'FJC_ENDPOINT');
  else if (local !== undefined) endpoint = parseEndpoint(local.url, localApiFile);
  else
    throw new CliError('No API endpoint is configured', {
      exitCode: EXIT.INVALID,
      remedy: `Pass --endpoint or set FJC_ENDPOINT, or start the local runtime with \`npm run local\` (it writes ${localApiFile}).`,
    });

  if (options.sigv4 === true || endpoint.hostname.toLowerCase().endsWith('.amazonaws.com')) {
    const region =
      nonEmpty(options.region) ??
      regionOfHost(endpoint.hostname) ??
      nonEmpty(env.AWS_REGION) ??
      nonEmpty(env.AWS_DEFAULT_REGION);
    if (region === undefined)
      throw new CliError('SigV4 signing needs a region', {
        exitCode: EXIT.INVALID,
        remedy: 'Pass --region or set AWS_REGION.',
      });
    return { endpoint, auth: { kind: 'sigv4', region } };
  }
  const token =
    nonEmpty(options.token) ??
    nonEmpty(env.FJC_TOKEN) ??
    // The local file's token belongs to the local server only; never send it elsewhere.
    local?.token;
  return { endpoint, auth: token === undefined ? { kind: 'none' } : { kind: 'bearer', token } };
}
