/**
 * `fjc delete NAME`: deletes a job the way its deletionPolicy says (by default: suspend with a
 * savepoint and keep the state). Asks no question: it is meant for scripts, and it never loses
 * state. `--if-generation N` makes it conditional on the generation the caller looked at.
 */
import type { DeletionResult } from '../api-types.js';
import type { CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../errors.js';
import { formatValue, type OutputFormat } from '../render/output.js';

/** Options of `fjc delete`. */
export interface DeleteOptions {
  ifGeneration?: number | undefined;
  output: OutputFormat;
}

/** Deletes a job. */
export async function deleteCommand(
  ctx: CommandContext,
  name: string,
  options: DeleteOptions,
): Promise<ExitCode> {
  const client = await ctx.client();
  const reply = await client.request<DeletionResult>(
    'DELETE',
    `/v1/jobs/${encodeURIComponent(name)}`,
    {
      ...(options.ifGeneration === undefined
        ? {}
        : { headers: { 'if-match': `"${options.ifGeneration}"` } }),
    },
  );
  const result = reply.body;
  if (options.output !== 'table') ctx.io.stdout(formatValue(result, options.output));
  else if (result.action === 'released')
    ctx.io.stdout(
      `${result.name}: released; fjc no longer manages it and the Flink job keeps running (deletionPolicy keep-running)\n`,
    );
  else
    ctx.io.stdout(
      `${result.name}: deletion requested; the job is being suspended${result.generation === undefined ? '' : ` (generation ${result.generation})`}, its state and savepoints are kept\n`,
    );
  return EXIT.OK;
}
