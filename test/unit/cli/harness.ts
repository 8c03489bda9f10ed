/**
 * The CLI against a real local API: dynalite, the DynamoDB job store, the local api-server with
 * bearer tokens, and the CLI run in-process with captured output, a fixed clock and a sleep that
 * only advances that clock (so `apply --wait` runs in milliseconds).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { StaticTeamDirectory } from '../../../functions/api/team-directory.js';
import type { JobRecord, JobStatusPatch } from '../../../functions/core/model/index.js';
import { DynamoJobStore } from '../../../functions/store/dynamo-job-store.js';
import { startApiServer, type ApiServerOptions } from '../../../scripts/local/api-server.js';
import type { CliIo } from '../../../scripts/cli/io.js';
import { runCli } from '../../../scripts/cli/main.js';
import { createTable, startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import { useStarted } from '../../support/use-started.js';

/** Bearer tokens of the local API (at least 16 characters) and the principals they stand for. */
export const TOKENS = {
  root: 'token-root-0123456789',
  alice: 'token-alice-0123456789',
} as const;

/** The CLI's clock in these tests. */
export const NOW = new Date('2026-03-01T12:00:00.000Z');
/** The store's clock: records were written five minutes before the CLI looks at them. */
export const STORE_NOW = new Date(NOW.getTime() - 5 * 60_000);

/** What one CLI run produced. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of one run. */
export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Wraps fetch (to observe requests or to interfere with them). */
  fetch?: typeof fetch;
  /** Called on every sleep of the CLI (e.g. to let the "controller" move the job on). */
  onSleep?: () => Promise<void>;
}

/** A running API plus helpers. */
export interface CliHarness {
  dynamo: LocalDynamo;
  store: DynamoJobStore;
  url: string;
  /** A temporary folder for spec files. */
  dir: string;
  /** Writes a spec file into {@link dir} and returns its path. */
  file(name: string, text: string): Promise<string>;
  /** Runs the CLI against the API as `root` (admin) unless the argv sets --token. */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Captures output of an in-process run. */
export async function runCaptured(
  argv: readonly string[],
  io: Partial<CliIo> & { onSleep?: () => Promise<void> } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  let clock = NOW.getTime();
  let ids = 0;
  const { onSleep, ...rest } = io;
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
    cwd: process.cwd(),
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
      await onSleep?.();
    },
    randomId: () => `key-${String(++ids).padStart(4, '0')}-${randomUUID()}`,
    fetch: globalThis.fetch,
    localApiFile: join(tmpdir(), 'fjc-cli-no-such-file.json'),
    ...rest,
  });
  return { code, stdout, stderr };
}

/** Starts dynalite, a fresh table, the store and the local API server (with `options`). */
export async function startCliHarness(
  options: Pick<ApiServerOptions, 'preflight' | 'probe'> = {},
): Promise<CliHarness> {
  const dynamo = await startDynalite();
  const tableName = `fjc-cli-${randomUUID()}`;
  await createTable(dynamo.client, tableName);
  const store = new DynamoJobStore({
    client: dynamo.client,
    tableName,
    logger: { warn: () => undefined },
    clock: () => STORE_NOW,
  });
  const server = await startApiServer({
    store,
    teams: new StaticTeamDirectory({ admins: ['root'], teams: { payments: ['alice'] } }),
    tokens: { [TOKENS.root]: 'root', [TOKENS.alice]: 'alice' },
    logger: silent,
    clock: () => STORE_NOW,
    ...options,
  });
  const dir = await mkdtemp(join(tmpdir(), 'fjc-cli-'));
  return {
    dynamo,
    store,
    url: server.url,
    dir,
    async file(name, text) {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    run(argv, options = {}) {
      const withToken = argv.includes('--token') ? argv : ['--token', TOKENS.root, ...argv];
      return runCaptured(['--endpoint', server.url, ...withToken], {
        cwd: dir,
        env: options.env ?? {},
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.onSleep === undefined ? {} : { onSleep: options.onSleep }),
      });
    },
    async stop() {
      await server.stop();
      await dynamo.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Options of {@link useCliHarness}: those of {@link startCliHarness}, and the file's set-up. */
export type CliHarnessOptions = Parameters<typeof startCliHarness>[0] & {
  /** Applies the cluster `eu-1` with the CLI first (exit code 0); false unless told. */
  cluster?: boolean;
};

/**
 * One CLI harness for the whole file (or `describe`): started in a `beforeAll`, stopped in an
 * `afterAll`, both registered here. The returned harness stands for the started one, so a file can
 * hold it in a `const`; using it outside the hooks and tests throws.
 */
export function useCliHarness(options: CliHarnessOptions = {}): CliHarness {
  const { cluster = false, ...startOptions } = options;
  return useStarted('the CLI harness', async () => {
    const harness = await startCliHarness(startOptions);
    if (cluster) {
      const file = await harness.file('cluster.yaml', clusterYaml());
      expect((await harness.run(['apply', file])).code).toBe(0);
    }
    return harness;
  });
}

/** What a job's status records of a spec: the snapshot `lastApplied` and `lastStable` hold. */
export const snapshotOf = (r: JobRecord) => ({
  spec: r.spec,
  specHash: r.specHash,
  generation: r.generation,
});

/**
 * Moves a stored job's status on as the controller would, for tests of what the CLI shows while
 * it waits. `name` is read at each call (tests that use a fresh job each pass a getter).
 */
export function jobController(h: Pick<CliHarness, 'store'>, name: () => string) {
  /** The stored job; throws when it is not stored (every caller applied it first). */
  async function record(): Promise<JobRecord> {
    const found = await h.store.getJob(name());
    if (!found) throw new Error(`no job ${name()}`);
    return found;
  }
  /** One transition of the job's status, computed from its current record. */
  async function controller(patch: (r: JobRecord) => JobStatusPatch): Promise<void> {
    const current = await record();
    await h.store.transition(name(), current.version, patch(current), {
      actor: 'test',
      action: 'controller',
    });
  }
  return { record, controller };
}

/** A FlinkCluster document as YAML. */
export function clusterYaml(name = 'eu-1', url = 'http://127.0.0.1:8081'): string {
  return `apiVersion: fjc.dev/v1\nkind: FlinkCluster\nmetadata:\n  name: ${name}\nspec:\n  url: ${url}\n`;
}

/** A FlinkJob document as YAML; `extra` lines are appended under `spec:`. */
export function jobYaml(name: string, extra: readonly string[] = [], cluster = 'eu-1'): string {
  return [
    'apiVersion: fjc.dev/v1',
    'kind: FlinkJob',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  team: payments',
    `  clusterRef: ${cluster}`,
    '  artifact:',
    '    uri: s3://fjc-artifacts/app/app-1.0.jar',
    ...extra.map((line) => `  ${line}`),
    '',
  ].join('\n');
}
