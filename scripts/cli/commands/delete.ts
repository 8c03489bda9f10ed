/**
 * `fjc delete NAME`: deletes a job the way its deletionPolicy says (by default: suspend with a
 * savepoint and keep the state). Asks no question: it is meant for scripts, and it never loses
 * state. `--if-generation N` makes it conditional on the generation the caller looked at.
 *
 * `--purge` also removes the job's record once it is SUSPENDED, so that it leaves `fjc get`:
 * it requests the deletion if needed, follows the job until it is suspended (as `--wait` does),
 * then purges. Savepoints and history stay (`fjc savepoints`, `fjc history`).
 */
import type { DeletionResult, JobView } from '../api-types.js';
import type { CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../errors.js';
import { formatValue, type OutputFormat } from '../render/output.js';
import { waitForJobs, type Verdict } from '../wait.js';

/** Options of `fjc delete`. */
export interface DeleteOptions {
  ifGeneration?: number | undefined;
  output: OutputFormat;
  /** Remove the record once the job is suspended. */
  purge?: boolean | undefined;
}

/** Where a deleted job stands on its way to being purged. */
function suspendedVerdict(job: JobView): Verdict {
  const s = job.status;
  if (s.operation !== undefined) return { state: 'pending' };
  if (s.phase === 'SUSPENDED') return { state: 'done', summary: 'SUSPENDED' };
  if (s.phase === 'FAILED')
    return {
      state: 'failed',
      summary: `the job is FAILED: ${s.lastError?.message ?? 'no reason recorded'}`,
    };
  return { state: 'pending' };
}

function describe(result: DeletionResult): string {
  switch (result.action) {
    case 'released':
      return `${result.name}: released; fjc no longer manages it and the Flink job keeps running (deletionPolicy keep-running)\n`;
    case 'purged':
      return `${result.name}: purged; its record is gone, its savepoints and history are kept (fjc savepoints ${result.name}, fjc history ${result.name})\n`;
    default:
      return `${result.name}: deletion requested; the job is being suspended${result.generation === undefined ? '' : ` (generation ${result.generation})`}, its state and savepoints are kept\n`;
  }
}

/** Deletes a job. */
export async function deleteCommand(
  ctx: CommandContext,
  name: string,
  options: DeleteOptions,
): Promise<ExitCode> {
  const client = await ctx.client();
  const path = `/v1/jobs/${encodeURIComponent(name)}`;
  const headers: Record<string, string> =
    options.ifGeneration === undefined ? {} : { 'if-match': `"${options.ifGeneration}"` };
  const show = (result: DeletionResult): void => {
    if (options.output !== 'table') ctx.io.stdout(formatValue(result, options.output));
    else ctx.io.stdout(describe(result));
  };
  if (options.purge !== true) {
    show((await client.request<DeletionResult>('DELETE', path, { headers })).body);
    return EXIT.OK;
  }
  const job = (await client.request<JobView>('GET', path)).body;
  const atRest = suspendedVerdict(job).state === 'done' && isSuspendedSpec(job);
  if (!atRest) {
    const requested = (await client.request<DeletionResult>('DELETE', path, { headers })).body;
    show(requested);
    if (requested.action === 'released') return EXIT.OK;
    // With -o json|yaml stdout holds the results alone; the progress goes to stderr.
    const out = options.output === 'table' ? ctx.io.stdout : ctx.io.stderr;
    const waited = await waitForJobs(
      ctx,
      [{ name, goal: 'SUSPENDED', judge: (view) => Promise.resolve(suspendedVerdict(view)) }],
      { out, failure: 'was not suspended; nothing was purged' },
    );
    if (waited !== EXIT.OK) return waited;
  }
  show(
    (
      await client.request<DeletionResult>('DELETE', path, {
        query: { purge: 'true' },
        ...(atRest ? { headers } : {}),
      })
    ).body,
  );
  return EXIT.OK;
}

function isSuspendedSpec(job: JobView): boolean {
  const spec = (job.spec as { spec?: { state?: unknown } }).spec;
  return spec?.state === 'suspended';
}
