/**
 * A real Flink session cluster on this machine: one JobManager and one TaskManager started
 * from a PyPI-installed distribution (see install.ts), each a foreground child JVM, with a
 * conf dir, logs, pid files, checkpoints and savepoints all under one work folder.
 *
 * Run as a CLI: `tsx scripts/flink/cluster.ts` starts one and stops it on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { ConfigurationError, FjcError } from '../../functions/commons/errors.js';
import { jobManagerPorts, type JobManagerPorts } from './bound-ports.js';
import { installFlink } from './install.js';
import { installPythonEnv } from './python-env.js';
import { log } from './paths.js';

/** Options of {@link startFlinkCluster}. */
export interface FlinkClusterOptions {
  /** Flink version to install and run (default: `FJC_FLINK_VERSION`, else 2.3.0). */
  version?: string;
  /**
   * Folder for conf, logs, checkpoints and savepoints. Default: a new temp folder, deleted by
   * stop() unless FJC_KEEP_FLINK_WORKDIR is set.
   */
  workDir?: string;
  /** Task slots of the one TaskManager (default 4). */
  taskSlots?: number;
  /** Flink options set last, overriding ours (e.g. `jobmanager.scheduler: adaptive`). */
  extraConfig?: Record<string, string>;
  /** How long to wait for a registered TaskManager (default 120 000 ms). */
  startTimeoutMs?: number;
  /**
   * The REST port to bind, e.g. to stand a fresh cluster in for a lost one at the same URL.
   * Default: whatever port the kernel gives the JobManager when it binds, so no two clusters
   * (nor anything else on the machine) can race for it.
   */
  restPort?: number;
  /**
   * Make the cluster run PyFlink jobs: a Python environment with pyflink's dependencies
   * (python-env.ts, installed once) as `python.executable`/`python.client.executable`, and
   * flink-python on the classpath of both JVMs. Default false: a cluster as the distribution
   * ships it, which cannot run Python.
   */
  python?: boolean;
}

/** A running cluster. */
export interface FlinkClusterHandle {
  /** REST base URL, `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** The version the cluster reports (`GET /config` → `flink-version`). */
  readonly version: string;
  /** FLINK_HOME of the distribution that runs it. */
  readonly home: string;
  readonly workDir: string;
  /** Default savepoint folder (`state.savepoints.dir`), a plain path. */
  readonly savepointDir: string;
  /** Checkpoint folder (`execution.checkpointing.dir`), a plain path. */
  readonly checkpointDir: string;
  readonly logDir: string;
  /** Stops both JVMs (SIGTERM, SIGKILL after a grace period) and waits until they exit. */
  stop(): Promise<void>;
  /**
   * SIGKILLs both JVMs at once and waits until they are gone: a lost cluster, which flushes and
   * cleans up nothing. The work folder stays, so a new cluster can start on the same storage.
   */
  kill(): Promise<void>;
  /** The last `lines` lines of the JobManager's (or TaskManager's) log. */
  logTail(lines: number, process?: 'jobmanager' | 'taskmanager'): string;
}

const GRACE_MS = 10_000;

/** Every JVM we started and have not seen exit; the exit hooks kill what is left here. */
const liveProcesses = new Set<ChildProcess>();
let hooksInstalled = false;

function killAllNow(): void {
  for (const child of liveProcesses) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * Makes sure no JVM outlives this Node process: on a normal exit, and on SIGINT/SIGTERM when
 * nobody else handles them (a script with its own handler, like local.ts, stops the cluster
 * itself, and the exit hook still catches anything left).
 */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      // Someone else handles the signal (e.g. local.ts stopping gracefully): leave it to them;
      // the 'exit' hook still catches what they leave behind.
      if (process.listenerCount(signal) > 1) return;
      killAllNow();
      process.removeListener(signal, handler);
      // Re-raise so the process ends with the usual signal status.
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

/** Flattens nested YAML maps into Flink's dotted keys. */
function flatten(value: unknown, prefix: string, out: Record<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      flatten(child, prefix === '' ? key : `${prefix}.${key}`, out);
    }
  } else if (prefix !== '') {
    out[prefix] = value;
  }
}

/** The distribution's own settings, so that e.g. `env.java.opts.all` (--add-opens) is kept. */
async function shippedConfig(home: string): Promise<Record<string, unknown>> {
  for (const name of ['config.yaml', 'flink-conf.yaml']) {
    let text: string;
    try {
      text = await readFile(join(home, 'conf', name), 'utf8');
    } catch {
      continue;
    }
    const out: Record<string, unknown> = {};
    flatten(parse(text), '', out);
    return out;
  }
  return {};
}

/** 1.19+ read the standard-YAML `config.yaml`; older versions only the flat `flink-conf.yaml`. */
function usesConfigYaml(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major >= 2 || (major === 1 && minor >= 19);
}

function renderValue(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(';') : String(value);
}

function tailOf(text: string, lines: number): string {
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

function newestLog(logDir: string, service: string): string | undefined {
  let best: { path: string; mtime: number } | undefined;
  let names: string[];
  try {
    names = readdirSync(logDir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (!name.includes(`-${service}-`) || !name.endsWith('.log')) continue;
    const path = join(logDir, name);
    const mtime = statSync(path).mtimeMs;
    if (best === undefined || mtime > best.mtime) best = { path, mtime };
  }
  return best?.path;
}

function readTail(path: string | undefined, lines: number): string {
  if (path === undefined) return '';
  try {
    return tailOf(readFileSync(path, 'utf8'), lines);
  } catch {
    return '';
  }
}

/** Writes a conf dir: the distribution's log4j/logback files and our `config`. */
async function writeConfDir(
  home: string,
  dir: string,
  version: string,
  config: Record<string, string>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(join(home, 'conf'))) {
    if (name === 'config.yaml' || name === 'flink-conf.yaml') continue;
    await copyFile(join(home, 'conf', name), join(dir, name));
  }
  if (usesConfigYaml(version)) {
    // Flat dotted keys are valid in Flink's standard YAML; `yaml` quotes values only as needed.
    await writeFile(join(dir, 'config.yaml'), stringify(config, { lineWidth: 0 }));
  } else {
    const lines = Object.entries(config).map(([key, value]) => `${key}: ${value}`);
    await writeFile(join(dir, 'flink-conf.yaml'), lines.join('\n') + '\n');
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The text of `path` from byte `offset` on ('' while it does not exist). */
function readFrom(path: string, offset: number): string {
  try {
    return readFileSync(path).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

interface Jvm {
  child: ChildProcess;
  exited: Promise<void>;
  consoleLog: string;
}

function startJvm(
  home: string,
  script: 'jobmanager.sh' | 'taskmanager.sh',
  env: NodeJS.ProcessEnv,
  consoleLog: string,
): Jvm {
  const fd = openSync(consoleLog, 'a');
  // Not detached: jobmanager.sh and taskmanager.sh `exec` flink-console.sh, which `exec`s java,
  // so the child's pid is the JVM's and a terminal's Ctrl-C reaches it too.
  const child = spawn(join(home, 'bin', script), ['start-foreground'], {
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  liveProcesses.add(child);
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      liveProcesses.delete(child);
      resolveExit();
    });
    child.once('error', () => {
      liveProcesses.delete(child);
      resolveExit();
    });
  });
  return { child, exited, consoleLog };
}

/**
 * Exit hooks cannot run when this Node process is SIGKILLed (a CI timeout, an OOM kill), so a
 * tiny detached shell watches our pid and stops the JVMs once we are gone.
 */
function startWatchdog(jvms: readonly Jvm[]): ChildProcess {
  const pids = jvms.map((jvm) => String(jvm.child.pid ?? ''));
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 2; done; shift; ' +
    'kill -TERM "$@" 2>/dev/null; sleep 10; kill -KILL "$@" 2>/dev/null';
  const watchdog = spawn('sh', ['-c', script, 'fjc-flink-watchdog', String(process.pid), ...pids], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return watchdog;
}

async function stopJvm(jvm: Jvm): Promise<void> {
  if (jvm.child.exitCode !== null || jvm.child.signalCode !== null) return;
  jvm.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    jvm.exited.then(() => false),
    new Promise<boolean>((resolveTimeout) => {
      timer = setTimeout(() => {
        resolveTimeout(true);
      }, GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    jvm.child.kill('SIGKILL');
    await jvm.exited;
  }
}

/**
 * What a PyFlink-capable cluster needs beyond the distribution: its Python, and a lib folder of
 * its own with flink-python added (the shipped lib/ stays as it is, shared by other clusters).
 */
async function pythonSetup(
  home: string,
  version: string,
  workDir: string,
): Promise<{ libDir: string; config: Record<string, string> }> {
  const { python } = await installPythonEnv(version);
  const libDir = join(workDir, 'lib');
  await rm(libDir, { recursive: true, force: true });
  await mkdir(libDir, { recursive: true });
  for (const name of await readdir(join(home, 'lib')))
    await symlink(join(home, 'lib', name), join(libDir, name));
  const flinkPython = (await readdir(join(home, 'opt'))).find((name) =>
    /^flink-python.*\.jar$/.test(name),
  );
  if (flinkPython === undefined)
    throw new ConfigurationError(`no flink-python jar in ${join(home, 'opt')}`, {
      remedy: 'Reinstall Flink: delete its folder under .cache/flink.',
    });
  await symlink(join(home, 'opt', flinkPython), join(libDir, flinkPython));
  return {
    libDir,
    config: { 'python.executable': python, 'python.client.executable': python },
  };
}

interface Overview {
  taskmanagers?: number;
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new FjcError(`GET ${url} answered ${String(response.status)}`);
  return response.json();
}

/**
 * Installs (if needed) and starts a Flink session cluster on loopback with fresh ports, and
 * waits until a TaskManager has registered.
 *
 * @throws FjcError when the cluster is not ready in time or a JVM exits early; the message
 *   holds the tail of the JobManager log.
 * @throws ConfigurationError when Flink cannot be installed.
 */
export async function startFlinkCluster(
  opts: FlinkClusterOptions = {},
): Promise<FlinkClusterHandle> {
  const { home, version: installedVersion } = await installFlink(opts.version);
  const ownsWorkDir = opts.workDir === undefined;
  const workDir = resolve(opts.workDir ?? (await mkdtemp(join(tmpdir(), 'fjc-flink-'))));
  const confDir = join(workDir, 'conf');
  const logDir = join(workDir, 'log');
  const pidDir = join(workDir, 'pid');
  const savepointDir = join(workDir, 'savepoints');
  const checkpointDir = join(workDir, 'checkpoints');
  const tmpDir = join(workDir, 'tmp');
  for (const dir of [confDir, logDir, pidDir, savepointDir, checkpointDir, tmpDir]) {
    await mkdir(dir, { recursive: true });
  }

  const slots = opts.taskSlots ?? 4;
  if (!Number.isInteger(slots) || slots < 1) {
    throw new ConfigurationError(`taskSlots must be a positive integer, got ${String(slots)}`);
  }
  const restPort = opts.restPort;
  if (
    restPort !== undefined &&
    (!Number.isInteger(restPort) || restPort < 1 || restPort > 65_535)
  ) {
    throw new ConfigurationError(`restPort must be a port number, got ${String(restPort)}`, {
      remedy: 'Give a port from 1 to 65535, or leave restPort out to let the kernel choose.',
    });
  }

  const python =
    opts.python === true ? await pythonSetup(home, installedVersion, workDir) : undefined;

  const shipped = await shippedConfig(home);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(shipped)) config[key] = renderValue(value);
  Object.assign(config, {
    'jobmanager.rpc.address': '127.0.0.1',
    // Port 0 everywhere: the kernel picks a free port at bind time and the JobManager logs it
    // (see bound-ports.ts); the TaskManager is then told the RPC port in a config of its own.
    'jobmanager.rpc.port': '0',
    'jobmanager.bind-host': '127.0.0.1',
    'taskmanager.host': '127.0.0.1',
    'taskmanager.bind-host': '127.0.0.1',
    'taskmanager.rpc.port': '0',
    'taskmanager.data.port': '0',
    'blob.server.port': '0',
    'metrics.internal.query-service.port': '0',
    'rest.address': '127.0.0.1',
    'rest.bind-address': '127.0.0.1',
    'rest.bind-port': String(restPort ?? 0),
    'jobmanager.memory.process.size': '1600m',
    'taskmanager.memory.process.size': '2048m',
    'taskmanager.numberOfTaskSlots': String(slots),
    'parallelism.default': '1',
    // Old and new names: 1.20 knows both, 2.x only the new checkpoint-dir key.
    'state.savepoints.dir': pathToFileURL(savepointDir).href,
    'execution.checkpointing.savepoint-dir': pathToFileURL(savepointDir).href,
    'state.checkpoints.dir': pathToFileURL(checkpointDir).href,
    'execution.checkpointing.dir': pathToFileURL(checkpointDir).href,
    // A job's System.exit must not take the JobManager down with it.
    'cluster.intercept-user-system-exit': 'THROW',
    // TaskManagers report accumulators with their heartbeat: every 2 s instead of 10 s makes
    // GET /jobs/:id/accumulators follow a running job closely enough for tests.
    'heartbeat.interval': '2000',
    'io.tmp.dirs': tmpDir,
    'web.tmpdir': tmpDir,
    ...python?.config,
    ...opts.extraConfig,
  });

  // Our conf dirs replace the shipped one: keep its log4j/logback files, write our own config.
  await writeConfDir(home, confDir, installedVersion, config);

  const envFor = (conf: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FLINK_HOME: home,
      FLINK_CONF_DIR: conf,
      FLINK_LOG_DIR: logDir,
      FLINK_PID_DIR: pidDir,
      ...(python === undefined ? {} : { FLINK_LIB_DIR: python.libDir }),
    };
    // JVM options from the caller's shell would otherwise leak into both JVMs.
    delete env.FLINK_ENV_JAVA_OPTS;
    return env;
  };

  installExitHooks();
  const started = Date.now();
  log(
    `starting Flink ${installedVersion} (REST port ${restPort === undefined ? 'chosen at bind' : String(restPort)}, work dir ${workDir})`,
  );
  const jmConsole = join(logDir, 'jobmanager.console.log');
  // The console log is appended to run after run: only what this start writes names its ports.
  const jmConsoleStart = sizeOf(jmConsole);
  const jm = startJvm(home, 'jobmanager.sh', envFor(confDir), jmConsole);
  const watchdogs = [startWatchdog([jm])];
  let tm: Jvm | undefined;

  const logTail = (lines: number, which: 'jobmanager' | 'taskmanager' = 'jobmanager'): string => {
    const service = which === 'jobmanager' ? 'standalonesession' : 'taskexecutor';
    const consoleLog = join(logDir, `${which}.console.log`);
    // The console log repeats the log file once log4j is up; it only adds what came before
    // (script errors, a JVM that failed to start), so it is the fallback.
    const fromFile = readTail(newestLog(logDir, service), lines);
    return fromFile.trim() !== '' ? fromFile : readTail(consoleLog, lines);
  };
  const stop = async (): Promise<void> => {
    await Promise.all([tm === undefined ? undefined : stopJvm(tm), stopJvm(jm)]);
    for (const watchdog of watchdogs) watchdog.kill('SIGKILL');
    // A temp folder of ours would pile up run after run; FJC_KEEP_FLINK_WORKDIR keeps it to debug.
    if (ownsWorkDir && process.env.FJC_KEEP_FLINK_WORKDIR === undefined) {
      await rm(workDir, { recursive: true, force: true });
    }
  };

  const kill = async (): Promise<void> => {
    const jvms = [jm, tm].filter((jvm) => jvm !== undefined);
    for (const jvm of jvms) jvm.child.kill('SIGKILL');
    await Promise.all(jvms.map((jvm) => jvm.exited));
    for (const watchdog of watchdogs) watchdog.kill('SIGKILL');
  };

  const deadline = started + (opts.startTimeoutMs ?? 120_000);
  let ports: JobManagerPorts = {};
  let url = '';
  let lastError = 'the JobManager has not reported its ports yet';
  for (;;) {
    const dead = [jm, tm].find(
      (jvm) => jvm !== undefined && (jvm.child.exitCode !== null || jvm.child.signalCode !== null),
    );
    if (dead !== undefined || Date.now() > deadline) {
      await stop();
      const why =
        dead !== undefined
          ? `the ${dead === jm ? 'JobManager' : 'TaskManager'} exited (${String(dead.child.exitCode ?? dead.child.signalCode)})`
          : `it was not ready within ${String(Math.round((deadline - started) / 1000))} s (${lastError})`;
      throw new FjcError(
        `Flink ${installedVersion} did not start: ${why}.\nJobManager log tail:\n${logTail(60)}\nTaskManager log tail:\n${logTail(20, 'taskmanager')}`,
        {
          remedy:
            restPort === undefined
              ? `Read the logs in ${logDir}; check Java 17 is on PATH and memory is free.`
              : `Read the logs in ${logDir}; a BindException means port ${String(restPort)} is taken: free it or choose another restPort.`,
        },
      );
    }
    if (ports.rpc === undefined || ports.rest === undefined) {
      ports = jobManagerPorts(readFrom(jmConsole, jmConsoleStart));
    }
    if (tm === undefined && ports.rpc !== undefined) {
      // Started as soon as the RPC port is known, while the JobManager brings up the rest.
      const tmConf = join(workDir, 'conf-taskmanager');
      await writeConfDir(home, tmConf, installedVersion, {
        ...config,
        'jobmanager.rpc.port': String(ports.rpc),
      });
      tm = startJvm(
        home,
        'taskmanager.sh',
        envFor(tmConf),
        join(logDir, 'taskmanager.console.log'),
      );
      watchdogs.push(startWatchdog([tm]));
    }
    if (tm !== undefined && ports.rest !== undefined) {
      try {
        const candidate = `http://127.0.0.1:${String(ports.rest)}`;
        const overview = (await getJson(`${candidate}/overview`)) as Overview;
        if ((overview.taskmanagers ?? 0) >= 1) {
          url = candidate;
          break;
        }
        lastError = 'no TaskManager registered';
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  let version = installedVersion;
  try {
    const reported = (await getJson(`${url}/config`)) as { 'flink-version'?: string };
    version = reported['flink-version'] ?? installedVersion;
  } catch (error) {
    await stop();
    throw new FjcError(`Flink at ${url} answered /overview but not /config`, { cause: error });
  }
  log(`Flink ${version} ready at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  return {
    url,
    version,
    home,
    workDir,
    savepointDir,
    checkpointDir,
    logDir,
    stop,
    kill,
    logTail,
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cluster = await startFlinkCluster();
  console.log(`Flink: ${cluster.url}`);
  const shutdown = (): void => {
    void cluster.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
