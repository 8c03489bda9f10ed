/**
 * Everything the CLI takes from its process: output streams, environment, working directory,
 * clock, sleep and randomness. Commands only see this interface, so tests run the whole CLI
 * in-process with captured output and a clock they control.
 */
import { randomUUID } from 'node:crypto';
import { LOCAL_API_FILE } from './connection.js';

/** The process as the CLI sees it. */
export interface CliIo {
  /** Writes to standard output (text is written as given; callers add newlines). */
  stdout: (text: string) => void;
  /** Writes to standard error. */
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** A fresh random id (idempotency keys). */
  randomId: () => string;
  /** The HTTP client; the global fetch unless a test injects one. */
  fetch: typeof fetch;
  /** The local runtime's connection file (`.local/api.json` of this repository). */
  localApiFile: string;
}

/**
 * Ends the process quietly when the reader of stdout goes away (`fjc get | head`): the output
 * is no longer wanted, which is not an error of the command.
 */
function exitOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

/** The real process. */
export function processIo(): CliIo {
  exitOnClosedPipe();
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    sleep: (ms) =>
      new Promise((resolve) => {
        setTimeout(resolve, ms);
      }),
    randomId: randomUUID,
    fetch: globalThis.fetch,
    localApiFile: LOCAL_API_FILE,
  };
}

/** Writes lines to a stream function, one newline each. */
export function writeLines(write: (text: string) => void, lines: readonly string[]): void {
  if (lines.length > 0) write(`${lines.join('\n')}\n`);
}
