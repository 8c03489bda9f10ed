import type { SecretValue } from './secret-value.js';

/**
 * Credentials for a Flink cluster's REST endpoint (Flink has no HTTP auth of its own: a reverse
 * proxy with basic/bearer auth, or mTLS). Secret parts are {@link SecretValue}s; usernames and
 * certificates are not secret and stay plain strings. `urls` (normalized: origin and path prefix)
 * are the only places the credentials may be sent to.
 */
export type ClusterCredentials =
  | { type: 'basic'; username: string; password: SecretValue; urls: readonly string[] }
  | { type: 'bearer'; token: SecretValue; urls: readonly string[] }
  | {
      type: 'mtls';
      certPem: string;
      keyPem: SecretValue;
      caPem?: string;
      urls: readonly string[];
    }
  | { type: 'none' };
