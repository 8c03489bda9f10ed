/**
 * In-process S3 for tests: s3rver speaks the S3 REST protocol (from a temporary folder), so the
 * S3 adapters run through the real SDK, signing, streaming and error mapping. It does not do
 * versioning, conditional writes or EventBridge notifications: tests build the events themselves.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface S3rverOptions {
  address?: string;
  port?: number;
  silent?: boolean;
  directory?: string;
  resetOnClose?: boolean;
  configureBuckets?: { name: string }[];
}

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  /** Set by `run()`; closed by `close()`. */
  httpServer?: Server;
}

// s3rver ships no type declarations and is CommonJS; `createRequire` keeps the untyped import
// confined to this one line instead of a global ambient module declaration.
const S3rver = createRequire(import.meta.url)('s3rver') as new (
  options: S3rverOptions,
) => S3rverInstance;

/** A running in-process s3rver with one bucket and a client configured for it. */
export interface LocalS3 {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  client: S3Client;
  /** Destroys the client, closes the server and removes its folder. */
  stop(): Promise<void>;
}

/** The key pair s3rver's built-in account accepts (it checks signatures). */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Starts s3rver on a random local port, storing into a fresh temporary folder. */
export async function startS3rver(options: { bucket?: string } = {}): Promise<LocalS3> {
  const bucket = options.bucket ?? 'fjc-test-bucket';
  const directory = await mkdtemp(join(tmpdir(), 'fjc-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    // s3rver has no DNS for virtual-hosted buckets; paths work everywhere.
    forcePathStyle: true,
    maxAttempts: 1,
  });
  return {
    endpoint,
    bucket,
    client,
    stop: async () => {
      client.destroy();
      // Keep-alive sockets would otherwise hold `close` open until they time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
