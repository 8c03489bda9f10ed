/**
 * The socket side of the egress policy: an undici connector that checks where it is about to
 * connect before any byte leaves. An IP literal is checked as is; a host name is checked through
 * the `lookup` hook of the socket, on every address the resolver answers, on every new connection
 * (so a name that is rebound to the metadata endpoint after validation is still refused).
 */
import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { checkEgressConnection, type EgressPolicy } from '../commons/egress.js';
import { FlinkEgressRefusedError } from './errors.js';

/** Resolves a host name to all its addresses; injected by tests, the system resolver otherwise. */
export type ResolveHost = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The system resolver, as `net.connect` uses it. */
export const systemResolveHost: ResolveHost = (hostname) =>
  dns.lookup(hostname, { all: true, verbatim: true });

export interface EgressGuard {
  policy: EgressPolicy;
  resolveHost: ResolveHost;
  /**
   * When the client sends credentials: the origins they are bound to. A connection anywhere else
   * is refused, whatever URL the client was built with.
   */
  credentialOrigins: readonly string[] | undefined;
  /** The cluster's URL as shown in errors. */
  displayUrl: string;
}

type LookupCallback = Parameters<LookupFunction>[2];

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
}

/** Resolves, refuses unless every address is allowed, and answers in the form `net` asked for. */
function guardedLookup(guard: EgressGuard): LookupFunction {
  const answer = async (hostname: string, family: number): Promise<LookupAddress[]> => {
    const all = await guard.resolveHost(hostname);
    // A refused address among allowed ones refuses the name: the socket may pick any of them.
    for (const { address } of all) {
      const decision = checkEgressConnection(hostname, address, guard.policy);
      if (!decision.allowed) throw new FlinkEgressRefusedError(guard.displayUrl, decision.reason);
    }
    const usable = all.filter((entry) => family === 0 || entry.family === family);
    if (usable.length === 0) throw notFound(hostname);
    return usable;
  };
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    answer(hostname, family ?? 0).then(
      (addresses) => {
        const [first] = addresses as [LookupAddress];
        if (options.all === true) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => {
        callback(error as NodeJS.ErrnoException, '');
      },
    );
  };
}

const UNBOUND_REMEDY =
  'If the cluster really moved, add its new URL to the "urls" of its secret; otherwise restore its url.';

/** Why a connection to `options` must not be opened, found before resolving anything. */
function refusal(
  options: buildConnector.Options,
  guard: EgressGuard,
): FlinkEgressRefusedError | undefined {
  if (guard.credentialOrigins !== undefined) {
    const origin = new URL(`${options.protocol}//${options.host ?? options.hostname}`).origin;
    if (!guard.credentialOrigins.includes(origin))
      return new FlinkEgressRefusedError(
        guard.displayUrl,
        `the cluster's credentials are not bound to ${origin}`,
        UNBOUND_REMEDY,
      );
  }
  if (isIP(options.hostname) === 0) return undefined;
  const decision = checkEgressConnection(options.hostname, options.hostname, guard.policy);
  return decision.allowed
    ? undefined
    : new FlinkEgressRefusedError(guard.displayUrl, decision.reason);
}

/** An undici connector with the TLS settings `base` and the egress checks of `guard`. */
export function guardedConnector(
  base: buildConnector.BuildOptions,
  guard: EgressGuard,
): buildConnector.connector {
  const connect = buildConnector({ ...base, lookup: guardedLookup(guard) });
  return (options, callback) => {
    const refused = refusal(options, guard);
    if (refused) callback(refused, null);
    else connect(options, callback);
  };
}
