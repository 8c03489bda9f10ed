import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_STORED_ERROR_LENGTH, storedErrorText } from '../../../functions/core/error-text.js';

/**
 * Error causes are stored on a job (lastError, history, the savepoint catalog) and read by the
 * job's team: bounded, and with anything that looks like a credential replaced.
 */
// Assembled here so that no key block or key id stands in the source (nothing real, but scanners
// for committed credentials rightly cannot tell).
const fence = (edge: string, kind: string) => `-----${edge} ${kind}PRIVATE KEY-----`;
const PEM = `${fence('BEGIN', '')}
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
${fence('END', '')}`;
const EXAMPLE_KEY_ID = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');

describe('storedErrorText', () => {
  it.each([
    ['Authorization: Bearer tok-0123456789abcdef failed', 'tok-0123456789abcdef'],
    ['header authorization=Basic ZmpjOnBhNTU= rejected', 'ZmpjOnBhNTU='],
    ['jdbc connect with password=hunter2-secret; retrying', 'hunter2-secret'],
    [
      '{"Code":"Success","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG","Token":"IQoJb3JpZ2lu"}',
      'wJalrXUtnFEMI',
    ],
    [
      '{"Code":"Success","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG","Token":"IQoJb3JpZ2lu"}',
      'IQoJb3JpZ2lu',
    ],
    [`key id ${EXAMPLE_KEY_ID} was refused`, EXAMPLE_KEY_ID],
    ['session ASIAY34FZKBOKMUTVV7A expired', 'ASIAY34FZKBOKMUTVV7A'],
    [`tls setup failed: ${PEM} end`, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'],
    [`a truncated key ${fence('BEGIN', 'RSA ')}\nMIIEowIBAAKCAQEA`, 'MIIEowIBAAKCAQEA'],
    ['connect to https://ops:pa55w0rd@flink:8081 failed', 'pa55w0rd'],
    ['security.ssl.rest.keystore-password: changeit-now', 'changeit-now'],
    [
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sflKxwRJSMeKKF2QT4fwpM rejected',
      'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
    ],
    ["api_key: 'k-123456789'", 'k-123456789'],
  ])('scrubs the credential in %j', (text, secret) => {
    const stored = storedErrorText(text);
    expect(stored).not.toContain(secret);
    expect(stored).toContain('[REDACTED]');
  });

  it('leaves ordinary causes as they are', () => {
    const cause =
      'JobSubmissionException: Could not run main() (root cause: ClassNotFoundException: com.acme.Job)';
    expect(storedErrorText(cause)).toBe(cause);
    expect(storedErrorText('the savepoint did not complete within 10 minutes')).toBe(
      'the savepoint did not complete within 10 minutes',
    );
  });

  it('bounds the length at a word boundary, marking the cut', () => {
    const long = `${'word '.repeat(400)}end`;
    const stored = storedErrorText(long, 100);
    expect(stored.length).toBeLessThanOrEqual(100);
    expect(stored).toMatch(/word…$/);
    expect(storedErrorText('x'.repeat(5_000), 100)).toBe(`${'x'.repeat(99)}…`);
    expect(storedErrorText(long).length).toBeLessThanOrEqual(MAX_STORED_ERROR_LENGTH);
  });

  it('does not split a character made of two UTF-16 units', () => {
    const stored = storedErrorText('😀'.repeat(100), 11);
    expect(stored).toBe(`${'😀'.repeat(5)}…`);
  });

  it('turns control characters into spaces but keeps line breaks', () => {
    expect(storedErrorText('a\u0000b\u001bc\nd\te')).toBe('a b c\nd\te');
  });

  it('scrubs a credential that straddles the cut before cutting', () => {
    const text = `${'a '.repeat(45)}password=supersecretvalue`;
    expect(storedErrorText(text, 100)).not.toContain('supersecret');
  });

  it('is bounded in time on hostile input of any length', () => {
    const hostile = [
      'a'.repeat(1_000_000),
      '-----BEGIN X-----'.repeat(50_000),
      'password'.repeat(100_000),
      'Bearer '.repeat(100_000),
      `${'x_'.repeat(200_000)}=`,
    ];
    const started = performance.now();
    for (const text of hostile) expect(storedErrorText(text).length).toBeLessThanOrEqual(1_000);
    // A generous guard against quadratic scans, not a speed target.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('never returns more than the bound, and never a secret it was given (property)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9+/]{12,40}$/);
    const filler = fc.string({ maxLength: 300 });
    const wrap = fc.constantFrom(
      (s: string) => `Bearer ${s}`,
      (s: string) => `password=${s}`,
      (s: string) => `"SecretAccessKey": "${s}"`,
      (s: string) => `${fence('BEGIN', '')}\n${s}\n${fence('END', '')}`,
      (s: string) => `https://user:${s}@host`,
    );
    fc.assert(
      fc.property(
        filler,
        secret,
        wrap,
        filler,
        fc.integer({ min: 20, max: 2_000 }),
        (a, s, w, b, max) => {
          const stored = storedErrorText(`${a} ${w(s)} ${b}`, max);
          expect(stored.length).toBeLessThanOrEqual(max);
          expect(stored).not.toContain(s);
        },
      ),
      { numRuns: 500 },
    );
  });
});
