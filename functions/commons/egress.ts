/**
 * The egress policy: where fjc may open a connection to a Flink REST endpoint. One pure decision
 * (no I/O) used twice: when a FlinkCluster's url is validated, and again for every address a host
 * name resolves to when a connection is opened, because DNS may answer differently at connect
 * time than at validation time (rebinding).
 *
 * Link-local addresses and the cloud metadata endpoints are refused always, in every encoding:
 * they hand out the credentials of the role fjc runs as. Loopback and private ranges are allowed
 * by default, because the local run and the tests talk to a Flink on 127.0.0.1 and real clusters
 * live in private VPC ranges; a deployment narrows that with an allow-list or a deny-list.
 *
 * Lives in commons because both the spec (core) and the Flink client (flink, which core imports)
 * apply it.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ConfigurationError } from './errors.js';

interface Address {
  readonly version: 4 | 6;
  readonly value: bigint;
}

interface Cidr extends Address {
  readonly bits: number;
}

/** One entry of an allow- or deny-list: an address range or a host name (`*.` for subdomains). */
export type EgressRule =
  | { readonly kind: 'cidr'; readonly text: string; readonly cidr: Cidr }
  | {
      readonly kind: 'host';
      readonly text: string;
      readonly name: string;
      readonly wildcard: boolean;
    };

/** A deployment's configured lists; the built-in refusals apply whatever they say. */
export interface EgressPolicy {
  /** When non-empty, only these ranges and host names may be reached. */
  readonly allow: readonly EgressRule[];
  /** Never reached, even when also allowed. */
  readonly deny: readonly EgressRule[];
}

/** The outcome of a check; a refusal says why in words a cluster owner can act on. */
export type EgressDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** No lists: everything but the built-in refusals is allowed. */
export const DEFAULT_EGRESS_POLICY: EgressPolicy = { allow: [], deny: [] };

const ALLOWED: EgressDecision = { allowed: true };
const ALLOW_VARIABLE = 'FJC_EGRESS_ALLOW';
const DENY_VARIABLE = 'FJC_EGRESS_DENY';

/** Refused whatever a deployment configures; the most specific entries come first. */
const FORBIDDEN: readonly { readonly cidr: Cidr; readonly what: string }[] = [
  ['169.254.169.254/32', 'the cloud instance metadata endpoint'],
  ['fd00:ec2::254/128', 'the cloud instance metadata endpoint'],
  ['169.254.170.2/32', 'the container credentials endpoint (ECS task metadata)'],
  ['169.254.170.23/32', 'the EKS Pod Identity endpoint'],
  ['fd00:ec2::23/128', 'the EKS Pod Identity endpoint'],
  ['169.254.0.0/16', 'link-local (169.254.0.0/16)'],
  ['fe80::/10', 'link-local (fe80::/10)'],
  ['0.0.0.0/8', 'unspecified ("this network", 0.0.0.0/8)'],
  ['::/128', 'unspecified (::)'],
  ['224.0.0.0/4', 'multicast (224.0.0.0/4)'],
  ['ff00::/8', 'multicast (ff00::/8)'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved (240.0.0.0/4)'],
].map(([text, what]) => ({ cidr: parseCidr(text ?? '') as Cidr, what: what ?? '' }));

/** Names that resolve to a metadata endpoint inside clouds; refused before any resolution. */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);

const HOST_NAME =
  /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function parseIpv4(text: string): bigint | undefined {
  if (!isIPv4(text)) return undefined;
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  // A zone (`%eth0`) says which interface, not which address.
  const bare = text.split('%', 1)[0] ?? '';
  if (!isIPv6(text)) return undefined;
  let hex = bare;
  const lastColon = hex.lastIndexOf(':');
  const embedded = parseIpv4(hex.slice(lastColon + 1));
  if (embedded !== undefined)
    hex = `${hex.slice(0, lastColon + 1)}${(embedded >> 16n).toString(16)}:${(embedded & 0xffffn).toString(16)}`;
  const [head = '', tail] = hex.split('::');
  const before = head === '' ? [] : head.split(':');
  const after = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - before.length - after.length).fill('0');
  return [...before, ...zeros, ...after].reduce(
    (value, group) => (value << 16n) | BigInt(parseInt(group, 16)),
    0n,
  );
}

/** An IP address in any form Node and URL parsers produce: dotted IPv4, IPv6, bracketed, zoned. */
function parseAddress(text: string): Address | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const v4 = parseIpv4(bare);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = parseIpv6(bare);
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

/**
 * The IPv4 address an IPv6 address carries and reaches: IPv4-mapped (`::ffff:a.b.c.d`, what a
 * dual-stack socket connects to), IPv4-compatible (`::a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`).
 */
function embeddedIpv4(address: Address): Address | undefined {
  if (address.version === 4) return undefined;
  const prefix = address.value >> 32n;
  const mapped = prefix === 0xffffn;
  const compatible = prefix === 0n && address.value > 1n;
  const nat64 = prefix === 0x64ff9b0000000000000000n;
  return mapped || compatible || nat64
    ? { version: 4, value: address.value & 0xffffffffn }
    : undefined;
}

function parseCidr(text: string): Cidr | string {
  const [ip = '', bitsText, ...rest] = text.split('/');
  const address = parseAddress(ip);
  if (address === undefined || rest.length > 0) return 'is not an IP address or CIDR range';
  const width = address.version === 4 ? 32 : 128;
  if (bitsText === undefined) return { ...address, bits: width };
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= width)) return `has an invalid prefix length (0..${width})`;
  const host = (1n << BigInt(width - bits)) - 1n;
  if ((address.value & host) !== 0n) return 'has host bits set (write the network address)';
  return { ...address, bits };
}

function contains(cidr: Cidr, address: Address): boolean {
  if (cidr.version !== address.version) return false;
  const shift = BigInt((cidr.version === 4 ? 32 : 128) - cidr.bits);
  return address.value >> shift === cidr.value >> shift;
}

function nameMatches(rule: EgressRule, name: string): boolean {
  if (rule.kind !== 'host') return false;
  return rule.wildcard ? name.endsWith(`.${rule.name}`) : name === rule.name;
}

function cidrMatches(rule: EgressRule, addresses: readonly Address[]): boolean {
  return rule.kind === 'cidr' && addresses.some((address) => contains(rule.cidr, address));
}

function normalName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function refused(reason: string): EgressDecision {
  return { allowed: false, reason };
}

/** Checks a host name on its own: the built-in names and the configured name rules. */
function checkName(name: string, policy: EgressPolicy): EgressDecision {
  if (FORBIDDEN_NAMES.has(name)) return refused(`${name} is a cloud metadata host name`);
  const denied = policy.deny.find((rule) => nameMatches(rule, name));
  if (denied) return refused(`${name} matches ${denied.text}, denied by ${DENY_VARIABLE}`);
  return ALLOWED;
}

/** Checks an address (and the IPv4 address it embeds); `name` is the host it was resolved for. */
function checkAddress(
  text: string,
  name: string | undefined,
  policy: EgressPolicy,
): EgressDecision {
  const address = parseAddress(text);
  const shown = name === undefined ? text : `${name} (${text})`;
  if (address === undefined) return refused(`${shown}: not an IP address`);
  const embedded = embeddedIpv4(address);
  const forms = embedded === undefined ? [address] : [address, embedded];
  for (const form of forms) {
    const forbidden = FORBIDDEN.find((entry) => contains(entry.cidr, form));
    if (forbidden) return refused(`${shown} is ${forbidden.what}; fjc never connects there`);
  }
  const denied = policy.deny.find((rule) => cidrMatches(rule, forms));
  if (denied) return refused(`${shown} is in ${denied.text}, denied by ${DENY_VARIABLE}`);
  if (policy.allow.length === 0) return ALLOWED;
  const listed = policy.allow.some(
    (rule) => cidrMatches(rule, forms) || (name !== undefined && nameMatches(rule, name)),
  );
  return listed ? ALLOWED : refused(`${shown} is not in the allow-list (${ALLOW_VARIABLE})`);
}

/**
 * Checks a URL before anything is resolved. WHATWG URL parsing first turns every IPv4 spelling
 * (decimal, hex, octal, short forms, full-width digits) into dotted form; an IP literal is then
 * decided completely. A host name is checked by name only: whether its addresses are allowed is
 * decided when it is resolved ({@link checkEgressConnection}).
 */
export function checkEgressUrl(
  url: string | URL,
  policy: EgressPolicy = DEFAULT_EGRESS_POLICY,
): EgressDecision {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return refused('not a URL');
  }
  const host = normalName(parsed.hostname);
  if (parseAddress(host) !== undefined) return checkAddress(host, undefined, policy);
  const byName = checkName(host, policy);
  if (!byName.allowed) return byName;
  const nameRules = policy.allow.filter((rule) => rule.kind === 'host');
  // Only names are allowed, and this is none of them: no address can change that.
  if (nameRules.length > 0 && nameRules.length === policy.allow.length)
    if (!nameRules.some((rule) => nameMatches(rule, host)))
      return refused(`${host} is not in the allow-list (${ALLOW_VARIABLE})`);
  return ALLOWED;
}

/**
 * Checks one connection: the host as the URL names it and one address it resolved to (the same
 * text when the URL holds an IP literal). Called for every resolved address, on every connect.
 */
export function checkEgressConnection(
  host: string,
  address: string,
  policy: EgressPolicy = DEFAULT_EGRESS_POLICY,
): EgressDecision {
  const name = normalName(host);
  if (parseAddress(name) !== undefined) return checkAddress(address, undefined, policy);
  const byName = checkName(name, policy);
  return byName.allowed ? checkAddress(address, name, policy) : byName;
}

function parseRule(text: string): EgressRule | string {
  if (text.includes('://')) return `${text} is a URL: write only its host name or a CIDR range`;
  if (/^[\d.]+(\/.*)?$/.test(text) || text.includes(':')) {
    const cidr = parseCidr(text);
    return typeof cidr === 'string' ? `${text} ${cidr}` : { kind: 'cidr', text, cidr };
  }
  const name = normalName(text);
  if (!HOST_NAME.test(name) || name.length > 253)
    return `${text} is neither a CIDR range nor a host name (such as flink.example.com or *.example.com)`;
  const wildcard = name.startsWith('*.');
  return { kind: 'host', text, name: wildcard ? name.slice(2) : name, wildcard };
}

function splitRules(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** What is wrong with each entry of a comma-separated list of rules; empty when all are fine. */
export function egressRulesProblems(text: string): string[] {
  return splitRules(text)
    .map(parseRule)
    .filter((rule): rule is string => typeof rule === 'string');
}

/**
 * The policy from the deployment's comma-separated lists (`FJC_EGRESS_ALLOW`, `FJC_EGRESS_DENY`):
 * CIDR ranges, single addresses, host names and `*.domain` wildcards.
 * @throws ConfigurationError naming the variable and each bad entry.
 */
export function egressPolicy(lists: { allow?: string; deny?: string }): EgressPolicy {
  const problems = [
    ...egressRulesProblems(lists.allow ?? '').map((p) => `${ALLOW_VARIABLE}: ${p}`),
    ...egressRulesProblems(lists.deny ?? '').map((p) => `${DENY_VARIABLE}: ${p}`),
  ];
  if (problems.length > 0)
    throw new ConfigurationError(`Invalid egress policy: ${problems.join('; ')}`, {
      remedy:
        'List CIDR ranges (10.0.0.0/8, fd00::/8), addresses or host names (flink.example.com, *.example.com), separated by commas.',
    });
  const rules = (text: string | undefined) => splitRules(text).map(parseRule) as EgressRule[];
  return { allow: rules(lists.allow), deny: rules(lists.deny) };
}
