/**
 * Routes: the table that maps a method and a path template (`/v1/jobs/{name}`) to a handler, plus
 * what the OpenAPI document says about it. One table serves dispatch and documentation, so the
 * document cannot list a route that does not exist or miss one that does.
 */
import type { z } from 'zod';
import type { CheckpointStorage, JobStore, ReconcileTrigger } from '../core/ports/index.js';
import type { AccessRequest, AuditLog, Caller, Principal } from '../core/authorization.js';
import { HttpError } from './errors.js';
import type { ApiRequest, ApiResponse } from './http.js';
import type { IdempotencyStore } from '../core/ports/index.js';
import type { TeamDirectory } from './team-directory.js';
import type { JobRecord } from '../core/model/index.js';
import type { PreflightResult } from '../core/plan/preflight.js';
import type { FlinkJob } from '../core/spec/index.js';

/**
 * Runs a job's upgrade pre-flight against its cluster (core/operations/preflight.ts,
 * `previewPreflight`): the composition root binds it to the clusters and artifacts.
 */
export type PreflightRunner = (
  job: FlinkJob,
  record: JobRecord | undefined,
) => Promise<PreflightResult>;
import type { TeamQuotas } from '../core/apply/team-quota.js';
import type { ClusterProber } from '../core/ports/cluster-prober.js';

/** HTTP methods the API serves. */
export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** Where the API logs: the Powertools logger in practice. */
export interface ApiLogger extends AuditLog {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What the API core needs. */
export interface ApiDeps {
  store: JobStore;
  teams: TeamDirectory;
  idempotency: IdempotencyStore;
  logger: ApiLogger;
  /**
   * The event path: told about each job whose desired state a request changed, after the write,
   * for a targeted reconcile. Absent: the scheduled cycle alone picks changes up.
   */
  reconcile?: ReconcileTrigger;
  /** Source of time (tests move it). */
  clock?: () => Date;
  /**
   * `POST /v1/plan?preflight=true`: absent where the API cannot reach the clusters, and the
   * plan then says the pre-flight is not available here.
   */
  preflight?: PreflightRunner;
  /** Per-team quotas (the team directory's `quotas`); absent: none. */
  quotas?: TeamQuotas;
  /**
   * Savepoint storage the API may read to check a registered savepoint's `_metadata`. Absent:
   * registration takes the path as given (the restore checks it before anything stops).
   */
  checkpoints?: CheckpointStorage;
  /**
   * `POST /v1/clusters/probe`: asks the reconcile function (AWS) or the local runtime to probe
   * clusters. Absent: the route answers 503, saying why.
   */
  probe?: ClusterProber;
}

/** Everything a route handler gets. */
export interface RouteContext {
  request: ApiRequest;
  /** Path parameters, percent-decoded (not yet validated). */
  params: Readonly<Record<string, string>>;
  principal: Principal;
  /** The principal as the core use cases take it: with its actor, audit log and correlation id. */
  caller: Caller;
  deps: ApiDeps;
  now: () => Date;
  /** Decides an access, audits it, and throws 403 when it is denied. */
  authorize(access: AccessRequest): void;
}

/** Request bodies the OpenAPI document describes, by component name. */
export type BodyComponent =
  'FlinkJob' | 'FlinkCluster' | 'SpecFile' | 'ActionBody' | 'RegisterSavepointBody';

/** Documentation of a route, turned into the OpenAPI document. */
export interface RouteDoc {
  summary: string;
  description?: string;
  tags: readonly string[];
  query?: z.ZodObject;
  body?: { component: BodyComponent; yaml: boolean; required: boolean };
  /** Success responses by status. */
  responses: Readonly<Record<number, { description: string; schema?: z.ZodType; etag?: boolean }>>;
  /** Error statuses the route may answer with (besides 401, 429 and 5xx, which all may). */
  errors: readonly number[];
  /** Honours If-Match (and If-None-Match, when `create`). */
  conditional?: 'match' | 'match-or-create';
  /** Accepts an Idempotency-Key. */
  idempotent?: boolean;
}

/** One route. */
export interface Route {
  method: Method;
  /** Template with `{param}` segments, e.g. `/v1/jobs/{name}/history`. */
  path: string;
  operationId: string;
  doc: RouteDoc;
  handle(context: RouteContext): Promise<ApiResponse>;
}

/** The route a request matched, with its path parameters. */
export interface Match {
  route: Route;
  params: Record<string, string>;
}

function segments(path: string): string[] {
  return path.split('/').slice(1);
}

/**
 * Finds the route of a request: 404 for an unknown path, 405 (with `allow`) for a known path and
 * another method, 400 for a path segment that is not valid percent-encoding.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): Match {
  const parts = segments(path);
  const allowed: string[] = [];
  for (const route of routes) {
    const template = segments(route.path);
    if (template.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = template.every((part, index) => {
      const actual = parts[index] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        if (actual === '') return false;
        params[part.slice(1, -1)] = actual;
        return true;
      }
      return part === actual;
    });
    if (!matches) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    for (const [name, raw] of Object.entries(params)) {
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        throw new HttpError(400, 'VALIDATION_FAILED', 'The path is not valid', {
          issues: [{ path: name, message: 'is not valid percent-encoding' }],
        });
      }
    }
    return { route, params };
  }
  if (allowed.length > 0)
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method.slice(0, 10)} is not allowed here`, {
      remedy: `Use ${allowed.join(', ')}.`,
      headers: { allow: allowed.join(', ') },
    });
  throw new HttpError(404, 'NOT_FOUND', 'No such route', {
    remedy: 'See GET /v1/openapi.json for the routes of this API.',
  });
}
