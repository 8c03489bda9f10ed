/**
 * The Flink SQL Gateway next to a local session cluster (see cluster.ts). The PyPI distribution
 * ships `bin/sql-gateway.sh` but not its jar, so the jar comes from Maven Central
 * (`org.apache.flink:flink-sql-gateway:<version>`), checked against Maven Central's `.sha1` and
 * installed atomically into the distribution's `opt/`, where `bin/config.sh`'s
 * `findSqlGatewayJar` looks for it. The gateway then runs as a foreground JVM on loopback and a
 * port the kernel chooses, pointed at the cluster's REST endpoint.
 *
 * Run as a CLI: `tsx scripts/flink/sql-gateway.ts` starts a cluster with a gateway and stops
 * both on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, FjcError } from '../../functions/commons/errors.js';
import { exists, writeFileAtomically } from './cache-install.js';
import { startFlinkCluster, type FlinkClusterHandle } from './cluster.js';
import { log } from './paths.js';

const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2/org/apache/flink/flink-sql-gateway';
const GRACE_MS = 10_000;
const GATEWAY_BOUND = /Rest endpoint listening at [^\s:]+:(\d+)/;

/** The gateway jar's name for `version`, as `findSqlGatewayJar` expects it in `opt/`. */
export function sqlGatewayJarName(version: string): string {
  return `flink-sql-gateway-${version}.jar`;
}

async function download(url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    throw new ConfigurationError(`could not download ${url}`, {
      cause: error,
      remedy: 'Check the network path to Maven Central (repo1.maven.org), or retry.',
    });
  }
  if (!response.ok) {
    throw new ConfigurationError(`${url} answered HTTP ${String(response.status)}`, {
      remedy:
        'Maven Central has no flink-sql-gateway jar for this version: pick a released one (e.g. 2.3.0 or 1.20.3).',
    });
  }
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Puts the SQL Gateway jar of `version` into `<home>/opt/` unless it is there: downloaded from
 * Maven Central, its SHA-1 compared with Maven Central's, written under a temporary name that
 * `findSqlGatewayJar` does not match and renamed into place, so a half-written jar is never used
 * and two processes installing at once both end with one complete jar.
 *
 * @returns the jar's path.
 * @throws ConfigurationError when the download fails or its digest does not match.
 */
export async function installSqlGateway(home: string, version: string): Promise<string> {
  const optDir = join(home, 'opt');
  const jar = join(optDir, sqlGatewayJarName(version));
  if (await exists(jar)) return jar;
  const started = Date.now();
  const url = `${MAVEN_CENTRAL}/${version}/${sqlGatewayJarName(version)}`;
  log(`downloading the Flink SQL Gateway ${version} from Maven Central (about 1 MB, once)`);
  const [bytes, sha1Text] = await Promise.all([download(url), download(`${url}.sha1`)]);
  const expected = sha1Text.toString('utf8').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const actual = createHash('sha1').update(bytes).digest('hex');
  if (expected !== actual) {
    throw new ConfigurationError(
      `the SQL Gateway jar from ${url} has SHA-1 ${actual}, Maven Central lists ${expected}`,
      {
        remedy:
          'Retry the download; if it persists, something between here and Maven Central alters it.',
      },
    );
  }
  // A dot name: `find opt -name 'flink-sql-gateway*.jar'` never sees it half written.
  await writeFileAtomically(jar, bytes, 'sql-gateway');
  log(
    `installed the SQL Gateway ${version} (${String(bytes.length)} bytes) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return jar;
}

/** A running SQL Gateway. */
export interface SqlGatewayHandle {
  /** REST base URL, `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** The console log (stdout and stderr of the JVM; log4j writes its file next to it). */
  readonly logFile: string;
  /** Stops the JVM (SIGTERM, SIGKILL after a grace period) and waits until it exits. */
  stop(): Promise<void>;
}

/** Options of {@link startSqlGateway}. */
export interface SqlGatewayOptions {
  /** How long to wait for the endpoint to answer (default 120 000 ms). */
  startTimeoutMs?: number;
}

function readFrom(path: string, offset: number): string {
  try {
    return readFileSync(path).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Installs (if needed) and starts a SQL Gateway for `cluster`: loopback, a port chosen at bind
 * time (read back from its log, as cluster.ts does for the JobManager), submitting to the
 * cluster's REST endpoint. Uses the cluster's conf dir, so jobs get its checkpoint and savepoint
 * folders. Waits until `GET /v1/info` answers.
 *
 * @throws FjcError when the gateway exits early or does not answer in time (with its log tail).
 */
export async function startSqlGateway(
  cluster: FlinkClusterHandle,
  opts: SqlGatewayOptions = {},
): Promise<SqlGatewayHandle> {
  await installSqlGateway(cluster.home, cluster.version);
  const clusterUrl = new URL(cluster.url);
  const logFile = join(cluster.logDir, 'sql-gateway.console.log');
  const offset = sizeOf(logFile);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLINK_HOME: cluster.home,
    FLINK_CONF_DIR: join(cluster.workDir, 'conf'),
    FLINK_LOG_DIR: cluster.logDir,
    FLINK_PID_DIR: join(cluster.workDir, 'pid'),
  };
  delete env.FLINK_ENV_JAVA_OPTS;
  const started = Date.now();
  const fd = openSync(logFile, 'a');
  // sql-gateway.sh `exec`s flink-console.sh, which `exec`s java: the child's pid is the JVM's.
  const child: ChildProcess = spawn(
    join(cluster.home, 'bin', 'sql-gateway.sh'),
    [
      'start-foreground',
      '-Dsql-gateway.endpoint.rest.address=127.0.0.1',
      '-Dsql-gateway.endpoint.rest.bind-address=127.0.0.1',
      '-Dsql-gateway.endpoint.rest.port=0',
      `-Drest.address=${clusterUrl.hostname}`,
      `-Drest.port=${clusterUrl.port}`,
    ],
    { env, stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      resolveExit();
    });
    child.once('error', () => {
      resolveExit();
    });
  });
  // Exit hooks cannot run when Node is SIGKILLed: a detached shell stops the JVM once we are gone.
  const watchdog = spawn(
    'sh',
    [
      '-c',
      'while kill -0 "$1" 2>/dev/null; do sleep 2; done; kill -TERM "$2" 2>/dev/null; sleep 10; kill -KILL "$2" 2>/dev/null',
      'fjc-sql-gateway-watchdog',
      String(process.pid),
      String(child.pid ?? ''),
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => {
            r(true);
          }, GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (late) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    watchdog.kill('SIGKILL');
  };

  const deadline = started + (opts.startTimeoutMs ?? 120_000);
  let lastError = 'the gateway has not reported its port yet';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      const why =
        child.exitCode !== null || child.signalCode !== null
          ? `it exited (${String(child.exitCode ?? child.signalCode)})`
          : `it did not answer within ${String(Math.round((deadline - started) / 1000))} s (${lastError})`;
      const tail = readFrom(logFile, offset).split('\n').slice(-40).join('\n');
      throw new FjcError(`the Flink SQL Gateway did not start: ${why}.\nLog tail:\n${tail}`, {
        remedy: `Read ${logFile}; check Java 17 is on PATH and memory is free.`,
      });
    }
    const port = GATEWAY_BOUND.exec(readFrom(logFile, offset))?.[1];
    if (port !== undefined) {
      const url = `http://127.0.0.1:${port}`;
      try {
        const response = await fetch(`${url}/v1/info`, { signal: AbortSignal.timeout(5_000) });
        if (response.ok) {
          log(`SQL Gateway ready at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          return { url, logFile, stop };
        }
        lastError = `GET /v1/info answered ${String(response.status)}`;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cluster = await startFlinkCluster();
  const gateway = await startSqlGateway(cluster);
  console.log(`Flink: ${cluster.url}\nSQL Gateway: ${gateway.url}`);
  const shutdown = (): void => {
    void gateway
      .stop()
      .then(() => cluster.stop())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
