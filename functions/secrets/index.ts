/** Cluster credentials: the port, its AWS and local implementations, and redaction. */
export type { SecretsProvider } from './secrets-provider.js';
export { authorizeRef, checkPrefix } from './secrets-provider.js';
export {
  boundOrigins,
  clusterCredentialsSchema,
  credentialsBoundTo,
  parseCredentials,
} from './credentials.js';
export type { ClusterCredentials } from './credentials.js';
export { SecretValue } from './secret-value.js';
export { AwsSecretsProvider } from './aws-secrets-provider.js';
export type { AwsSecretsProviderOptions } from './aws-secrets-provider.js';
export { LocalSecretsProvider, envVariableFor } from './local-secrets-provider.js';
export type { LocalSecretsProviderOptions } from './local-secrets-provider.js';
export {
  InvalidSecretError,
  SecretAccessDeniedError,
  SecretNotBoundError,
  SecretNotFoundError,
  SecretUnavailableError,
} from './errors.js';
