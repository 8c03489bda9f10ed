import { describe, expect, it } from 'vitest';
import {
  durationToMs,
  formatPath,
  isLabelKey,
  isSecretLikeKey,
} from '../../../functions/core/spec/index.js';

describe('durationToMs', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(durationToMs(text)).toBe(ms);
  });

  it.each(['', '30', 'm', '1.5h', '-1s', '30 m', '1w', 'off'])('rejects %j', (text) => {
    expect(durationToMs(text)).toBeUndefined();
  });
});

describe('isLabelKey', () => {
  it.each(['app', 'fjc.dev/tier', 'a_b.c-d', 'A1'])('accepts %s', (key) => {
    expect(isLabelKey(key)).toBe(true);
  });
  it.each(['', '-a', 'a-', 'UPPER.dev/x', '/x', 'a'.repeat(64), 'a b'])('rejects %j', (key) => {
    expect(isLabelKey(key)).toBe(false);
  });
});

describe('isSecretLikeKey', () => {
  it.each([
    'password',
    'passwd',
    'token',
    'bearerToken',
    'apiKey',
    'api_key',
    'clientKey',
    'privateKey',
    'secret',
    'credentials',
  ])('flags %s', (key) => {
    expect(isSecretLikeKey(key)).toBe(true);
  });
  it.each(['secretRef', 'username', 'url', 'type', 'keyStore'])('does not flag %s', (key) => {
    expect(isSecretLikeKey(key)).toBe(false);
  });
});

describe('formatPath', () => {
  it('renders identifiers, indices and other keys', () => {
    expect(formatPath(['documents', 1, 'spec', 'flinkConfiguration', 'state.backend.type'])).toBe(
      'documents[1].spec.flinkConfiguration["state.backend.type"]',
    );
    expect(formatPath([])).toBe('');
    expect(formatPath([Symbol.for('s')])).toBe('["Symbol(s)"]');
  });
});
