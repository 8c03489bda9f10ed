import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../functions/commons/errors.js';
import {
  InvalidSecretError,
  LocalSecretsProvider,
  SecretAccessDeniedError,
  SecretNotFoundError,
  envVariableFor,
} from '../../../../functions/adapters/secrets/index.js';

const PASSWORD = 'local-secret-password';
let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fjc-secrets-'));
  file = join(dir, 'secrets.json');
  await writeFile(
    file,
    JSON.stringify({
      'fjc/eu-1': {
        type: 'basic',
        username: 'flink',
        password: PASSWORD,
        urls: ['https://flink:8443'],
      },
      'fjc/open': { type: 'none' },
      'fjc/broken': { type: 'basic', username: 'flink' },
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LocalSecretsProvider', () => {
  it('reads from the file', async () => {
    const p = new LocalSecretsProvider({ file, env: {}, prefix: 'fjc/' });
    const creds = await p.getSecret('fjc/eu-1');
    expect(creds.type === 'basic' && creds.password.reveal()).toBe(PASSWORD);
    expect(await p.getSecret('fjc/open')).toEqual({ type: 'none' });
  });

  it('prefers FJC_SECRET_<NAME> from the environment', async () => {
    expect(envVariableFor('fjc/eu-1')).toBe('FJC_SECRET_FJC_EU_1');
    const env = {
      FJC_SECRET_FJC_EU_1: JSON.stringify({
        type: 'bearer',
        token: 'env-token',
        urls: ['https://flink:8443'],
      }),
    };
    const creds = await new LocalSecretsProvider({ file, env }).getSecret('fjc/eu-1');
    expect(creds.type === 'bearer' && creds.token.reveal()).toBe('env-token');
  });

  it('reads process.env by default and works without a file', async () => {
    process.env.FJC_SECRET_LOCAL_ONLY = '{"type":"none"}';
    try {
      expect(await new LocalSecretsProvider().getSecret('local/only')).toEqual({ type: 'none' });
      await expect(new LocalSecretsProvider().getSecret('local/missing')).rejects.toBeInstanceOf(
        SecretNotFoundError,
      );
    } finally {
      delete process.env.FJC_SECRET_LOCAL_ONLY;
    }
  });

  it('reports missing, malformed and wrongly shaped secrets without values', async () => {
    const env = { FJC_SECRET_FJC_BAD: `{"password":"${PASSWORD}"` };
    const p = new LocalSecretsProvider({ file, env, prefix: 'fjc/' });
    const missing: unknown = await p.getSecret('fjc/nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SecretNotFoundError);
    expect((missing as SecretNotFoundError).remedy).toContain('FJC_SECRET_FJC_NOPE');
    const bad: unknown = await p.getSecret('fjc/bad').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidSecretError);
    expect(inspect(bad, { depth: 10 })).not.toContain(PASSWORD);
    const broken: unknown = await p.getSecret('fjc/broken').catch((e: unknown) => e);
    expect((broken as InvalidSecretError).issues[0]?.path).toBe('password');
  });

  it('enforces the prefix like the AWS provider', async () => {
    const p = new LocalSecretsProvider({ file, env: {}, prefix: 'fjc/' });
    await expect(p.getSecret('other/eu-1')).rejects.toBeInstanceOf(SecretAccessDeniedError);
    expect(() => new LocalSecretsProvider({ prefix: 'fjc' })).toThrow(ConfigurationError);
  });

  it('reports an unreadable or malformed file as configuration, without its content', async () => {
    const absent = new LocalSecretsProvider({ file: join(dir, 'absent.json'), env: {} });
    await expect(absent.getSecret('x')).rejects.toBeInstanceOf(ConfigurationError);
    const malformed = join(dir, 'malformed.json');
    await writeFile(malformed, `{"x": "${PASSWORD}"`);
    const error: unknown = await new LocalSecretsProvider({ file: malformed, env: {} })
      .getSecret('x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD);
    const list = join(dir, 'list.json');
    await writeFile(list, '[]');
    await expect(new LocalSecretsProvider({ file: list, env: {} }).getSecret('x')).rejects.toThrow(
      /not a JSON object/,
    );
  });
});
