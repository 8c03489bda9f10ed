import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { FlinkClusterPort, FlinkRestClient } from '../../../functions/flink/index.js';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Responder = (req: Recorded, res: ServerResponse) => void;

/** A loopback HTTP server answering with canned responses, for the client's error paths. */
export async function cannedServer(respond: Responder): Promise<{
  url: string;
  requests: Recorded[];
  close: () => Promise<void>;
}> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      respond(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A canned server and the client (Flink 2.3.0, one attempt) talking to it. */
export interface CannedFlink {
  client: FlinkRestClient;
  server: Awaited<ReturnType<typeof cannedServer>>;
}

/**
 * Clients (and Flink ports) over canned servers, each closed with its server after the test that
 * made it: registers that `afterEach` and returns the factories.
 */
export function useCannedFlink(o: { timeoutMs?: number } = {}) {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const clientFor = async (respond: Responder): Promise<CannedFlink> => {
    const server = await cannedServer(respond);
    const client = new FlinkRestClient({
      baseUrl: server.url,
      flinkVersion: '2.3.0',
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      timeoutMs: o.timeoutMs ?? 2_000,
    });
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    return { client, server };
  };
  return {
    clientFor,
    /** The core's Flink port over the client. */
    portFor: async (respond: Responder) => {
      const { client, server } = await clientFor(respond);
      return { port: new FlinkClusterPort(client), server };
    },
    /** Runs `cleanup` after the current test, with the servers and clients. */
    afterTest: (cleanup: () => Promise<void>) => {
      cleanups.push(cleanup);
    },
  };
}
