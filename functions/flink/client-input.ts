/** What a `FlinkRestClient` is built from, and the checks on what callers hand it. */
import { randomBytes } from 'node:crypto';
import type { EgressPolicy } from '../commons/egress.js';
import type { FlinkAuth, FlinkTls } from './auth.js';
import type { ResolveHost } from './egress-connector.js';
import { FlinkClientInputError } from './errors.js';
import type { RetryPolicy } from './retry.js';
import { jobIdSchema } from './schemas.js';

export interface FlinkRestClientOptions {
  /** The REST endpoint, e.g. `https://flink.example.com:8081` or a proxy path. */
  baseUrl: string;
  auth?: FlinkAuth;
  tls?: FlinkTls;
  /** Skips version detection (`GET /config`) when the cluster's version is known. */
  flinkVersion?: string;
  /** Deadline of one call; 10 s by default, as the Kubernetes operator's client. */
  timeoutMs?: number;
  /** Deadline of a jar upload, which moves far more bytes than any other call. */
  uploadTimeoutMs?: number;
  /** Deadline of a jar run, which executes the job's `main()` on the JobManager. */
  runTimeoutMs?: number;
  retry?: RetryPolicy;
  /** Connections in this cluster's pool. */
  connections?: number;
  /** Source of randomness for backoff jitter (tests make it deterministic). */
  random?: () => number;
  /** The deployment's egress lists; metadata and link-local addresses are refused regardless. */
  egress?: EgressPolicy;
  /** Resolves host names; the system resolver by default. Every address is checked. */
  resolveHost?: ResolveHost;
  /**
   * The origins (`https://host:port`) the credentials may be sent to; a connection elsewhere is
   * refused. Unset: no restriction (a client that sends none, or one built by hand).
   */
  credentialOrigins?: readonly string[];
}

/** A 32-hex-digit id as Flink uses for jobs and async operation triggers. */
export function newFlinkId(): string {
  return randomBytes(16).toString('hex');
}

export function validBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new FlinkClientInputError(`baseUrl is not a URL: ${JSON.stringify(raw)}`, {
      cause: error,
      remedy: 'Give the REST endpoint as http://host:port or https://host:port.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FlinkClientInputError(`baseUrl must use http or https, not ${url.protocol}`, {
      remedy: 'Give the REST endpoint as http://host:port or https://host:port.',
    });
  if (url.username !== '' || url.password !== '')
    throw new FlinkClientInputError('baseUrl must not contain credentials', {
      remedy: 'Put credentials in the cluster’s secret (auth), never in its URL.',
    });
  if (url.search !== '' || url.hash !== '')
    throw new FlinkClientInputError('baseUrl must not have a query or fragment', {
      remedy: 'Give only scheme, host, port and an optional path prefix.',
    });
  return url;
}

export function requireId(kind: string, id: string): string {
  if (!jobIdSchema.safeParse(id).success)
    throw new FlinkClientInputError(
      `${kind} must be 32 lowercase hex digits, got ${JSON.stringify(id)}`,
    );
  return id;
}
