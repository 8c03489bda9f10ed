/**
 * The fjc REST API on a laptop: a node:http server on 127.0.0.1 serving the very same API core
 * as the Lambda. Identity comes from `Authorization: Bearer <token>`, mapped to a principal by a
 * token map (the local stand-in for IAM); the team directory decides the rest, exactly as in AWS.
 *
 * The local configuration file (see {@link loadLocalApiConfig}) holds both:
 *
 * ```json
 * {
 *   "tokens": { "dev-alice": "alice", "dev-root": "root" },
 *   "admins": ["root"],
 *   "teams": { "payments": ["alice"] }
 * }
 * ```
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createApi } from '../../functions/api/app.js';
import {
  MAX_BODY_BYTES,
  correlationIdOf,
  normalizeHeaders,
  serializeResponse,
  type ApiRequest,
  queryFrom,
  type QueryValue,
} from '../../functions/api/http.js';
import { MemoryIdempotencyStore } from '../../functions/api/idempotency.js';
import type { IdempotencyStore } from '../../functions/core/ports/index.js';
import { TokenBucketLimiter, type TokenBucketOptions } from '../../functions/api/rate-limit.js';
import type { ApiLogger, PreflightRunner } from '../../functions/api/router.js';
import {
  StaticTeamDirectory,
  teamDirectoryConfigSchema,
  type TeamDirectory,
} from '../../functions/api/team-directory.js';
import { ConfigurationError } from '../../functions/commons/errors.js';
import { createObservability } from '../../functions/commons/observability.js';
import type {
  CheckpointStorage,
  JobStore,
  ReconcileTrigger,
} from '../../functions/core/ports/index.js';
import type { TeamQuotas } from '../../functions/core/apply/team-quota.js';
import type { ClusterProber } from '../../functions/core/ports/cluster-prober.js';

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  store: JobStore;
  teams: TeamDirectory;
  /** Per-team quotas; default: those of `teams` when it is a {@link StaticTeamDirectory}. */
  quotas?: TeamQuotas;
  /**
   * Bearer token → principal. When absent, the token IS the principal name (`Bearer alice` is
   * alice): convenient on a laptop, and the server only listens on 127.0.0.1.
   */
  tokens?: Readonly<Record<string, string>>;
  /** 0 or absent: a free port. */
  port?: number;
  /** Default: in memory. */
  idempotency?: IdempotencyStore;
  /** Per-caller throttling; off by default. */
  rateLimit?: TokenBucketOptions;
  /** Default: the Powertools logger of an `api` function. */
  logger?: ApiLogger;
  clock?: () => Date;
  /** The event path: a targeted reconcile of each job a request changed (the local runtime's). */
  reconcile?: ReconcileTrigger;
  /** `POST /v1/plan?preflight=true` against the local runtime's clusters. */
  preflight?: PreflightRunner;
  /** Savepoint storage, to check a registered savepoint's `_metadata`. */
  checkpoints?: CheckpointStorage;
  /** `POST /v1/clusters/probe`: the local runtime's probe (LocalRuntime.prober). */
  probe?: ClusterProber;
}

/** A running local API. */
export interface ApiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

const localConfigSchema = teamDirectoryConfigSchema.extend({
  tokens: z.record(z.string().min(16), z.string().min(1)).default({}),
});

/**
 * Reads the local API configuration file: `tokens` (token → principal, tokens of at least 16
 * characters), `admins` and `teams` (the team directory, as in AWS).
 */
export async function loadLocalApiConfig(
  path: string,
): Promise<{ teams: TeamDirectory; tokens: Record<string, string> }> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`Cannot read the API configuration ${path}`, {
      cause: error,
      remedy: 'Write it as JSON with "tokens", "admins" and "teams".',
    });
  }
  const parsed = localConfigSchema.safeParse(value);
  if (!parsed.success)
    throw new ConfigurationError(
      `Invalid API configuration ${path}: ${parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  const { tokens, ...directory } = parsed.data;
  return { teams: new StaticTeamDirectory(directory), tokens };
}

function principalOf(
  header: string | undefined,
  tokens: Readonly<Record<string, string>> | undefined,
): string | undefined {
  const token = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header ?? '')?.[1];
  if (token === undefined) return undefined;
  if (tokens === undefined) return token;
  return Object.hasOwn(tokens, token) ? tokens[token] : undefined;
}

/** Reads the body; stops keeping bytes beyond the limit but drains them, to answer 413 cleanly. */
async function readBody(
  request: IncomingMessage,
): Promise<{ raw: Buffer; text: string; bytes: number }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
    // A client streaming far beyond the limit is cut off rather than read to the end.
    else if (bytes > 8 * MAX_BODY_BYTES) break;
  }
  const raw = Buffer.concat(chunks);
  return { raw, text: raw.toString('utf8'), bytes };
}

function queryOf(url: URL): Record<string, QueryValue> {
  return queryFrom(
    [...new Set(url.searchParams.keys())].map((name) => {
      const values = url.searchParams.getAll(name);
      return [name, values.length === 1 ? (values[0] ?? '') : values] as const;
    }),
  );
}

function quotasOf(options: ApiServerOptions): { quotas?: TeamQuotas } {
  const quotas =
    options.quotas ??
    (options.teams instanceof StaticTeamDirectory ? options.teams.quotas : undefined);
  return quotas === undefined ? {} : { quotas };
}

/** Starts the local API server on 127.0.0.1. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const api = createApi({
    store: options.store,
    teams: options.teams,
    idempotency: options.idempotency ?? new MemoryIdempotencyStore(),
    logger: options.logger ?? createObservability('api').logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...quotasOf(options),
    ...(options.reconcile === undefined ? {} : { reconcile: options.reconcile }),
    ...(options.preflight === undefined ? {} : { preflight: options.preflight }),
    ...(options.checkpoints === undefined ? {} : { checkpoints: options.checkpoints }),
    ...(options.probe === undefined ? {} : { probe: options.probe }),
    ...(options.rateLimit === undefined
      ? {}
      : { rateLimiter: new TokenBucketLimiter(options.rateLimit) }),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = normalizeHeaders(req.headers);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const request: ApiRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: queryOf(url),
      headers,
      body: body.bytes === 0 ? undefined : body.text,
      ...(body.bytes === 0 ? {} : { rawBody: body.raw }),
      bodyBytes: body.bytes,
      principal: principalOf(headers.authorization, options.tokens),
      correlationId: correlationIdOf(headers, randomUUID()),
    };
    const out = serializeResponse(await api(request));
    res.writeHead(out.status, out.headers);
    res.end(out.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // createApi never throws; this guards the transport itself (e.g. a reset socket).
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        '{"error":{"code":"INTERNAL","message":"An internal error occurred","correlationId":"none"}}',
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
      });
    },
  };
}
