import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../functions/commons/errors.js';
import { readEnvironment } from '../../../functions/commons/env.js';

const base = { FJC_TABLE_NAME: 'fjc' };

describe('FJC_LEASE_TTL_SECONDS', () => {
  it('defaults to a minute', () => {
    expect(readEnvironment(base).FJC_LEASE_TTL_SECONDS).toBe(60);
  });

  it('is read as a number of seconds', () => {
    expect(readEnvironment({ ...base, FJC_LEASE_TTL_SECONDS: '15' }).FJC_LEASE_TTL_SECONDS).toBe(
      15,
    );
  });

  it.each(['0', '3', 'soon', '1.5', '100000'])('refuses %s, naming the variable', (value) => {
    expect(() => readEnvironment({ ...base, FJC_LEASE_TTL_SECONDS: value })).toThrow(
      ConfigurationError,
    );
    expect(() => readEnvironment({ ...base, FJC_LEASE_TTL_SECONDS: value })).toThrow(
      /FJC_LEASE_TTL_SECONDS/,
    );
  });
});
