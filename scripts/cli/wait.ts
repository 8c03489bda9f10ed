/**
 * `apply --wait`: follows changed jobs until the controller has rolled the new generation out
 * and the stability gate passed it (STABLE), or gave up on it (rejected, rolled back, FAILED).
 * It reads only the job status the API shows; the decision rule is {@link judge}.
 */
import type { JobView } from './api-types.js';
import type { CommandContext } from './context.js';
import { CliError, EXIT, type ExitCode } from './errors.js';
import { formatDuration } from './duration.js';
import { writeLines } from './io.js';

/** A job as it was just applied. */
export interface AppliedJob {
  name: string;
  generation: number;
  specHash: string;
  /** The applied spec declares the job suspended: done means SUSPENDED, not STABLE. */
  suspended: boolean;
}

/** Where a rollout stands. */
export type Verdict =
  { state: 'pending' } | { state: 'done'; summary: string } | { state: 'failed'; summary: string };

/**
 * Judges a job's status against what was applied:
 * - failed when the controller rejected the applied spec (its hash is `status.rejected`), which
 *   is also how a rollback to the last stable spec shows;
 * - done when the last stable generation reached the applied one with no operation in flight
 *   (for a suspended spec: the job is SUSPENDED with no operation in flight);
 * - pending otherwise.
 */
export function judge(job: JobView, applied: AppliedJob): Verdict {
  const s = job.status;
  if (s.rejected?.specHash === applied.specHash) {
    const reason = s.rejected.reason;
    const rolledBack =
      s.lastStable !== undefined && s.lastApplied?.specHash === s.lastStable.specHash;
    const summary =
      s.phase === 'ROLLING_BACK'
        ? `generation ${applied.generation} was rejected and is being rolled back: ${reason}`
        : rolledBack
          ? `generation ${applied.generation} was rejected and rolled back to generation ${s.lastStable?.generation ?? '?'}: ${reason}`
          : `generation ${applied.generation} was rejected (${s.phase}): ${reason}`;
    return { state: 'failed', summary };
  }
  if (s.operation !== undefined) return { state: 'pending' };
  if (applied.suspended)
    return s.phase === 'SUSPENDED'
      ? { state: 'done', summary: `SUSPENDED at generation ${applied.generation}` }
      : { state: 'pending' };
  if (s.lastStable !== undefined && s.lastStable.generation >= applied.generation)
    return { state: 'done', summary: `STABLE at generation ${s.lastStable.generation}` };
  return { state: 'pending' };
}

/**
 * A progress line: the phase, the operation step in flight, the last stable generation and the
 * last error, then the generation being waited for (a job may show STABLE for its old spec).
 */
export function progressOf(job: JobView, applied: AppliedJob): string {
  const s = job.status;
  let line: string = s.phase;
  if (s.operation !== undefined) line += ` (${s.operation.kind}: ${s.operation.step})`;
  if (s.lastStable !== undefined) line += `, stable at generation ${s.lastStable.generation}`;
  if (s.lastError !== undefined) line += `, last error ${s.lastError.code}: ${s.lastError.message}`;
  return `${line} — waiting for generation ${applied.generation}`;
}

/** How often the status is read. */
export const POLL_INTERVAL_MS = 2000;

/**
 * Polls every job until each is done or failed, printing a line whenever a job's progress
 * changes. Exit 0 when all are done; 1 when any failed or the time budget ran out.
 */
export async function waitForJobs(
  ctx: CommandContext,
  jobs: readonly AppliedJob[],
  intervalMs: number = POLL_INTERVAL_MS,
): Promise<ExitCode> {
  const { io, deadline } = ctx;
  const client = await ctx.client();
  writeLines(io.stdout, [
    `Waiting for ${jobs.length} job${jobs.length === 1 ? '' : 's'} (timeout ${formatDuration(deadline.budgetMs)}):`,
  ]);
  const pending = new Map(jobs.map((job) => [job.name, job]));
  const shown = new Map<string, string>();
  let failed = 0;
  for (;;) {
    const names = [...pending.keys()];
    const replies = await Promise.all(
      names.map((name) => client.getOptional<JobView>(`/v1/jobs/${encodeURIComponent(name)}`)),
    );
    names.forEach((name, index) => {
      const applied = pending.get(name);
      const reply = replies[index];
      if (applied === undefined) return;
      if (reply === undefined) {
        writeLines(io.stdout, [`  ${name}: FAILED — the job was deleted`]);
        pending.delete(name);
        failed += 1;
        return;
      }
      const verdict = judge(reply.body, applied);
      if (verdict.state === 'pending') {
        const progress = progressOf(reply.body, applied);
        if (shown.get(name) !== progress) writeLines(io.stdout, [`  ${name}: ${progress}`]);
        shown.set(name, progress);
        return;
      }
      pending.delete(name);
      if (verdict.state === 'failed') failed += 1;
      writeLines(io.stdout, [
        `  ${name}: ${verdict.state === 'done' ? verdict.summary : `FAILED — ${verdict.summary}`}`,
      ]);
    });
    if (pending.size === 0) break;
    if (deadline.remainingMs() <= intervalMs)
      throw new CliError(
        `Timed out after ${formatDuration(deadline.budgetMs)} waiting for ${[...pending.keys()].join(', ')}`,
        {
          exitCode: EXIT.FAILED,
          remedy:
            'The rollout continues; follow it with `fjc get NAME`, or wait longer with --timeout.',
        },
      );
    await io.sleep(intervalMs);
  }
  if (failed > 0) {
    writeLines(io.stderr, [
      `${failed} of ${jobs.length} job${jobs.length === 1 ? '' : 's'} did not become stable`,
    ]);
    return EXIT.FAILED;
  }
  return EXIT.OK;
}
