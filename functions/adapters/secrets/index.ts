/** Cluster credentials: the AWS and local implementations of the core's SecretsProvider port. */
export { authorizeRef, checkPrefix } from './secret-names.js';
export {
  boundOrigins,
  clusterCredentialsSchema,
  credentialsBoundTo,
  parseCredentials,
} from './credentials.js';
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
