/**
 * AWS SigV4 signing of API requests for the IAM-authorized API Gateway (`execute-api`). The
 * credentials come from the standard AWS chain (environment, profile/SSO, container, instance
 * role) and are loaded only when a request is actually signed, so local use never touches them.
 * Nothing here prints or returns credentials; only the signed headers leave this module.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

type SignerInit = ConstructorParameters<typeof SignatureV4>[0];
/** Static credentials, or a provider of them (the default chain is one). */
export type CredentialSource = SignerInit['credentials'];

/** Options of {@link createSigV4Signer}. */
export interface SigV4Options {
  region: string;
  /** Signing name of the service; API Gateway's is `execute-api`. */
  service?: string;
  /** Default: the AWS SDK's default credential provider chain. */
  credentials?: CredentialSource;
  /**
   * Whether to send (and sign) `x-amz-content-sha256`. On by default: it binds the body to the
   * signature explicitly; tests of the AWS reference vectors turn it off.
   */
  applyChecksum?: boolean;
}

/** A request about to be sent. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
}

/** Signs a request: returns the headers to send (the given ones plus the signature's). */
export type RequestSigner = (
  request: OutgoingRequest,
  signingDate?: Date,
) => Promise<Record<string, string>>;

/** The region of an API Gateway host such as `abc123.execute-api.eu-west-1.amazonaws.com`. */
export function regionOfHost(hostname: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/i.exec(hostname)?.[1]?.toLowerCase();
}

async function defaultCredentials(): Promise<CredentialSource> {
  // Loaded on demand: the chain pulls in SSO/STS clients that local use never needs.
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

/** Creates a signer for one region and service. */
export function createSigV4Signer(options: SigV4Options): RequestSigner {
  let signer: Promise<SignatureV4> | undefined;
  const load = (): Promise<SignatureV4> =>
    (signer ??= (async () =>
      new SignatureV4({
        service: options.service ?? 'execute-api',
        region: options.region,
        credentials: options.credentials ?? (await defaultCredentials()),
        sha256: Sha256,
        applyChecksum: options.applyChecksum ?? true,
      }))());
  return async (request, signingDate) => {
    const { url } = request;
    const signed = await (
      await load()
    ).sign(
      {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port === '' ? {} : { port: Number(url.port) }),
        path: url.pathname,
        query: queryOf(url),
        // `host` is what the server sees, port included when it is not the default one.
        headers: { ...request.headers, host: url.host },
        ...(request.body === undefined ? {} : { body: request.body }),
      },
      signingDate === undefined ? {} : { signingDate },
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      // fetch sets `host` itself from the URL (and refuses to be told otherwise).
      if (name.toLowerCase() !== 'host') headers[name] = value;
    }
    return headers;
  };
}
