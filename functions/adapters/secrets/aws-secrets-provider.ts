import {
  GetParameterError,
  ParameterNotFoundError,
  TransformParameterError,
} from '@aws-lambda-powertools/parameters/errors';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { ClusterCredentials } from '../../core/model/index.js';
import type { SecretsProvider } from '../../core/ports/index.js';
import { notJson, parseCredentials } from './credentials.js';
import { SecretNotFoundError, SecretUnavailableError } from './errors.js';
import { authorizeRef, checkPrefix } from './secret-names.js';

/** Configuration of {@link AwsSecretsProvider}. */
export interface AwsSecretsProviderOptions {
  /** Only secrets whose names start with this (ending in `/`) can be read. */
  prefix: string;
  /**
   * How long a secret is cached in the Lambda's memory, in seconds (default 300). Rotated
   * credentials are picked up at most this late.
   */
  maxAgeSeconds?: number;
}

/**
 * {@link SecretsProvider} on AWS Secrets Manager, through Powertools Parameters (which caches per
 * execution environment, so a reconcile over many jobs of one cluster fetches its secret once).
 */
export class AwsSecretsProvider implements SecretsProvider {
  private readonly prefix: string;
  private readonly maxAge: number;

  constructor(options: AwsSecretsProviderOptions) {
    this.prefix = checkPrefix(options.prefix);
    this.maxAge = options.maxAgeSeconds ?? 300;
  }

  async getSecret(ref: string): Promise<ClusterCredentials> {
    const name = authorizeRef(ref, this.prefix);
    let raw: unknown;
    try {
      raw = await getSecret(name, { maxAge: this.maxAge, transform: 'json', throwOnMissing: true });
    } catch (error) {
      if (error instanceof ParameterNotFoundError) {
        throw new SecretNotFoundError(`Secret ${name} does not exist.`, {
          remedy: 'Create the secret, or fix the cluster record that refers to it.',
        });
      }
      // The transform error quotes the text JSON.parse failed on: drop it.
      if (error instanceof TransformParameterError) throw notJson(name);
      // Powertools wraps SDK errors in GetParameterError; report the SDK's error kind.
      const cause: unknown = error instanceof GetParameterError ? error.cause : error;
      const kind = cause instanceof Error ? cause.name : 'unknown error';
      throw new SecretUnavailableError(`Secret ${name} could not be read: ${kind}.`, {
        cause,
        remedy: 'Check that the role may call secretsmanager:GetSecretValue on it, then retry.',
      });
    }
    return parseCredentials(name, raw);
  }
}
