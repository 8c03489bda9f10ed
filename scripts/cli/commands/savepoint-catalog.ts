/**
 * `fjc pin|unpin|delete-savepoint NAME ID` and `fjc register-savepoint NAME PATH`: changes of a
 * job's savepoint catalog, each one API call (the API applies the guards and answers 409 with
 * the reason when one refuses).
 */
import type { SavepointView } from '../api-types.js';
import type { CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../errors.js';
import { formatValue, type OutputFormat } from '../render/output.js';

/** Options of the catalog commands. */
export interface SavepointChangeOptions {
  output: OutputFormat;
  reason?: string | undefined;
}

/** The catalog changes by command name. */
export type SavepointChange = 'pin' | 'unpin' | 'delete-savepoint';

/** How `fjc --help` describes each change. */
export const SAVEPOINT_CHANGE_SUMMARIES: Readonly<Record<SavepointChange, string>> = {
  pin: 'pin a savepoint: retention keeps it and deletion is refused',
  unpin: 'unpin a savepoint: retention treats it like any other again',
  'delete-savepoint':
    'delete a savepoint (refused for a pinned, the newest restorable or one in use); retention disposes of its files',
};

const DONE: Readonly<Record<SavepointChange, string>> = {
  pin: 'pinned',
  unpin: 'unpinned',
  'delete-savepoint': 'deletion recorded; the next retention round disposes of its files',
};

function catalogPath(name: string): string {
  return `/v1/jobs/${encodeURIComponent(name)}/savepoints`;
}

function print(
  ctx: CommandContext,
  entry: SavepointView,
  options: SavepointChangeOptions,
  words: string,
) {
  if (options.output !== 'table') ctx.io.stdout(formatValue(entry, options.output));
  else ctx.io.stdout(`${entry.jobName}: savepoint ${entry.id} ${words}\n`);
}

/** `fjc pin|unpin|delete-savepoint NAME ID`. */
export async function savepointChangeCommand(
  ctx: CommandContext,
  change: SavepointChange,
  name: string,
  id: string,
  options: SavepointChangeOptions,
): Promise<ExitCode> {
  const client = await ctx.client();
  const entryPath = `${catalogPath(name)}/${encodeURIComponent(id)}`;
  const reply =
    change === 'delete-savepoint'
      ? await client.request<SavepointView>('DELETE', entryPath)
      : await client.request<SavepointView>('POST', `${entryPath}/${change}`);
  print(ctx, reply.body, options, DONE[change]);
  return EXIT.OK;
}

/** `fjc register-savepoint NAME PATH`. */
export async function registerSavepointCommand(
  ctx: CommandContext,
  name: string,
  path: string,
  options: SavepointChangeOptions,
): Promise<ExitCode> {
  const client = await ctx.client();
  const reply = await client.request<SavepointView>('POST', catalogPath(name), {
    headers: { 'idempotency-key': ctx.io.randomId() },
    body: { json: { path, ...(options.reason === undefined ? {} : { reason: options.reason }) } },
  });
  print(ctx, reply.body, options, `registered at ${path}`);
  return EXIT.OK;
}
