/**
 * `fjc history NAME` and `fjc savepoints NAME`: a job's audit trail and savepoint catalog,
 * newest first, as tables or (`-o json|yaml`) as the API returned them.
 */
import type { AuditEntryView, Page, SavepointView } from '../api-types.js';
import type { CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../errors.js';
import { formatValue, type OutputFormat } from '../render/output.js';
import { renderHistoryTable, renderSavepointTable } from '../render/trail.js';
import { outputWidth } from '../render/wrap.js';

/** Options of the trail commands. */
export interface TrailOptions {
  output: OutputFormat;
  /** Entries to show, newest first (1 to 1000). */
  limit: number;
}

async function fetchPage(ctx: CommandContext, path: string, limit: number): Promise<unknown> {
  const client = await ctx.client();
  return (await client.request('GET', path, { query: { limit } })).body;
}

function show<T>(
  ctx: CommandContext,
  page: Page<T>,
  options: TrailOptions,
  table: (items: readonly T[], now: Date) => string,
  what: string,
): ExitCode {
  const { io } = ctx;
  if (options.output !== 'table') {
    io.stdout(formatValue(page, options.output));
    return EXIT.OK;
  }
  if (page.items.length === 0) io.stderr(`No ${what} found.\n`);
  else io.stdout(`${table(page.items, io.now())}\n`);
  if (page.cursor !== undefined)
    io.stderr(`(older ${what} exist; show more with --limit, up to 1000)\n`);
  return EXIT.OK;
}

/** `fjc history NAME`. */
export async function historyCommand(
  ctx: CommandContext,
  name: string,
  options: TrailOptions,
): Promise<ExitCode> {
  const path = `/v1/jobs/${encodeURIComponent(name)}/history`;
  const page = (await fetchPage(ctx, path, options.limit)) as Page<AuditEntryView>;
  const width = outputWidth(ctx.io.env);
  return show(
    ctx,
    page,
    options,
    (items, now) => renderHistoryTable(items, now, width),
    'history entries',
  );
}

/** `fjc savepoints NAME`. */
export async function savepointsCommand(
  ctx: CommandContext,
  name: string,
  options: TrailOptions,
): Promise<ExitCode> {
  const path = `/v1/jobs/${encodeURIComponent(name)}/savepoints`;
  const page = (await fetchPage(ctx, path, options.limit)) as Page<SavepointView>;
  return show(ctx, page, options, renderSavepointTable, 'savepoints');
}
