/**
 * `fjc get [NAME]`: the jobs the caller may see as a table (every page), or one job in detail;
 * `-o json|yaml` prints the API's response as it came.
 */
import type { AuditEntryView, JobSummary, JobView, Page } from '../api-types.js';
import type { CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../errors.js';
import { renderJobDetail, renderJobTable } from '../render/jobs.js';
import { formatValue, type OutputFormat } from '../render/output.js';
import { outputWidth } from '../render/wrap.js';

/** Events the detail view ends with. */
const RECENT_EVENTS = 10;

/** Options of `fjc get`. */
export interface GetOptions {
  output: OutputFormat;
  cluster?: string | undefined;
  team?: string | undefined;
}

/** More pages than this is a runaway cursor, not a fleet (1000 jobs a page). */
const MAX_PAGES = 100;

async function listAll(ctx: CommandContext, options: GetOptions): Promise<JobSummary[]> {
  const client = await ctx.client();
  const items: JobSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const reply = await client.request<Page<JobSummary>>('GET', '/v1/jobs', {
      query: { cluster: options.cluster, team: options.team, cursor, limit: 1000 },
    });
    items.push(...reply.body.items);
    cursor = reply.body.cursor;
    if (cursor === undefined) break;
  }
  return items;
}

/** Shows one job or the list. */
export async function getCommand(
  ctx: CommandContext,
  name: string | undefined,
  options: GetOptions,
): Promise<ExitCode> {
  const { io } = ctx;
  if (name !== undefined) {
    const client = await ctx.client();
    const path = `/v1/jobs/${encodeURIComponent(name)}`;
    const reply = await client.request<JobView>('GET', path);
    if (options.output !== 'table') {
      io.stdout(formatValue(reply.body, options.output));
      return EXIT.OK;
    }
    // The recent events, as `kubectl describe` ends with them: what happened lately explains
    // most of what the status shows.
    const events = await client.request<Page<AuditEntryView>>('GET', `${path}/history`, {
      query: { limit: RECENT_EVENTS },
    });
    const detail = renderJobDetail(reply.body, io.now(), {
      width: outputWidth(io.env),
      events: events.body.items,
    });
    io.stdout(`${detail}\n`);
    return EXIT.OK;
  }
  const items = await listAll(ctx, options);
  if (options.output !== 'table') io.stdout(formatValue({ items }, options.output));
  else if (items.length === 0) io.stderr('No jobs found.\n');
  else io.stdout(`${renderJobTable(items, io.now())}\n`);
  return EXIT.OK;
}
