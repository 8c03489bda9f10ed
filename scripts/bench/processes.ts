/**
 * Starts the benchmark's stand-ins (child.ts) in child processes and talks to them.
 */
import { FjcError } from '../../functions/commons/errors.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildReady, ChildRequest } from './child.js';
import type { FleetCounts, FlinkFleetOptions } from './flink-fleet.js';

/** A DynamoDB client for a dynalite endpoint, configured as the local runtime's. */
export function dynaliteClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    // dynalite ignores signatures but the SDK refuses to sign without credentials.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/** A stand-in running in its own process. */
export interface ChildStandIn<Ready> {
  ready: Ready;
  /** The child's process id, to read its CPU time from outside if wanted. */
  pid: number;
  request(op: ChildRequest['op']): Promise<unknown>;
  stop(): Promise<void>;
}

async function startChild<Ready extends ChildReady>(args: string[]): Promise<ChildStandIn<Ready>> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const { stdout } = child;
    if (!stdout) throw new FjcError('bench child has no stdout');
    const lines = createInterface({ input: stdout });
    lines.once('line', (line) => {
      resolve(JSON.parse(line) as Ready);
    });
    child.once('exit', (code) => {
      reject(
        new FjcError(
          `bench child ${String(args[0])} exited with ${String(code)} before it was ready`,
          {
            remedy: 'Its error is above, on stderr.',
          },
        ),
      );
    });
  });
  const pending = new Map<number, (result: unknown) => void>();
  child.on('message', (message: { id: number; result: unknown }) => {
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  let next = 0;
  return {
    ready,
    pid: child.pid ?? 0,
    request: (op) =>
      new Promise((resolve) => {
        const id = ++next;
        pending.set(id, resolve);
        child.send({ id, op } satisfies ChildRequest);
      }),
    stop: async () => {
      // Closing the channel is the child's signal to shut down cleanly.
      child.disconnect();
      await exited;
    },
  };
}

/** dynalite in a child process; connect a client of your own to `ready.endpoint`. */
export function startDynaliteProcess(): Promise<
  ChildStandIn<{ kind: 'dynalite'; endpoint: string }>
> {
  return startChild(['dynalite']);
}

/** The local API server in a child process, on `table` of the dynalite at `endpoint`. */
export function startApiProcess(
  endpoint: string,
  table: string,
): Promise<ChildStandIn<{ kind: 'api'; url: string }>> {
  return startChild(['api', JSON.stringify({ endpoint, table })]);
}

/** The Flink fleet stand-in in a child process, with its request counters. */
export async function startFleetProcess(options: FlinkFleetOptions): Promise<
  ChildStandIn<{ kind: 'fleet'; urls: string[] }> & {
    counts(): Promise<FleetCounts>;
    resetCounts(): Promise<void>;
  }
> {
  const child = await startChild<{ kind: 'fleet'; urls: string[] }>([
    'fleet',
    JSON.stringify(options),
  ]);
  return {
    ...child,
    counts: async () => (await child.request('counts')) as FleetCounts,
    resetCounts: async () => {
      await child.request('reset');
    },
  };
}
