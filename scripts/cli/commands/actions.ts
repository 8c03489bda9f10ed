/**
 * `fjc savepoint|suspend|resume|rollback|redeploy|restore NAME`: asks the controller for an operation.
 * A restore of a suspended job is recorded for its resume unless `--resume` resumes it at once.
 * The API records it as a change of the desired spec and answers 202; the reconcile loop carries
 * it out. Every invocation sends an Idempotency-Key (random unless given), so a retried request
 * after a lost response is not performed twice. With --wait it then follows the job until the
 * action is carried out (exit 0, printing what it produced, e.g. the savepoint's path) or failed
 * (exit 1, with the reason); see action-wait.ts.
 */
import { actionWait, catalogBefore } from '../action-wait.js';
import type { ActionResult, JobAction, JobView } from '../api-types.js';
import type { CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../errors.js';
import { writeLines } from '../io.js';
import { formatValue, type OutputFormat } from '../render/output.js';
import { waitForJobs } from '../wait.js';

/** Options of an action command. */
export interface ActionOptions {
  idempotencyKey?: string | undefined;
  reason?: string | undefined;
  /** Only if the job is at this generation (If-Match). */
  ifGeneration?: number | undefined;
  output: OutputFormat;
  /** Follow the job until the action is carried out or failed. */
  wait?: boolean | undefined;
  /** restore: the catalog id of the savepoint to restore. */
  savepoint?: string | undefined;
  /** restore: the savepoint location to restore. */
  path?: string | undefined;
  /** restore: also resume a suspended job (from the chosen savepoint), in the same change. */
  resume?: boolean | undefined;
}

const DONE: Record<JobAction, string> = {
  savepoint: 'savepoint requested',
  suspend: 'suspend requested',
  resume: 'resume requested',
  rollback: 'rollback to the last stable spec requested',
  redeploy: 'redeploy requested',
  restore: 'restore from the chosen savepoint requested',
};

/** The request body: the reason, and for restore the chosen savepoint and --resume. */
function actionBody(options: ActionOptions): Record<string, string | boolean> | undefined {
  const body = {
    ...(options.reason === undefined ? {} : { reason: options.reason }),
    ...(options.savepoint === undefined ? {} : { savepointId: options.savepoint }),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.resume === true ? { resume: true } : {}),
  };
  return Object.keys(body).length === 0 ? undefined : body;
}

/** What a table-format run prints of the API's answer. */
function resultLine(action: JobAction, result: ActionResult, options: ActionOptions): string {
  const at = `generation ${result.generation}`;
  if (!result.changed)
    return `${result.name}: nothing to do, the job already is as ${action} would make it (${at})`;
  // A suspended job keeps the choice until it is resumed: nothing happens now.
  if (result.takesEffect === 'on-resume')
    return `${result.name}: restore from the chosen savepoint recorded (${at}); the job stays suspended and starts from it when resumed (fjc resume ${result.name}, or fjc restore ${result.name} --resume)`;
  // --resume leaves a running job as it is: the answer cannot tell, so the line says both.
  const done =
    action === 'restore' && options.resume === true
      ? 'restore from the chosen savepoint requested, and a resume if suspended'
      : DONE[action];
  const wait =
    options.wait === true
      ? ''
      : `; --wait waits for what it produces, fjc history ${result.name} shows it`;
  return `${result.name}: ${done} (${at}); the controller carries it out next${wait}`;
}

/** Runs an action. */
export async function actionCommand(
  ctx: CommandContext,
  action: JobAction,
  name: string,
  options: ActionOptions,
): Promise<ExitCode> {
  const client = await ctx.client();
  const path = `/v1/jobs/${encodeURIComponent(name)}`;
  // Read before the request: a savepoint in the catalog then is not one this action produced.
  const before = options.wait === true ? await catalogBefore(client, name) : undefined;
  const headers: Record<string, string> = {
    'idempotency-key': options.idempotencyKey ?? ctx.io.randomId(),
    ...(options.ifGeneration === undefined ? {} : { 'if-match': `"${options.ifGeneration}"` }),
  };
  const reply = await client.request<ActionResult>('POST', `${path}/actions/${action}`, {
    headers,
    ...(actionBody(options) === undefined ? {} : { body: { json: actionBody(options) } }),
  });
  const result = reply.body;
  if (options.output !== 'table') ctx.io.stdout(formatValue(result, options.output));
  else ctx.io.stdout(`${resultLine(action, result, options)}\n`);
  if (before === undefined) return EXIT.OK;
  const job = (await client.request<JobView>('GET', path)).body;
  const { target, failure } = actionWait(action, job, before);
  // With -o json|yaml stdout holds the result alone; the progress goes to stderr.
  const out = options.output === 'table' ? ctx.io.stdout : ctx.io.stderr;
  writeLines(out, ['']);
  return waitForJobs(ctx, [target], { out, failure });
}
