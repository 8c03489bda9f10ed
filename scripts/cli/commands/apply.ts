/**
 * `fjc apply FILE… [--wait]`: plans, prints the plan, then writes every changed document,
 * clusters before jobs (a job's cluster must exist first). Each write is conditional on what the
 * plan read (If-Match on the ETag, or If-None-Match: * for a create), so an edit by someone else
 * in between fails with exit 3 instead of being overwritten. With --wait, it then follows every
 * job of the files, changed or not (an unchanged spec may still be rolling out), until each is as
 * its spec asks: STABLE or SUSPENDED (exit 0), or rejected, rolled back or FAILED (exit 1).
 */
import { encodeSpecDocument } from '../../../functions/core/spec/index.js';
import type { ApiClient } from '../api-client.js';
import type { ClusterPutResult, JobPutResult } from '../api-types.js';
import type { CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../errors.js';
import { writeLines } from '../io.js';
import { planFiles, resourcePath, type PlannedDocument } from '../plan.js';
import { renderPlan } from '../render/plan.js';
import { loadSpecFiles } from '../spec-files.js';
import { appliedTarget, waitForJobs, type AppliedJob } from '../wait.js';

/** Options of `fjc apply`. */
export interface ApplyOptions {
  wait: boolean;
}

/** The default time budget of `apply --wait`: a savepoint plus a stability window fit in it. */
export const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60_000;

interface Written {
  line: string;
  job?: AppliedJob;
}

async function write(client: ApiClient, planned: PlannedDocument): Promise<Written> {
  const { document, etag } = planned;
  const id = `${document.kind}/${document.metadata.name}`;
  const reply = await client.request<JobPutResult | ClusterPutResult>(
    'PUT',
    resourcePath(document),
    {
      body: { json: encodeSpecDocument(document) },
      headers: etag === undefined ? { 'if-none-match': '*' } : { 'if-match': etag },
    },
  );
  const result = reply.body;
  const verb = result.created ? 'created' : result.changed ? 'updated' : 'unchanged';
  if (!('generation' in result)) return { line: `${id}: ${verb} (version ${result.version})` };
  return {
    line: `${id}: ${verb} (generation ${result.generation})`,
    job: {
      name: result.name,
      generation: result.generation,
      specHash: result.specHash,
      suspended: isSuspended(planned),
    },
  };
}

function isSuspended({ document }: PlannedDocument): boolean {
  return document.kind === 'FlinkJob' && document.spec.state === 'suspended';
}

/** A job document the plan found stored as it is: waited for as it stands. */
function unchangedJob(planned: PlannedDocument): AppliedJob | undefined {
  const stored = planned.storedJob;
  if (planned.entry.action !== 'noop' || stored === undefined) return undefined;
  return { name: planned.document.metadata.name, ...stored, suspended: isSuspended(planned) };
}

/** Applies files; see the module documentation. */
export async function applyCommand(
  ctx: CommandContext,
  files: readonly string[],
  options: ApplyOptions,
): Promise<ExitCode> {
  const { io } = ctx;
  const specs = await loadSpecFiles(files, io.cwd);
  const client = await ctx.client();
  const planned = await planFiles(client, specs);
  writeLines(io.stdout, [renderPlan(planned)]);
  const changes = planned.filter((p) => p.entry.action !== 'noop');
  const applied = planned.flatMap((p) => unchangedJob(p) ?? []);
  if (changes.length === 0) return options.wait ? follow(ctx, applied) : EXIT.OK;

  writeLines(io.stdout, ['', 'Applying:']);
  const ordered = [
    ...changes.filter((p) => p.document.kind === 'FlinkCluster'),
    ...changes.filter((p) => p.document.kind === 'FlinkJob'),
  ];
  for (const planned of ordered) {
    // One at a time and in order: a failure stops the run with what is done already printed.
    const written = await write(client, planned);
    writeLines(io.stdout, [`  ${written.line}`]);
    if (written.job !== undefined) applied.push(written.job);
  }
  writeLines(io.stdout, [`Applied ${ordered.length} change${ordered.length === 1 ? '' : 's'}.`]);
  return options.wait ? follow(ctx, applied) : EXIT.OK;
}

async function follow(ctx: CommandContext, jobs: readonly AppliedJob[]): Promise<ExitCode> {
  if (jobs.length === 0) return EXIT.OK;
  writeLines(ctx.io.stdout, ['']);
  return waitForJobs(ctx, jobs.map(appliedTarget));
}
