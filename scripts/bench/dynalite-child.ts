/**
 * dynalite in its own process for the benchmarks, so its CPU is not counted as the controller's.
 * Counts the requests (by operation) and the response bytes it answers; the parent asks for them
 * over IPC (`stats`, `reset`, `stop`) and learns the port from the first message.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

const dynalite = createRequire(import.meta.url)('dynalite') as (options: object) => Server;
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
let bytes = 0;
let requests = 0;
const byTarget = new Map<string, number>();
const size = (chunk: unknown) =>
  typeof chunk === 'string' || chunk instanceof Uint8Array ? Buffer.byteLength(chunk) : 0;

server.on('request', (req, res) => {
  requests += 1;
  const target = String(req.headers['x-amz-target'] ?? '')
    .split('.')
    .pop();
  if (target) byTarget.set(target, (byTarget.get(target) ?? 0) + 1);
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    bytes += size(chunk);
    return write(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk: unknown, ...rest: unknown[]) => {
    bytes += size(chunk);
    return end(chunk, ...rest);
  }) as typeof res.end;
});
server.keepAliveTimeout = 10 * 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message) => {
  if (message === 'stats')
    process.send?.({ bytes, requests, byTarget: Object.fromEntries(byTarget) });
  if (message === 'reset') {
    bytes = 0;
    requests = 0;
    byTarget.clear();
  }
  if (message === 'stop') process.exit(0);
});
