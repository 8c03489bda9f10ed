/**
 * `fjc plan FILE…`: validates offline, then shows what applying the files would change and
 * what the controller would then do to each job. Writes nothing.
 */
import type { CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../errors.js';
import { planFiles, type PlanOptions } from '../plan.js';
import { renderPlan } from '../render/plan.js';
import { loadSpecFiles, warningLines } from '../spec-files.js';
import { writeLines } from '../io.js';

/** Plans files and prints the plan. */
export async function planCommand(
  ctx: CommandContext,
  files: readonly string[],
  options: PlanOptions = {},
): Promise<ExitCode> {
  const specs = await loadSpecFiles(files, ctx.io.cwd);
  const warnings = specs.flatMap(warningLines);
  if (warnings.length > 0) writeLines(ctx.io.stderr, warnings);
  const planned = await planFiles(await ctx.client(), specs, options);
  ctx.io.stdout(`${renderPlan(planned)}\n`);
  return EXIT.OK;
}
