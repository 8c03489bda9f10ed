import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../../commons/errors.js';
import type { ClusterCredentials } from '../../core/model/index.js';
import type { SecretsProvider } from '../../core/ports/index.js';
import { notJson, parseCredentials } from './credentials.js';
import { SecretNotFoundError } from './errors.js';
import { authorizeRef, checkPrefix } from './secret-names.js';

/** Configuration of {@link LocalSecretsProvider}. */
export interface LocalSecretsProviderOptions {
  /** When set, refs outside it are refused exactly as in AWS. */
  prefix?: string;
  /** A JSON file `{ "<ref>": { "type": "basic", ... }, ... }`; read on every call. */
  file?: string;
  /** Where `FJC_SECRET_<NAME>` variables are looked up (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** `fjc/clusters/eu-1` → `FJC_SECRET_FJC_CLUSTERS_EU_1`. Distinct refs may share a variable. */
export function envVariableFor(ref: string): string {
  return `FJC_SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * {@link SecretsProvider} for the local run: an environment variable `FJC_SECRET_<NAME>` holding
 * the JSON wins over an entry of the JSON file. Same validation and errors as the AWS provider.
 */
export class LocalSecretsProvider implements SecretsProvider {
  private readonly prefix: string | undefined;
  private readonly file: string | undefined;
  private readonly env: Record<string, string | undefined>;

  constructor(options: LocalSecretsProviderOptions = {}) {
    this.prefix = options.prefix === undefined ? undefined : checkPrefix(options.prefix);
    this.file = options.file;
    this.env = options.env ?? process.env;
  }

  async getSecret(ref: string): Promise<ClusterCredentials> {
    const name = authorizeRef(ref, this.prefix);
    const fromEnv = this.env[envVariableFor(name)];
    if (fromEnv !== undefined) return parseCredentials(name, parseJson(name, fromEnv));
    const entries = await this.readFile();
    if (!Object.hasOwn(entries, name)) {
      throw new SecretNotFoundError(`Secret ${name} does not exist.`, {
        remedy: `Set ${envVariableFor(name)} or add "${name}" to the secrets file.`,
      });
    }
    return parseCredentials(name, entries[name]);
  }

  private async readFile(): Promise<Record<string, unknown>> {
    if (this.file === undefined) return {};
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      throw new ConfigurationError(`Secrets file ${this.file} cannot be read.`, {
        cause: error,
        remedy: 'Create the file or fix the configured path.',
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // No cause: the parser's message quotes the file's content.
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigurationError(`Secrets file ${this.file} is not a JSON object.`, {
        remedy: 'Write {"<secret name>": {"type": ...}, ...}.',
      });
    }
    return parsed as Record<string, unknown>;
  }
}

function parseJson(ref: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw notJson(ref);
  }
}
