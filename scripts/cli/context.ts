/**
 * What every command gets: the process ({@link CliIo}), the command's time budget and a lazily
 * built API client (offline commands such as `validate` never resolve an endpoint).
 */
import { ApiClient } from './api-client.js';
import { resolveConnection, type ConnectionOptions } from './connection.js';
import { Deadline } from './deadline.js';
import type { CliIo } from './io.js';
import { createSigV4Signer } from './sigv4.js';

/** The global options of `fjc`. */
export interface GlobalOptions extends ConnectionOptions {
  /** `--timeout` in milliseconds, when given. */
  timeout?: number | undefined;
}

/** The default time budget of a command that does not wait for a rollout. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The context of one command run. */
export interface CommandContext {
  io: CliIo;
  deadline: Deadline;
  /** The API client (endpoint and credentials are resolved on first use). */
  client(): Promise<ApiClient>;
}

/**
 * Builds the context of a command.
 *
 * @param defaultTimeoutMs the budget when `--timeout` is not given.
 */
export function commandContext(
  io: CliIo,
  options: GlobalOptions,
  defaultTimeoutMs: number = DEFAULT_TIMEOUT_MS,
): CommandContext {
  const deadline = new Deadline(options.timeout ?? defaultTimeoutMs, () => io.now().getTime());
  let client: Promise<ApiClient> | undefined;
  return {
    io,
    deadline,
    client: () =>
      (client ??= resolveConnection(options, io.env, io.localApiFile).then(
        (connection) =>
          new ApiClient({
            endpoint: connection.endpoint,
            auth: connection.auth,
            deadline,
            fetch: io.fetch,
            ...(connection.auth.kind === 'sigv4'
              ? { signer: createSigV4Signer({ region: connection.auth.region }) }
              : {}),
          }),
      )),
  };
}
