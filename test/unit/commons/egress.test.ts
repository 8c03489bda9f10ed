import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../functions/commons/errors.js';
import {
  DEFAULT_EGRESS_POLICY,
  checkEgressConnection,
  checkEgressUrl,
  egressPolicy,
  egressRulesProblems,
} from '../../../functions/commons/egress.js';

/** A refusal whose reason matches `pattern`. */
function refusal(pattern: RegExp) {
  return { allowed: false, reason: expect.stringMatching(pattern) as string };
}

/** Every way of writing the metadata endpoint that a URL parser or a resolver may hand over. */
const METADATA_URLS = [
  'http://169.254.169.254/',
  'http://2852039166/', // decimal
  'http://0xa9fea9fe/', // hex
  'http://0xA9FEA9FE:80/',
  'http://0x0a9fea9fe/', // hex with a leading zero
  'http://0251.0376.0251.0376/', // octal
  'http://0xa9.0xfe.0xa9.0xfe/', // hex per octet
  'http://00000000251.254.169.254/',
  'http://169.254.43518/', // short form a.b.c
  'http://169.16689662/', // short form a.b
  'http://169.254.169.254./', // trailing dot
  'http://１６９.２５４.１６９.２５４/', // full-width digits
  'http://169。254。169。254/', // ideographic full stops
  'http://[::ffff:169.254.169.254]/', // IPv4-mapped IPv6
  'http://[::ffff:a9fe:a9fe]:8081/',
  'http://[0:0:0:0:0:ffff:169.254.169.254]/',
  'http://[::169.254.169.254]/', // IPv4-compatible IPv6
  'http://[64:ff9b::169.254.169.254]/', // NAT64
  'https://[fd00:ec2::254]/', // the IPv6 metadata endpoint
  'http://[FD00:EC2:0:0:0:0:0:254]:80/',
];

describe('egress policy: URLs checked at validation', () => {
  it.each(METADATA_URLS)('refuses the metadata endpoint written as %s, naming it', (url) => {
    const decision = checkEgressUrl(url);
    expect(decision).toEqual(refusal(/metadata/));
  });

  it.each([
    ['http://169.254.170.2/', /container credentials/],
    ['http://169.254.170.23/', /Pod Identity/],
    ['http://[fd00:ec2::23]/', /Pod Identity/],
    ['http://169.254.1.1:8081/', /link-local/],
    ['http://[fe80::1]:8081/', /link-local/],
    ['http://[febf:ffff::1]/', /link-local/],
    ['http://[::ffff:169.254.0.1]/', /link-local/],
    ['http://0.0.0.0:8081/', /unspecified/],
    ['http://0/', /unspecified/],
    ['http://[::]:8081/', /unspecified/],
    ['http://224.0.0.1/', /multicast/],
    ['http://[ff02::1]/', /multicast/],
    ['http://255.255.255.255/', /reserved|broadcast/],
    ['http://metadata.google.internal/', /metadata host name/],
    ['http://METADATA.google.internal./', /metadata host name/],
    ['http://instance-data/', /metadata host name/],
  ])('refuses %s (%s)', (url, reason) => {
    const decision = checkEgressUrl(url);
    expect(decision.allowed).toBe(false);
    expect(decision.allowed ? '' : decision.reason).toMatch(reason);
  });

  it.each([
    'http://127.0.0.1:8081',
    'http://127.1:8081',
    'http://localhost:8081',
    'http://[::1]:8081',
    'http://10.0.3.7:8081',
    'http://172.16.0.9:8081',
    'http://192.168.1.20:8081',
    'http://100.64.0.1:8081',
    'https://[fd12:3456::1]:8443',
    'https://flink.example.com:8443/proxy/eu-1',
    'https://203.0.113.10',
    'http://169.253.255.255',
    'http://169.255.0.1',
    'http://[fe7f::1]',
  ])('allows %s by default (loopback, private VPC ranges, public hosts)', (url) => {
    expect(checkEgressUrl(url)).toEqual({ allowed: true });
  });

  it('refuses what is not an http URL at all, saying so', () => {
    expect(checkEgressUrl('not a url')).toEqual(refusal(/not a URL/));
    expect(checkEgressUrl(new URL('http://169.254.169.254')).allowed).toBe(false);
  });
});

describe('egress policy: configuration', () => {
  it('denies configured ranges and host names, in every encoding', () => {
    const policy = egressPolicy({ deny: '10.1.0.0/16, flink.bad.example.com,*.evil.example' });
    expect(checkEgressUrl('http://10.1.2.3:8081', policy)).toEqual(
      refusal(/10\.1\.0\.0\/16.*FJC_EGRESS_DENY/),
    );
    expect(checkEgressUrl('http://167838211:8081', policy).allowed).toBe(false); // 10.1.2.3
    expect(checkEgressUrl('http://[::ffff:10.1.2.3]:8081', policy).allowed).toBe(false);
    expect(checkEgressUrl('http://10.2.0.1:8081', policy)).toEqual({ allowed: true });
    expect(checkEgressUrl('http://flink.bad.example.com.', policy).allowed).toBe(false);
    expect(checkEgressUrl('http://a.b.evil.example', policy).allowed).toBe(false);
    expect(checkEgressUrl('http://evil.example', policy)).toEqual({ allowed: true });
  });

  it('with an allow-list, allows only its CIDRs and host names; metadata never', () => {
    const policy = egressPolicy({
      allow: '10.0.0.0/8, fd12::/16, flink.example.com, *.flink.example.net, 169.254.0.0/16',
    });
    expect(checkEgressUrl('http://10.9.9.9:8081', policy)).toEqual({ allowed: true });
    expect(checkEgressUrl('http://[fd12::7]:8081', policy)).toEqual({ allowed: true });
    expect(checkEgressUrl('http://127.0.0.1:8081', policy)).toEqual(
      refusal(/not in the allow-list.*FJC_EGRESS_ALLOW/),
    );
    // Even when an operator lists it, link-local and metadata stay refused.
    expect(checkEgressUrl('http://169.254.169.254', policy)).toEqual(refusal(/metadata/));
    expect(checkEgressUrl('https://flink.example.com', policy)).toEqual({ allowed: true });
    expect(checkEgressUrl('https://eu.flink.example.net', policy)).toEqual({ allowed: true });
    // A name not on the list may still resolve into an allowed CIDR: decided at connect time.
    expect(checkEgressUrl('https://other.example.org', policy)).toEqual({ allowed: true });
    expect(checkEgressConnection('other.example.org', '10.1.1.1', policy)).toEqual({
      allowed: true,
    });
    expect(checkEgressConnection('other.example.org', '192.168.1.1', policy).allowed).toBe(false);
  });

  it('with an allow-list of names only, refuses other names without resolving them', () => {
    const policy = egressPolicy({ allow: 'flink.example.com' });
    expect(checkEgressUrl('https://other.example.org', policy)).toEqual(
      refusal(/other\.example\.org is not in the allow-list/),
    );
    expect(checkEgressUrl('https://flink.example.com', policy)).toEqual({ allowed: true });
    // A listed name is trusted to resolve anywhere except the forbidden ranges.
    expect(checkEgressConnection('flink.example.com', '192.168.1.1', policy)).toEqual({
      allowed: true,
    });
    expect(checkEgressConnection('flink.example.com', '169.254.169.254', policy).allowed).toBe(
      false,
    );
  });

  it('reads empty and missing lists as the default policy', () => {
    expect(egressPolicy({})).toEqual(DEFAULT_EGRESS_POLICY);
    expect(egressPolicy({ allow: ' , ', deny: '' })).toEqual(DEFAULT_EGRESS_POLICY);
    expect(egressPolicy({ allow: '10.0.0.1' }).allow).toHaveLength(1);
    expect(egressPolicy({ deny: '::1' }).deny).toHaveLength(1);
  });

  it.each([
    ['10.0.0.1/8', /host bits/],
    ['10.0.0.0/33', /prefix length/],
    ['fd00::/129', /prefix length/],
    ['10.0.0.0/x', /prefix length/],
    ['10.0.0/8', /not an IP address/],
    ['flink_example.com', /host name/],
    ['*.', /host name/],
    ['http://flink.example.com', /host name/],
  ])('refuses the rule %s with a message naming it', (rule, problem) => {
    const problems = egressRulesProblems(rule);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(rule);
    expect(problems[0]).toMatch(problem);
  });

  it('fails configuration naming the variable, the rule and what to write', () => {
    let error: unknown;
    try {
      egressPolicy({ allow: '10.0.0.0/8', deny: '10.0.0.1/8' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toMatch(/FJC_EGRESS_DENY.*10\.0\.0\.1\/8/);
    expect((error as ConfigurationError).remedy).toMatch(/CIDR/);
    expect(() => egressPolicy({ allow: 'a b' })).toThrow(/FJC_EGRESS_ALLOW/);
  });
});

describe('egress policy: addresses checked at connect time', () => {
  it.each([
    ['169.254.169.254', /metadata/],
    ['::ffff:169.254.169.254', /metadata/],
    ['::ffff:a9fe:a9fe', /metadata/],
    ['fd00:ec2::254', /metadata/],
    ['fe80::1%eth0', /link-local/],
    ['169.254.170.2', /container credentials/],
    ['0.0.0.0', /unspecified/],
  ])('refuses a name that resolves to %s', (address, reason) => {
    const decision = checkEgressConnection('flink.example.com', address, DEFAULT_EGRESS_POLICY);
    expect(decision.allowed).toBe(false);
    expect(decision.allowed ? '' : decision.reason).toMatch(reason);
    expect(decision.allowed ? '' : decision.reason).toContain('flink.example.com');
  });

  it('allows a name resolving to loopback or a private address by default', () => {
    expect(checkEgressConnection('localhost', '127.0.0.1')).toEqual({ allowed: true });
    expect(checkEgressConnection('localhost', '::1')).toEqual({ allowed: true });
    expect(checkEgressConnection('flink.internal', '10.0.0.5')).toEqual({ allowed: true });
  });

  it('refuses a denied name whatever it resolves to, and what is not an address', () => {
    const policy = egressPolicy({ deny: 'flink.bad.example.com' });
    expect(checkEgressConnection('flink.bad.example.com', '10.0.0.5', policy).allowed).toBe(false);
    expect(checkEgressConnection('flink.example.com', 'not-an-ip', policy)).toEqual(
      refusal(/not an IP address/),
    );
    expect(checkEgressConnection('10.0.0.5', '10.0.0.5', policy)).toEqual({ allowed: true });
  });
});
