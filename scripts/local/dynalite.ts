/**
 * In-process DynamoDB for the local runtime, tests and the benchmark: dynalite speaks the DynamoDB
 * wire protocol (from memory, or from a folder so a restart keeps state), so the store is
 * exercised through the real SDK, marshalling and condition checks.
 * See /work/shared/reference/aws-local.md for what dynalite does not do (transactions, TTL expiry,
 * streams) — the store is designed not to need them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../../functions/store/table.js';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite ships no type declarations and is CommonJS; `createRequire` keeps the untyped import
// confined to this one line instead of a global ambient module declaration.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

/** A running in-process dynalite and a client configured for it. */
export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  client: DynamoDBClient;
  /** Destroys the client and closes the server (and its in-memory data). */
  stop(): Promise<void>;
}

/** Starts dynalite on a random local port; tables become ACTIVE immediately. */
export async function startDynalite(options: { path?: string } = {}): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  // Node closes a keep-alive socket after 5 idle seconds; a request sent on it in that instant
  // fails with ECONNRESET (seen on a loaded machine). Idle sockets stay open for the whole run.
  server.keepAliveTimeout = 10 * 60_000;
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    // dynalite ignores signatures but the SDK refuses to sign without credentials.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // As in AWS: the SDK retries transient faults (a reset connection, a timeout) itself.
    maxAttempts: 3,
  });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      // Keep-alive sockets would otherwise hold `close` open until dynalite's 30 s shutdown timeout.
      // Closed after `close` stops accepting: a client retrying a request cut here (the store's
      // signed client does) cannot open a new one in between.
      const closed = new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
      });
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Creates a table named `tableName` from the store's {@link tableDefinition}, unless it exists. */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand({ ...tableDefinition, TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // dynalite answers CreateTable with CREATING and turns the table ACTIVE on a timer, even with
  // createTableMs 0; a write in between is refused as ResourceNotFound (seen on a loaded machine).
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
