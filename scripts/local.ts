/**
 * `npm run local`: the whole of fjc on this machine. It starts a real Flink session cluster (or
 * uses FJC_FLINK_URL), builds the example job, starts the control plane (dynalite keeping its
 * data under .local/, the synthesized state machine, the real handlers), applies the specs in
 * examples/specs that changed since they were last applied (an edit is applied when it is saved
 * and its jobs are reconciled at once; a restart does not revert changes made through the API),
 * reconciles every few seconds as the safety net
 * and shows a live status table. Ctrl-C suspends running jobs with a savepoint (bounded wait),
 * then stops everything, Flink included; the next start resumes them from that savepoint.
 */
import { randomBytes } from 'node:crypto';
import { watch } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { StaticTeamDirectory } from '../functions/api/team-directory.js';
import { lambdaEnvironmentSchema } from '../functions/commons/env.js';
import { join } from 'node:path';
import type { SpecDocument } from '../functions/core/spec/index.js';
import { previewPreflight } from '../functions/core/operations/preflight.js';
import { startFlinkCluster, type FlinkClusterHandle } from './flink/cluster.js';
import { startSqlGateway } from './flink/sql-gateway.js';
import { buildExampleJar, exampleJobDir } from './flink/example-jar.js';
import { log, repoRoot } from './flink/paths.js';
import { startApiServer } from './local/api-server.js';
import { startLocalRuntime } from './local/local-runtime.js';
import { SpecFolder, type SpecFileOutcome } from './local/spec-files.js';
import { suspendRunningJobs } from './local/suspend-on-stop.js';
import { nodeSupportNote } from './local/node-support.js';
import { renderStatusTable } from './local/status-table.js';

// Metrics are for CloudWatch; locally they would only scramble the status table.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
// The AWS SDK's Node-version warning is nine lines in the middle of the start-up; the start-up
// says the same in one line (nodeSupportNote).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const localDir = join(repoRoot, '.local');
const specsDir = process.env.FJC_SPECS_DIR ?? join(repoRoot, 'examples', 'specs');
const intervalMs = Number(process.env.FJC_RECONCILE_INTERVAL_SECONDS ?? '5') * 1000;
/** How long Ctrl-C waits for running jobs to be suspended before stopping Flink anyway. */
const suspendTimeoutMs = Number(process.env.FJC_SUSPEND_ON_STOP_SECONDS ?? '60') * 1000;

/**
 * The local API's bearer token, kept across restarts in .local/api.json (where `fjc` finds the
 * endpoint and token); the only principal is a local admin.
 */
async function localToken(): Promise<string> {
  try {
    const saved = JSON.parse(await readFile(join(localDir, 'api.json'), 'utf8')) as {
      token?: unknown;
    };
    if (typeof saved.token === 'string' && saved.token.length >= 32) return saved.token;
  } catch {
    // First run: make one.
  }
  return randomBytes(24).toString('hex');
}

/** A running piece of the local stack, stopped in reverse order of starting. */
interface Service {
  name: string;
  stop(): Promise<void>;
}

/**
 * The Flink to use: FJC_FLINK_URL when set (with FJC_SQL_GATEWAY_URL, its SQL Gateway, if any),
 * else a cluster of our own under .local/flink with a SQL Gateway in front of it.
 */
async function startFlink(
  services: Service[],
): Promise<{ url: string; version: string; savepointDir?: string; sqlGatewayUrl?: string }> {
  const external = process.env.FJC_FLINK_URL?.trim().replace(/\/+$/, '');
  if (external !== undefined && external !== '') {
    const response = await fetch(`${external}/config`);
    const config = (await response.json()) as { 'flink-version'?: string };
    const gateway = process.env.FJC_SQL_GATEWAY_URL?.trim().replace(/\/+$/, '');
    return {
      url: external,
      version: config['flink-version'] ?? '',
      ...(gateway === undefined || gateway === '' ? {} : { sqlGatewayUrl: gateway }),
    };
  }
  // Python-capable, for the PyFlink example (its Python environment is installed once).
  const cluster: FlinkClusterHandle = await startFlinkCluster({
    workDir: join(localDir, 'flink'),
    python: true,
  });
  services.push({ name: 'Flink', stop: () => cluster.stop() });
  // Pushed after Flink, so stopped before it (services stop in reverse).
  const gateway = await startSqlGateway(cluster);
  services.push({ name: 'SQL Gateway', stop: () => gateway.stop() });
  return {
    url: cluster.url,
    version: cluster.version,
    savepointDir: cluster.savepointDir,
    sqlGatewayUrl: gateway.url,
  };
}

async function stopAll(services: Service[]): Promise<void> {
  for (const service of services.reverse()) {
    log(`stopping ${service.name}`);
    await service.stop();
  }
}

function describe(outcomes: readonly SpecFileOutcome[]): string[] {
  return outcomes.flatMap((o) =>
    o.status === 'rejected'
      ? [`spec ${o.file} rejected:`, ...o.problems.map((p) => `  - ${p}`)]
      : o.status === 'applied'
        ? [
            `spec ${o.file} applied (${[...o.result.clusters, ...o.result.jobs].filter((d) => d.changed).length} changed)`,
          ]
        : [],
  );
}

async function main(): Promise<void> {
  const note = nodeSupportNote(process.version);
  if (note !== undefined) console.log(note);
  await mkdir(localDir, { recursive: true });
  const services: Service[] = [];
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  // Set once the control plane runs: suspends running jobs with a savepoint before Flink stops.
  const onStop: { suspendJobs?: () => Promise<void> } = {};
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    void (async () => {
      await onStop.suspendJobs?.().catch((error: unknown) => {
        log(`suspending jobs failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      await stopAll(services);
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  // Registered first, so a Ctrl-C during start-up also stops what has started so far.
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  const flink = await startFlink(services);
  // The example spec names the jar where `mvn package` would put it.
  const jar = await buildExampleJar(flink.version);
  await mkdir(join(exampleJobDir, 'target'), { recursive: true });
  await copyFile(jar, join(exampleJobDir, 'target', 'stateful-counter.jar'));

  const runtime = await startLocalRuntime({
    dataDir: join(localDir, 'dynamodb'),
    baseDir: repoRoot,
    // Kept across restarts: a restart resumes its own operations left in flight at once.
    workerIdFile: join(localDir, 'worker-id'),
    leaseTtlMs:
      lambdaEnvironmentSchema.shape.FJC_LEASE_TTL_SECONDS.parse(process.env.FJC_LEASE_TTL_SECONDS) *
      1000,
  });
  services.push({
    name: 'control plane',
    stop: async () => {
      runtime.stateMachine.abortAll();
      await runtime.stop();
    },
  });
  onStop.suspendJobs = async () => {
    log(`suspending running jobs with a savepoint (at most ${suspendTimeoutMs / 1000}s)`);
    const report = await suspendRunningJobs(runtime, { timeoutMs: suspendTimeoutMs });
    for (const name of report.suspended) log(`${name}: suspended; resumes on the next start`);
    for (const { jobName, reason } of report.left) log(`${jobName}: not suspended: ${reason}`);
  };
  // The cluster named `local` is this machine's Flink, wherever it was started.
  const pointAtLocalFlink = (doc: SpecDocument): SpecDocument =>
    doc.kind === 'FlinkCluster' && doc.metadata.name === 'local'
      ? {
          ...doc,
          spec: {
            ...doc.spec,
            url: flink.url,
            ...(flink.savepointDir
              ? { defaultSavepointDirectory: `file://${flink.savepointDir}` }
              : {}),
            ...(flink.sqlGatewayUrl === undefined
              ? {}
              : { sqlGateway: { url: flink.sqlGatewayUrl, auth: { type: 'none' as const } } }),
          },
        }
      : doc;
  // Only files edited since they were last applied are applied: a restart never reverts what
  // was changed through the API or the CLI meanwhile.
  const freshStore = (await runtime.store.listClusters({ limit: 1 })).items.length === 0;
  const specs = new SpecFolder(
    specsDir,
    async (text, file) => {
      const result = await runtime.apply(text, file, pointAtLocalFlink);
      // The event path, as in AWS: the changed jobs are reconciled now, not at the next cycle.
      await runtime.trigger.requestReconcile(
        result.jobs.filter((job) => job.created || job.changed).map((job) => job.name),
      );
      return result;
    },
    repoRoot,
    {
      digestsFile: join(localDir, 'spec-digests.json'),
      forgetApplied: freshStore,
      // A cluster file is rewritten to this run's Flink, whose URL may differ from the last.
      fingerprint: (text) =>
        text.includes('kind: FlinkCluster')
          ? `${text}\0${flink.url}\0${flink.savepointDir ?? ''}\0${flink.sqlGatewayUrl ?? ''}`
          : text,
    },
  );

  const token = await localToken();
  const api = await startApiServer({
    store: runtime.store,
    teams: new StaticTeamDirectory({ admins: ['local-admin'] }),
    tokens: { [token]: 'local-admin' },
    port: Number(process.env.FJC_API_PORT ?? '0'),
    reconcile: runtime.trigger,
    preflight: (job, record) => previewPreflight(runtime.context, job, record),
    checkpoints: runtime.context.checkpoints,
    probe: runtime.prober,
  });
  services.push({ name: 'API', stop: () => api.stop() });
  await writeFile(join(localDir, 'api.json'), JSON.stringify({ url: api.url, token }, null, 2), {
    mode: 0o600,
  });

  console.log(`Flink: ${flink.url}`);
  if (flink.sqlGatewayUrl !== undefined) console.log(`SQL Gateway: ${flink.sqlGatewayUrl}`);
  console.log(`API: ${api.url}`);
  log('the fjc CLI finds the local API and its admin token in .local/api.json: try `npx fjc get`');
  log(`specs from ${specsDir}; reconciling every ${intervalMs / 1000}s; press Ctrl-C to stop`);

  // One sync at a time, whether the cycle or an edit asks: both read and write the digests.
  let syncing: Promise<SpecFileOutcome[]> = Promise.resolve([]);
  const syncSpecs = (): Promise<SpecFileOutcome[]> =>
    (syncing = syncing.catch(() => []).then(() => specs.sync()));
  // An edited spec is applied when it is saved (and its jobs reconciled at once, see above),
  // not at the next cycle; editors write in bursts, so a short pause gathers them.
  let editTimer: NodeJS.Timeout | undefined;
  const watcher = watch(specsDir, () => {
    clearTimeout(editTimer);
    editTimer = setTimeout(() => {
      void syncSpecs().then(
        (outcomes) => {
          for (const m of describe(outcomes)) log(m);
        },
        (error: unknown) => {
          log(`applying specs failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
    }, 100);
  });
  services.push({
    name: 'spec watcher',
    stop: () => {
      clearTimeout(editTimer);
      watcher.close();
      return Promise.resolve();
    },
  });

  let lastView = '';
  const cycle = async (): Promise<void> => {
    const messages = describe(
      (await syncSpecs()).filter((o) => !o.file.endsWith('local-cluster.yaml')),
    );
    const report = await runtime.reconcileOnce();
    for (const action of report.planned.filter((a) => a.kind !== 'none'))
      messages.push(`${action.jobName}: ${action.kind} (${action.reason})`);
    const jobs = (await runtime.store.listJobs({ limit: 1000 })).items;
    // Reprinted when something changed, not because "5s ago" became "10s ago".
    const state = JSON.stringify(jobs.map((j) => [j.name, j.version]));
    for (const m of messages) log(m);
    if (state !== lastView || messages.length > 0) {
      console.log(
        `\n${new Date().toISOString()}\n${renderStatusTable(jobs, new Date(), process.stdout.columns || 120)}\n`,
      );
      lastView = state;
    }
  };
  const loop = (): void => {
    if (stopping) return;
    cycle().then(
      () => (timer = setTimeout(loop, intervalMs)),
      (error: unknown) => {
        log(`reconcile failed: ${error instanceof Error ? error.message : String(error)}`);
        timer = setTimeout(loop, intervalMs);
      },
    );
  };
  loop();
}

await main();
