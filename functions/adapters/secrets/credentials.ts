import { z } from 'zod';
import type { FieldIssue } from '../../commons/errors.js';
import { InvalidSecretError } from './errors.js';
import { SecretValue, type ClusterCredentials } from '../../core/model/index.js';

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const pem = (what: string) => z.string().regex(PEM, `must be a PEM ${what}`);

/** Why `value` cannot be a URL credentials are bound to, or undefined. */
function boundUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://flink.example.com:8443';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment';
  return undefined;
}

/** `https://host:port/path`: origin and path prefix, no trailing slash (ports and case normal). */
function normalUrl(value: string): string {
  const url = new URL(value);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Where the credentials may be sent: Flink REST URLs (origin and optional path prefix). Required
 * for every secret that holds credentials, so that changing a cluster's url (or declaring another
 * cluster with the same secretRef) can never send them to a host the secret's owner did not name.
 */
const boundUrlsSchema = z
  .array(
    z
      .string({ error: 'must be a URL' })
      .superRefine((value, ctx) => {
        const problem = boundUrlProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform(normalUrl),
    {
      error: (issue) =>
        issue.input === undefined
          ? 'required: the Flink REST URLs these credentials may be sent to'
          : 'must be a list of URLs',
    },
  )
  .min(1, 'must list at least one URL')
  .max(20, 'must list at most 20 URLs');

/**
 * The JSON stored in a cluster's secret. `type` selects the shape; unknown extra keys are ignored
 * (a `description` next to the credentials is fine).
 */
export const clusterCredentialsSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('basic'),
    username: z.string().min(1),
    password: z.string().min(1),
    urls: boundUrlsSchema,
  }),
  z.object({ type: z.literal('bearer'), token: z.string().min(1), urls: boundUrlsSchema }),
  z.object({
    type: z.literal('mtls'),
    certPem: pem('certificate'),
    keyPem: pem('private key'),
    caPem: pem('certificate').optional(),
    urls: boundUrlsSchema,
  }),
  z.object({ type: z.literal('none') }),
]);

const REMEDY =
  'Store JSON of one shape: {"type":"basic","username","password","urls"} | ' +
  '{"type":"bearer","token","urls"} | {"type":"mtls","certPem","keyPem","caPem"?,"urls"} | ' +
  '{"type":"none"}, where "urls" lists the Flink REST URLs (https://host:port[/path]) the ' +
  'credentials may be sent to.';

const UNBOUND_REMEDY =
  'Add "urls": ["https://…"] to the secret, listing the url of each cluster that uses it ' +
  '(as in its FlinkCluster spec); fjc refuses to send credentials anywhere else.';

/**
 * Validates the parsed JSON of secret `ref`.
 * @throws InvalidSecretError naming the offending fields (never their values).
 */
export function parseCredentials(ref: string, raw: unknown): ClusterCredentials {
  const result = clusterCredentialsSchema.safeParse(raw);
  if (!result.success) {
    // zod's own messages describe expectations and types, not the input; the path names the field.
    const issues: FieldIssue[] = result.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '(root)' : issue.path.join('.'),
      message: issue.message,
    }));
    // Secrets written before credentials were bound to URLs: say what to add, not only what is wrong.
    const unbound =
      typeof raw === 'object' &&
      raw !== null &&
      !Object.hasOwn(raw, 'urls') &&
      result.error.issues.every((issue) => issue.path.join('.') === 'urls');
    if (unbound)
      throw new InvalidSecretError(
        `Secret ${ref} names no urls: fjc sends credentials only to the URLs their secret lists.`,
        issues,
        UNBOUND_REMEDY,
      );
    const fields = issues.map((issue) => issue.path).join(', ');
    throw new InvalidSecretError(
      `Secret ${ref} does not hold valid cluster credentials (${fields}).`,
      issues,
      REMEDY,
    );
  }
  const value = result.data;
  switch (value.type) {
    case 'basic':
      return {
        type: 'basic',
        username: value.username,
        password: new SecretValue(value.password),
        urls: value.urls,
      };
    case 'bearer':
      return { type: 'bearer', token: new SecretValue(value.token), urls: value.urls };
    case 'mtls':
      return {
        type: 'mtls',
        certPem: value.certPem,
        keyPem: new SecretValue(value.keyPem),
        ...(value.caPem === undefined ? {} : { caPem: value.caPem }),
        urls: value.urls,
      };
    case 'none':
      return { type: 'none' };
  }
}

/**
 * The error for a secret that is not JSON. Deliberately without the parser's error as cause:
 * `JSON.parse` quotes the text it failed on, i.e. the secret.
 */
export function notJson(ref: string): InvalidSecretError {
  return new InvalidSecretError(
    `Secret ${ref} is not valid JSON.`,
    [{ path: '(root)', message: 'not valid JSON' }],
    REMEDY,
  );
}

/**
 * Whether `credentials` may be sent to the REST endpoint `url`: same scheme, host and port as one
 * of the secret's `urls`, and a path at or below its path. Credentials of type none go anywhere.
 */
export function credentialsBoundTo(credentials: ClusterCredentials, url: string): boolean {
  if (credentials.type === 'none') return true;
  if (boundUrlProblem(url) !== undefined) return false;
  const target = normalUrl(url);
  return credentials.urls.some((bound) => target === bound || target.startsWith(`${bound}/`));
}

/** The origins (`https://host:port`) credentials may connect to; undefined for type none. */
export function boundOrigins(credentials: ClusterCredentials): string[] | undefined {
  if (credentials.type === 'none') return undefined;
  return [...new Set(credentials.urls.map((url) => new URL(url).origin))];
}
