/**
 * Counts what a DynamoDB client sends and receives: requests by operation and the bytes of the
 * raw request and response bodies, measured by a middleware on the client's stack (the document
 * client the store builds shares that stack), so every call of the real store adapter counts and
 * nothing else changes.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What a client did since the last reset. */
export interface DynamoCounts {
  requests: number;
  byOperation: Record<string, number>;
  /** Bytes of the response bodies (what was read over the wire). */
  bytesRead: number;
  /** Bytes of the request bodies. */
  bytesWritten: number;
}

/** The counters of one client. */
export interface DynamoCounter {
  counts(): DynamoCounts;
  reset(): void;
}

interface RawHttp {
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

function bodyBytes(message: RawHttp | undefined): number {
  const declared = message?.headers?.['content-length'] ?? message?.headers?.['Content-Length'];
  if (declared !== undefined) return Number(declared);
  const body = message?.body;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}

/** Adds the counting middleware to `client` and returns its counters. */
export function countDynamo(client: DynamoDBClient): DynamoCounter {
  let counts: DynamoCounts;
  const reset = (): void => {
    counts = { requests: 0, byOperation: {}, bytesRead: 0, bytesWritten: 0 };
  };
  reset();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const output = await next(args);
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.requests++;
      counts.byOperation[operation] = (counts.byOperation[operation] ?? 0) + 1;
      counts.bytesWritten += bodyBytes(args.request as RawHttp);
      counts.bytesRead += bodyBytes(output.response as RawHttp);
      return output;
    },
    // Below retries: each attempt on the wire counts, as DynamoDB would bill it.
    { step: 'deserialize', name: 'fjcBenchCounter', override: true },
  );
  return {
    counts: () => ({ ...counts, byOperation: { ...counts.byOperation } }),
    reset,
  };
}
