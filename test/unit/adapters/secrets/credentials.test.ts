import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  InvalidSecretError,
  boundOrigins,
  credentialsBoundTo,
  parseCredentials,
} from '../../../../functions/adapters/secrets/index.js';
import type { ClusterCredentials } from '../../../../functions/core/model/index.js';

/**
 * A cluster secret names where its credentials may go (`urls`): fjc sends them nowhere else,
 * whatever a cluster record says. Without the binding, a cluster record pointed at another host
 * with the same secretRef would hand that host the credentials.
 */
const TOKEN = 'tok-binding-0123456789';
const URL_EU = 'https://flink-eu-1.example.com:8443';

function bearer(urls: unknown): ClusterCredentials {
  return parseCredentials('fjc/clusters/eu-1', { type: 'bearer', token: TOKEN, urls });
}

function invalid(raw: unknown): InvalidSecretError {
  let error: unknown;
  try {
    parseCredentials('fjc/clusters/eu-1', raw);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InvalidSecretError);
  expect(inspect(error) + JSON.stringify(error)).not.toContain(TOKEN);
  return error as InvalidSecretError;
}

describe('credentials bound to URLs', () => {
  it('refuses a secret with credentials but no urls, saying how to bind it', () => {
    const error = invalid({ type: 'bearer', token: TOKEN });
    expect(error.message).toBe(
      'Secret fjc/clusters/eu-1 names no urls: fjc sends credentials only to the URLs their secret lists.',
    );
    expect(error.remedy).toMatch(/Add "urls": \["https:\/\/…"\]/);
    expect(error.issues).toEqual([{ path: 'urls', message: expect.any(String) as string }]);
    for (const type of ['basic', 'mtls'])
      expect(invalid({ type, username: 'u', password: TOKEN }).issues.map((i) => i.path)).toContain(
        'urls',
      );
  });

  it.each([
    [[], 'urls'],
    ['https://flink', 'urls'],
    [['ftp://flink'], 'urls.0'],
    [['https://user:pw@flink'], 'urls.0'],
    [['https://flink/?x=1'], 'urls.0'],
    [['not a url'], 'urls.0'],
    [[URL_EU, 42], 'urls.1'],
    [Array.from({ length: 21 }, (_, i) => `https://f${i}.example.com`), 'urls'],
  ])('refuses urls %j, naming %s', (urls, path) => {
    const error = invalid({ type: 'bearer', token: TOKEN, urls });
    expect(error.issues.map((i) => i.path)).toEqual([path]);
    expect(error.message).toBe(
      `Secret fjc/clusters/eu-1 does not hold valid cluster credentials (${path}).`,
    );
    expect(error.remedy).toMatch(/"urls" lists the Flink REST URLs/);
  });

  it('binds to scheme, host, port and path prefix; nothing else', () => {
    const credentials = bearer([URL_EU, 'https://proxy.example.com/flink/eu-1/']);
    const allowed = [
      URL_EU,
      `${URL_EU}/`,
      `${URL_EU}/any/path`,
      'https://FLINK-EU-1.example.com:8443',
      'https://proxy.example.com/flink/eu-1',
      'https://proxy.example.com:443/flink/eu-1/v1',
    ];
    for (const url of allowed) expect(credentialsBoundTo(credentials, url), url).toBe(true);
    const refused = [
      'https://flink-eu-1.example.com', // another port
      'http://flink-eu-1.example.com:8443', // another scheme
      'https://flink-eu-1.example.com.evil.com:8443',
      'https://evil.example.com:8443',
      'https://proxy.example.com/flink/eu-10',
      'https://proxy.example.com/flink',
      'https://proxy.example.com/',
      'not a url',
    ];
    for (const url of refused) expect(credentialsBoundTo(credentials, url), url).toBe(false);
    expect(boundOrigins(credentials)).toEqual([URL_EU, 'https://proxy.example.com']);
  });

  it('needs no binding for a secret without credentials', () => {
    const none = parseCredentials('fjc/clusters/open', { type: 'none' });
    expect(credentialsBoundTo(none, 'https://anywhere.example.com')).toBe(true);
    expect(boundOrigins(none)).toBeUndefined();
  });

  it('keeps the bound urls readable and the secret redacted', () => {
    const credentials = bearer([URL_EU]);
    expect(JSON.stringify(credentials)).toBe(
      `{"type":"bearer","token":"[REDACTED]","urls":["${URL_EU}"]}`,
    );
  });
});
