/**
 * A fault-injecting HTTP proxy for tests: it sits between fjc and a real Flink on 127.0.0.1,
 * forwards every call unchanged, and per route (method + path pattern) injects what a network
 * and a struggling JobManager do to a controller:
 *
 * - `status`: answers with an HTTP status (e.g. 500) and a Flink-style error body; not forwarded;
 * - `reset`: resets the connection without answering; not forwarded;
 * - `lose-answer`: forwards the call, lets Flink act on it, then drops the answer (resets the
 *   connection, or with `hang` keeps it open without a word): the caller cannot know the outcome;
 * - `latency`: holds the call for a while, then forwards it;
 * - `blackhole`: accepts the call and never answers; not forwarded.
 *
 * Every call is counted per route (ids normalized: `GET /jobs/:id/savepoints/:id`), with how
 * many were forwarded and how many faulted. Everything injected is bounded: `close()` ends every
 * held call, timer and connection. Plain node:http, no dependencies; loopback only.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ConfigurationError } from '../../functions/commons/errors.js';

/** What to do to a matching call. */
export type Fault =
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'reset' }
  | { kind: 'lose-answer'; hang?: boolean }
  | { kind: 'latency'; ms: number }
  | { kind: 'blackhole' };

/** Which calls a rule applies to, and how many of them. */
export interface FaultRule {
  /** HTTP method; any when left out. */
  method?: string;
  /** Matched against the path without the query: a RegExp, or a route as {@link routeOf} names it. */
  path: RegExp | string;
  fault: Fault;
  /** Matching calls let through untouched before the rule applies (default 0). */
  skip?: number;
  /** How many calls the rule applies to (default: every one). */
  times?: number;
  /** The rule applies for this long after it is added, then lets calls through (default: always). */
  forMs?: number;
}

/** A rule in force. */
export interface InjectedRule {
  readonly rule: FaultRule;
  /** Matching calls seen, skipped ones included. */
  readonly seen: number;
  /** Calls the fault was applied to. */
  readonly hits: number;
  /** Takes the rule out; calls held by it (blackhole, hang) stay held until the proxy closes. */
  remove(): void;
}

/** Counters of one route. */
export interface RouteStats {
  calls: number;
  forwarded: number;
  faulted: number;
}

/** One call as the proxy saw it (the newest 1000 are kept). */
export interface ProxiedCall {
  method: string;
  path: string;
  route: string;
  /** The fault applied, or `forwarded`, or `upstream-error` when Flink could not be reached. */
  outcome: Fault['kind'] | 'forwarded' | 'upstream-error';
  /** Status Flink (or the fault) answered with, when an answer was given. */
  status?: number;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** The Flink REST URL to forward to, on loopback: `http://127.0.0.1:PORT`. */
  target: string;
  /** The clock of `forMs` (tests move it). */
  now?: () => number;
}

/** A running proxy. */
export interface FaultProxy {
  /** Where fjc should send its calls: `http://127.0.0.1:PORT`. */
  readonly url: string;
  inject(rule: FaultRule): InjectedRule;
  /** Takes every rule out. */
  clear(): void;
  /** Counters per route, e.g. `stats()['POST /jars/:jar/run']`. */
  stats(): Record<string, RouteStats>;
  /** Calls received on one route (0 when none). */
  count(route: string): number;
  /** The newest calls, oldest first. */
  readonly calls: readonly ProxiedCall[];
  /** Stops accepting calls and ends every held call, timer and connection. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const KEPT_CALLS = 1000;

/**
 * The route of a path, ids normalized: 32-hex ids become `:id`, a jar id `:jar`, so that calls
 * about different jobs count under one route.
 */
export function routeOf(method: string, path: string): string {
  const normalized = path
    .split('?')[0]
    ?.replace(/\/jars\/(?!upload(?:\/|$))[^/]+/, '/jars/:jar')
    .replace(/(?<=\/)[0-9a-f]{32}(?=\/|$)/g, ':id');
  return `${method.toUpperCase()} ${normalized ?? path}`;
}

function flinkErrorBody(status: number): unknown {
  // Flink's own shape, so the client reads it like a real refusal or fault.
  return { errors: [status >= 500 ? 'Internal server error.' : `Injected HTTP ${String(status)}`] };
}

function resetSocket(socket: Socket): void {
  // An RST, as a dropped connection looks to the caller; plain destroy() where not available.
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

/**
 * Starts a proxy on 127.0.0.1 (a free port chosen by the kernel) in front of `target`.
 *
 * @throws ConfigurationError when the target is not an http URL on loopback.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let target: URL;
  try {
    target = new URL(options.target);
  } catch (error) {
    throw new ConfigurationError(`fault proxy target is not a URL: ${options.target}`, {
      cause: error,
      remedy: 'Give the Flink REST URL, e.g. http://127.0.0.1:8081.',
    });
  }
  if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname))
    throw new ConfigurationError(
      `fault proxy target must be http on loopback, not ${target.origin}`,
      {
        remedy: 'Run the Flink under test on 127.0.0.1; the proxy never forwards off this machine.',
      },
    );
  const now = options.now ?? Date.now;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const rules: { rule: FaultRule; addedAt: number; seen: number; hits: number }[] = [];
  const stats = new Map<string, RouteStats>();
  const calls: ProxiedCall[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const statsOf = (route: string): RouteStats => {
    let entry = stats.get(route);
    if (!entry) {
      entry = { calls: 0, forwarded: 0, faulted: 0 };
      stats.set(route, entry);
    }
    return entry;
  };
  const record = (call: ProxiedCall): void => {
    calls.push(call);
    if (calls.length > KEPT_CALLS) calls.shift();
  };
  const matches = (rule: FaultRule, method: string, path: string, route: string): boolean =>
    (rule.method === undefined || rule.method.toUpperCase() === method) &&
    (typeof rule.path === 'string'
      ? rule.path === route.slice(route.indexOf(' ') + 1)
      : rule.path.test(path));

  /** The fault of the first rule in force that matches, counting the call on every match. */
  const faultFor = (method: string, path: string, route: string): Fault | undefined => {
    for (const entry of rules) {
      const { rule } = entry;
      if (!matches(rule, method, path, route)) continue;
      if (rule.forMs !== undefined && now() - entry.addedAt >= rule.forMs) continue;
      if (rule.times !== undefined && entry.hits >= rule.times) continue;
      entry.seen += 1;
      if (entry.seen <= (rule.skip ?? 0)) continue;
      entry.hits += 1;
      return rule.fault;
    }
    return undefined;
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    call: ProxiedCall,
    lose?: { hang: boolean },
  ): void => {
    const upstream = httpRequest(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port === '' ? 80 : Number(target.port),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (answer) => {
        call.status = answer.statusCode;
        if (lose) {
          // Flink acted and answered; the caller never hears it.
          answer.resume();
          // With `hang` the connection stays open, silent, until the caller or close() ends it.
          answer.once('end', () => {
            if (!lose.hang) resetSocket(req.socket);
          });
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      // Flink unreachable: the caller sees what it would see without the proxy, a dead connection.
      call.outcome = 'upstream-error';
      resetSocket(req.socket);
    });
    req.pipe(upstream);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const route = routeOf(method, path);
    const counters = statsOf(route);
    counters.calls += 1;
    const fault = faultFor(method, path, route);
    const call: ProxiedCall = { method, path, route, outcome: fault?.kind ?? 'forwarded' };
    record(call);
    if (fault === undefined || fault.kind === 'latency' || fault.kind === 'lose-answer')
      counters.forwarded += 1;
    if (fault !== undefined) counters.faulted += 1;
    switch (fault?.kind) {
      case undefined:
        forward(req, res, call);
        return;
      case 'status': {
        req.resume();
        call.status = fault.status;
        const body = JSON.stringify(fault.body ?? flinkErrorBody(fault.status));
        res.writeHead(fault.status, { 'content-type': 'application/json' });
        res.end(body);
        return;
      }
      case 'reset':
        req.resume();
        resetSocket(req.socket);
        return;
      case 'lose-answer':
        forward(req, res, call, { hang: fault.hang === true });
        return;
      case 'latency': {
        // The body waits in the socket meanwhile; it is piped on once the delay is over.
        req.pause();
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!closed) forward(req, res, call);
        }, fault.ms);
        timers.add(timer);
        return;
      }
      case 'blackhole':
        // Read and never answered: the connection stays open until the caller or close() ends it.
        req.resume();
        return;
    }
  };

  const server: Server = createServer(handle);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${String(port)}`,
    calls,
    inject(rule) {
      const entry = { rule, addedAt: now(), seen: 0, hits: 0 };
      rules.push(entry);
      return {
        rule,
        get seen() {
          return entry.seen;
        },
        get hits() {
          return entry.hits;
        },
        remove() {
          const index = rules.indexOf(entry);
          if (index >= 0) rules.splice(index, 1);
        },
      };
    },
    clear() {
      rules.length = 0;
    },
    stats() {
      return Object.fromEntries([...stats].map(([route, s]) => [route, { ...s }]));
    },
    count(route) {
      return stats.get(route)?.calls ?? 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const stopped = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      // Held calls (blackhole, hang, latency) included: every connection ends here.
      server.closeAllConnections();
      agent.destroy();
      await stopped;
    },
  };
}
