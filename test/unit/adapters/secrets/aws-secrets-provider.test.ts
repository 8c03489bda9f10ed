import { inspect } from 'node:util';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, ValidationError } from '../../../../functions/commons/errors.js';
import {
  AwsSecretsProvider,
  InvalidSecretError,
  SecretAccessDeniedError,
  SecretNotFoundError,
  SecretUnavailableError,
} from '../../../../functions/adapters/secrets/index.js';
import { SecretValue } from '../../../../functions/core/model/index.js';

const sm = mockClient(SecretsManagerClient);
const PASSWORD = 'hunter2-very-secret';
const TOKEN = 'tok-abcdef-123456';
// Fake key material, assembled so that no private-key block stands in the source.
const PEM_KEY = ['PRIVATE', 'KEY'].join(' ');
const KEY = `-----BEGIN ${PEM_KEY}-----\nMIIsecretkeymaterial\n-----END ${PEM_KEY}-----`;
const CERT = '-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----';
const URLS = ['https://flink.example.com:8443'];

function stores(name: string, value: unknown): void {
  sm.on(GetSecretValueCommand, { SecretId: name }).resolves({
    Name: name,
    SecretString: typeof value === 'string' ? value : JSON.stringify(value),
  });
}

/** Everything an error could leak through: message, JSON, inspect, remedy, cause chain. */
function rendered(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 10 })].join('\n');
}

beforeEach(() => {
  sm.reset();
  clearCaches();
});
afterAll(() => {
  sm.restore();
});

const provider = () => new AwsSecretsProvider({ prefix: 'fjc/clusters/', maxAgeSeconds: 60 });

describe('AwsSecretsProvider', () => {
  it('reads each credential shape', async () => {
    stores('fjc/clusters/basic', {
      type: 'basic',
      username: 'flink',
      password: PASSWORD,
      urls: URLS,
    });
    stores('fjc/clusters/bearer', { type: 'bearer', token: TOKEN, urls: URLS });
    stores('fjc/clusters/mtls', {
      type: 'mtls',
      certPem: CERT,
      keyPem: KEY,
      caPem: CERT,
      urls: URLS,
    });
    stores('fjc/clusters/mtls-no-ca', { type: 'mtls', certPem: CERT, keyPem: KEY, urls: URLS });
    stores('fjc/clusters/none', { type: 'none', description: 'open test cluster' });
    const p = provider();

    const basic = await p.getSecret('fjc/clusters/basic');
    expect(basic).toMatchObject({ type: 'basic', username: 'flink' });
    expect(basic.type === 'basic' && basic.password.reveal()).toBe(PASSWORD);

    const bearer = await p.getSecret('fjc/clusters/bearer');
    expect(bearer.type === 'bearer' && bearer.token.reveal()).toBe(TOKEN);

    const mtls = await p.getSecret('fjc/clusters/mtls');
    expect(mtls).toMatchObject({ type: 'mtls', certPem: CERT, caPem: CERT });
    expect(mtls.type === 'mtls' && mtls.keyPem.reveal()).toBe(KEY);
    expect(await p.getSecret('fjc/clusters/mtls-no-ca')).not.toHaveProperty('caPem');

    expect(await p.getSecret('fjc/clusters/none')).toEqual({ type: 'none' });
  });

  it('caches per maxAge: a second read does not call Secrets Manager', async () => {
    stores('fjc/clusters/eu-1', { type: 'bearer', token: TOKEN, urls: URLS });
    const p = provider();
    await p.getSecret('fjc/clusters/eu-1');
    await p.getSecret('fjc/clusters/eu-1');
    await new AwsSecretsProvider({ prefix: 'fjc/clusters/' }).getSecret('fjc/clusters/eu-1');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('maps a missing secret to SecretNotFoundError', async () => {
    sm.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({ message: 'not found', $metadata: {} }),
    );
    const error: unknown = await provider()
      .getSecret('fjc/clusters/ghost')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect(error).toMatchObject({ code: 'SECRET_NOT_FOUND' });
    expect((error as Error).message).toContain('fjc/clusters/ghost');
  });

  it('refuses malformed JSON without quoting it', async () => {
    stores('fjc/clusters/bad', `{"type":"basic","password":"${PASSWORD}"`);
    const error: unknown = await provider()
      .getSecret('fjc/clusters/bad')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSecretError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect((error as Error).cause).toBeUndefined();
    expect(rendered(error)).not.toContain(PASSWORD);
  });

  it('names the wrong field but not its value', async () => {
    stores('fjc/clusters/shape', { type: 'basic', username: PASSWORD, password: 42, urls: URLS });
    const error: unknown = await provider()
      .getSecret('fjc/clusters/shape')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSecretError);
    expect((error as InvalidSecretError).issues).toEqual([
      { path: 'password', message: expect.any(String) as string },
    ]);
    expect((error as Error).message).toContain('password');
    expect(rendered(error)).not.toContain(PASSWORD);
    expect((error as InvalidSecretError).toJSON()).toMatchObject({
      code: 'SECRET_INVALID',
      issues: [{ path: 'password' }],
    });
  });

  it('names the discriminator and the root when the shape is unknown', async () => {
    stores('fjc/clusters/kind', { type: 'kerberos', ticket: PASSWORD });
    stores('fjc/clusters/scalar', JSON.stringify(PASSWORD));
    const p = provider();
    const kind: unknown = await p.getSecret('fjc/clusters/kind').catch((e: unknown) => e);
    expect((kind as InvalidSecretError).issues[0]?.path).toBe('type');
    const scalar: unknown = await p.getSecret('fjc/clusters/scalar').catch((e: unknown) => e);
    expect((scalar as InvalidSecretError).issues[0]?.path).toBe('(root)');
    expect(rendered(kind) + rendered(scalar)).not.toContain(PASSWORD);
  });

  it('refuses a key that is not PEM without echoing it', async () => {
    stores('fjc/clusters/pem', { type: 'mtls', certPem: CERT, keyPem: PASSWORD, urls: URLS });
    const error: unknown = await provider()
      .getSecret('fjc/clusters/pem')
      .catch((e: unknown) => e);
    expect((error as InvalidSecretError).issues).toEqual([
      { path: 'keyPem', message: 'must be a PEM private key' },
    ]);
    expect(rendered(error)).not.toContain(PASSWORD);
  });

  it.each([
    'other/secret',
    'fjc/clusters',
    'fjc/clusters/',
    'fjc/clusters-evil/x',
    'fjc/other/x',
    '/fjc/clusters/x',
  ])('refuses %s outside the prefix without calling AWS', async (ref) => {
    const error: unknown = await provider()
      .getSecret(ref)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretAccessDeniedError);
    expect((error as Error).message).toContain('outside the allowed prefix fjc/clusters/');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it.each([
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fjc/clusters/x-AbCdEf',
    '',
    'fjc/clusters/has space',
    'x'.repeat(513),
    42,
  ])('refuses %s, which is not a secret name', async (ref) => {
    const error: unknown = await provider()
      .getSecret(ref as string)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('secretRef');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it.each(['', 'fjc', 'fjc/clusters', 'arn:aws:x/'])('refuses the prefix "%s"', (prefix) => {
    expect(() => new AwsSecretsProvider({ prefix })).toThrow(ConfigurationError);
  });

  it('wraps other AWS failures, keeping the cause', async () => {
    const denied = Object.assign(new Error('User is not authorized'), {
      name: 'AccessDeniedException',
    });
    sm.on(GetSecretValueCommand).rejects(denied);
    const error: unknown = await provider()
      .getSecret('fjc/clusters/eu-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toBe(
      'Secret fjc/clusters/eu-1 could not be read: AccessDeniedException.',
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe('redaction', () => {
  it('keeps secret values out of logs, JSON and string conversions', async () => {
    stores('fjc/clusters/basic', {
      type: 'basic',
      username: 'flink',
      password: PASSWORD,
      urls: URLS,
    });
    const credentials = await provider().getSecret('fjc/clusters/basic');
    const outputs = [
      JSON.stringify(credentials),
      inspect(credentials, { depth: 10 }),
      String(credentials.type === 'basic' ? credentials.password : ''),
      JSON.stringify({ ...credentials }),
      Object.values(credentials).join(','),
    ];
    for (const output of outputs) expect(output).not.toContain(PASSWORD);
    expect(JSON.stringify(credentials)).toBe(
      '{"type":"basic","username":"flink","password":"[REDACTED]","urls":["https://flink.example.com:8443"]}',
    );
    expect(inspect(new SecretValue(PASSWORD))).toBe('SecretValue([REDACTED])');
  });
});
