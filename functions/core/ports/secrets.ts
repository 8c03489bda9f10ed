import type { ClusterCredentials } from '../model/index.js';

/** Reads the credentials a cluster record refers to (`secretRef`). */
export interface SecretsProvider {
  /**
   * @throws SecretAccessDeniedError when `ref` is outside the configured prefix
   * @throws SecretNotFoundError, InvalidSecretError, SecretUnavailableError
   */
  getSecret(ref: string): Promise<ClusterCredentials>;
}
