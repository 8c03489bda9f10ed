import { describe, expect, it, vi } from 'vitest';
import { SecretUnavailableError } from '../../../../functions/adapters/secrets/errors.js';

// Powertools wraps every SDK failure in GetParameterError (and the SDK turns anything thrown into
// an Error). These cover failures escaping both, e.g. from a future version: they must still come
// out as SecretUnavailableError, with the original as the cause.
const getSecret = vi.hoisted(() => vi.fn<() => Promise<unknown>>());
vi.mock('@aws-lambda-powertools/parameters/secrets', () => ({ getSecret }));

const { AwsSecretsProvider } =
  await import('../../../../functions/adapters/secrets/aws-secrets-provider.js');

const read = () =>
  new AwsSecretsProvider({ prefix: 'fjc/' }).getSecret('fjc/x').catch((e: unknown) => e);

describe('AwsSecretsProvider with an unwrapped failure', () => {
  it('keeps an unwrapped error as the cause', async () => {
    getSecret.mockRejectedValueOnce(new TypeError('fetch failed'));
    const error = await read();
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toBe('Secret fjc/x could not be read: TypeError.');
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('reports a non-error as an unknown error', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    getSecret.mockImplementationOnce(() => Promise.reject('boom'));
    const error = await read();
    expect((error as Error).message).toBe('Secret fjc/x could not be read: unknown error.');
  });
});
