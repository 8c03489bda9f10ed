/**
 * A Flink fleet stand-in for the benchmark: N clusters × M running jobs, each cluster a REST
 * server on its own port (fjc's cluster url is a base url, so separate ports are what a real
 * fleet looks like to it). It answers the calls reconcile and a per-job poller make — `GET
 * /config`, `GET /overview`, `GET /jobs/overview`, `GET /jobs/:id` — with bodies cloned from the
 * responses recorded from real Flink 2.3.0 (test/fixtures/flink/2.3.0), so every field real Flink
 * returns is there and the JSON is as large as Flink's. Anything else answers 404 the way Flink
 * answers an unknown route. It passes the reconcile part of the Flink contract
 * (test/support/flink-reconcile-contract.ts), checked by test/unit/bench/flink-fleet.test.ts.
 *
 * Job names and Flink job ids are derived from the cluster and job index, so the seeding of the
 * store (seed.ts) and the stand-in agree without talking to each other.
 */
import { FjcError } from '../../functions/commons/errors.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Options of {@link startFlinkFleet}. */
export interface FlinkFleetOptions {
  clusters: number;
  jobsPerCluster: number;
  /** Added before every answer, like a network round trip to a JobManager (default 0). */
  latencyMs?: number;
}

/** Requests a fleet answered, by route (`GET /jobs/overview`, `GET /jobs/:id`, …). */
export interface FleetCounts {
  total: number;
  byRoute: Record<string, number>;
  /** Requests per cluster index, to check "≤ 1 call per cluster". */
  maxPerCluster: number;
  /** Response bytes sent. */
  bytes: number;
}

/** A running fleet. */
export interface FlinkFleet {
  /** Base url of each cluster, by index. */
  urls: string[];
  counts(): FleetCounts;
  resetCounts(): void;
  stop(): Promise<void>;
}

const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test',
  'fixtures',
  'flink',
  '2.3.0',
);

/** The version the recorded bodies come from, and so the one the stand-in reports. */
export const FLEET_FLINK_VERSION = '2.3.0';

function fixture(name: string): Record<string, unknown> {
  const recorded = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as {
    body: Record<string, unknown>;
  };
  return recorded.body;
}

/** Name of cluster `index` (`fleet-007`). */
export function fleetClusterName(index: number): string {
  return `fleet-${String(index).padStart(3, '0')}`;
}

/** Name of job `job` of cluster `cluster` (`fleet-007-job-042`). */
export function fleetJobName(cluster: number, job: number): string {
  return `${fleetClusterName(cluster)}-job-${String(job).padStart(3, '0')}`;
}

/** The Flink job id (32 hex) the stand-in gives the job named `name`. */
export function fleetJobId(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 32);
}

interface Templates {
  config: Record<string, unknown>;
  overview: Record<string, unknown>;
  entry: Record<string, unknown>;
  detail: Record<string, unknown>;
  notFound: string[];
}

function templates(): Templates {
  const overviewEntries = fixture('jobs-overview-running').jobs as Record<string, unknown>[];
  const entry = overviewEntries[0];
  if (!entry)
    throw new FjcError('test/fixtures/flink/2.3.0/jobs-overview-running.json has no job', {
      remedy: 'Record the fixtures again: npx tsx scripts/flink/record-responses.ts.',
    });
  return {
    config: fixture('config'),
    overview: fixture('overview'),
    entry,
    detail: fixture('job-detail-running'),
    notFound: fixture('job-detail-not-found').errors as string[],
  };
}

interface Job {
  jid: string;
  name: string;
  startTime: number;
}

/** The overview entry of a running job, shaped exactly like the recorded one. */
function overviewEntry(template: Record<string, unknown>, job: Job, now: number): unknown {
  return {
    ...template,
    jid: job.jid,
    name: job.name,
    'start-time': job.startTime,
    duration: now - job.startTime,
    'last-modification': job.startTime + 1_000,
  };
}

function jobDetail(template: Record<string, unknown>, job: Job, now: number): unknown {
  const timestamps = template.timestamps as Record<string, number>;
  const plan = template.plan as Record<string, unknown>;
  return {
    ...template,
    jid: job.jid,
    'application-id': job.jid,
    name: job.name,
    'start-time': job.startTime,
    duration: now - job.startTime,
    now,
    timestamps: {
      ...timestamps,
      INITIALIZING: job.startTime,
      CREATED: job.startTime + 500,
      RUNNING: job.startTime + 1_000,
    },
    plan: { ...plan, jid: job.jid, name: job.name },
  };
}

function send(res: ServerResponse, status: number, body: unknown): number {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
  return Buffer.byteLength(text);
}

/**
 * Starts the fleet: one server per cluster on a free 127.0.0.1 port, each with `jobsPerCluster`
 * RUNNING jobs named by {@link fleetJobName} with ids from {@link fleetJobId}.
 */
export async function startFlinkFleet(options: FlinkFleetOptions): Promise<FlinkFleet> {
  const t = templates();
  const latencyMs = options.latencyMs ?? 0;
  const started = Date.now() - 3_600_000;
  let counts = { total: 0, bytes: 0, byRoute: {} as Record<string, number>, perCluster: [0] };
  const resetCounts = (): void => {
    counts = {
      total: 0,
      bytes: 0,
      byRoute: {},
      perCluster: new Array<number>(options.clusters).fill(0),
    };
  };
  resetCounts();

  const handler = (index: number, jobs: Map<string, Job>) => {
    const list = [...jobs.values()];
    const answer = (req: IncomingMessage, res: ServerResponse): void => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const now = Date.now();
      let route: string;
      let bytes: number;
      const jobMatch = /^\/jobs\/([0-9a-f]{32})$/.exec(path);
      if (req.method === 'GET' && path === '/config') {
        route = 'GET /config';
        bytes = send(res, 200, { ...t.config, 'flink-version': FLEET_FLINK_VERSION });
      } else if (req.method === 'GET' && path === '/overview') {
        route = 'GET /overview';
        bytes = send(res, 200, { ...t.overview, 'jobs-running': list.length });
      } else if (req.method === 'GET' && path === '/jobs/overview') {
        route = 'GET /jobs/overview';
        bytes = send(res, 200, { jobs: list.map((job) => overviewEntry(t.entry, job, now)) });
      } else if (req.method === 'GET' && jobMatch) {
        route = 'GET /jobs/:id';
        const jid = jobMatch[1] ?? '';
        const job = jobs.get(jid);
        bytes = job
          ? send(res, 200, jobDetail(t.detail, job, now))
          : send(res, 404, {
              errors: t.notFound.map((text) => text.replaceAll(/[0-9a-f]{32}/g, jid)),
            });
      } else {
        route = 'other';
        // Flink's answer to a route it does not have.
        bytes = send(res, 404, { errors: [`Not found: ${path}`] });
      }
      counts.total++;
      counts.bytes += bytes;
      counts.byRoute[route] = (counts.byRoute[route] ?? 0) + 1;
      counts.perCluster[index] = (counts.perCluster[index] ?? 0) + 1;
    };
    return (req: IncomingMessage, res: ServerResponse): void => {
      // The request body (none for GETs) is drained before answering, as a server must.
      req.resume();
      req.on('end', () => {
        if (latencyMs > 0)
          setTimeout(() => {
            answer(req, res);
          }, latencyMs);
        else answer(req, res);
      });
    };
  };

  const servers: Server[] = [];
  const urls: string[] = [];
  try {
    for (let c = 0; c < options.clusters; c++) {
      const jobs = new Map<string, Job>();
      for (let j = 0; j < options.jobsPerCluster; j++) {
        const name = fleetJobName(c, j);
        const jid = fleetJobId(name);
        jobs.set(jid, { jid, name, startTime: started + j * 1_000 });
      }
      const server = createServer(handler(c, jobs));
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      // As dynalite: keep-alive sockets stay open for the run instead of Node's 5 s default.
      server.keepAliveTimeout = 10 * 60_000;
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  } catch (error) {
    await Promise.all(servers.map((s) => closeServer(s)));
    throw error;
  }
  return {
    urls,
    counts: () => ({
      total: counts.total,
      bytes: counts.bytes,
      byRoute: { ...counts.byRoute },
      maxPerCluster: Math.max(0, ...counts.perCluster),
    }),
    resetCounts,
    stop: async () => {
      await Promise.all(servers.map((s) => closeServer(s)));
    },
  };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}
