import type { ConnectionOptions } from 'node:tls';

/**
 * How fjc authenticates to a Flink REST endpoint. Flink itself has no HTTP authentication:
 * basic and bearer are for an authenticating reverse proxy in front of it; TLS and mutual TLS
 * are Flink's own `security.ssl.rest.*`. Values arrive already resolved (from a secret) and are
 * held only in memory: they are never logged or rendered into errors.
 */
export type FlinkAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

/** TLS settings for an `https://` endpoint; a client certificate and key make it mutual TLS. */
export interface FlinkTls {
  /** PEM bundle of the CAs to trust instead of the system store (a private CA). */
  caPem?: string;
  /** PEM client certificate (mutual TLS). */
  certPem?: string;
  /** PEM private key of the client certificate (mutual TLS). */
  keyPem?: string;
  /** Server name to verify, when it differs from the URL's host. */
  servername?: string;
}

/** The `authorization` header for an auth setting, or undefined when none is sent. */
export function authorizationHeader(auth: FlinkAuth): string | undefined {
  switch (auth.type) {
    case 'none':
      return undefined;
    case 'basic':
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
    case 'bearer':
      return `Bearer ${auth.token}`;
  }
}

/** Connection options for undici's connector; certificate checks are never turned off. */
export function tlsConnectOptions(tls: FlinkTls | undefined): ConnectionOptions {
  if (!tls) return {};
  return {
    rejectUnauthorized: true,
    ...(tls.caPem === undefined ? {} : { ca: tls.caPem }),
    ...(tls.certPem === undefined ? {} : { cert: tls.certPem }),
    ...(tls.keyPem === undefined ? {} : { key: tls.keyPem }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  };
}
