import { z } from 'zod';
import type { FieldIssue } from '../commons/errors.js';
import { InvalidSecretError } from './errors.js';
import { SecretValue } from './secret-value.js';

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const pem = (what: string) => z.string().regex(PEM, `must be a PEM ${what}`);

/**
 * The JSON stored in a cluster's secret. `type` selects the shape; unknown extra keys are ignored
 * (a `description` next to the credentials is fine).
 */
export const clusterCredentialsSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('basic'),
    username: z.string().min(1),
    password: z.string().min(1),
  }),
  z.object({ type: z.literal('bearer'), token: z.string().min(1) }),
  z.object({
    type: z.literal('mtls'),
    certPem: pem('certificate'),
    keyPem: pem('private key'),
    caPem: pem('certificate').optional(),
  }),
  z.object({ type: z.literal('none') }),
]);

/**
 * Credentials for a Flink cluster's REST endpoint (Flink has no HTTP auth of its own: a reverse
 * proxy with basic/bearer auth, or mTLS). Secret parts are {@link SecretValue}s; usernames and
 * certificates are not secret and stay plain strings.
 */
export type ClusterCredentials =
  | { type: 'basic'; username: string; password: SecretValue }
  | { type: 'bearer'; token: SecretValue }
  | { type: 'mtls'; certPem: string; keyPem: SecretValue; caPem?: string }
  | { type: 'none' };

const REMEDY =
  'Store JSON of one shape: {"type":"basic","username","password"} | {"type":"bearer","token"} | ' +
  '{"type":"mtls","certPem","keyPem","caPem"?} | {"type":"none"}.';

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
      return { type: 'basic', username: value.username, password: new SecretValue(value.password) };
    case 'bearer':
      return { type: 'bearer', token: new SecretValue(value.token) };
    case 'mtls':
      return {
        type: 'mtls',
        certPem: value.certPem,
        keyPem: new SecretValue(value.keyPem),
        ...(value.caPem === undefined ? {} : { caPem: value.caPem }),
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
