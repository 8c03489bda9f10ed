/**
 * `--wait`: follows jobs until each is in the state its spec (or an action) asks for, or the
 * controller gave up on it. It reads only what the API shows (the job, and for actions the
 * savepoint catalog); the decision rule for a spec is {@link judge}, an action's lives with the
 * action (action-wait.ts).
 */
import { PREFLIGHT_REASON_PREFIX } from '../../functions/core/plan/preflight.js';
import type { ApiClient } from './api-client.js';
import type { JobView } from './api-types.js';
import type { CommandContext } from './context.js';
import { CliError, EXIT, type ExitCode } from './errors.js';
import { formatDuration } from './duration.js';
import { writeLines } from './io.js';
import { renderGateLine } from './render/gate.js';

/** A job as it was applied (or found already stored by `apply`). */
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
 *   is also how a rollback to the last stable spec shows; or when the job is FAILED with no
 *   operation in flight, at the applied generation or later (known to be down, not pending);
 * - done, with no operation in flight, when the job is SUSPENDED for a suspended spec, or STABLE
 *   on the applied spec: its last stable generation reached the applied one, or the last stable
 *   spec is the applied one (a rollback to it, an apply of what already runs);
 * - pending otherwise (the controller has not acted yet, an operation is in flight, the cluster
 *   cannot be reached).
 */
export function judge(job: JobView, applied: AppliedJob): Verdict {
  const s = job.status;
  if (s.rejected?.specHash === applied.specHash) {
    const reason = s.rejected.reason;
    const rolledBack =
      s.lastStable !== undefined && s.lastApplied?.specHash === s.lastStable.specHash;
    // Refused before the stop: nothing was rolled back, the previous generation never stopped.
    const preflight = reason.startsWith(PREFLIGHT_REASON_PREFIX);
    const summary = preflight
      ? `generation ${applied.generation} was refused by the pre-flight; generation ${s.lastApplied?.generation ?? '?'} keeps running: ${reason.slice(PREFLIGHT_REASON_PREFIX.length)}`
      : s.phase === 'ROLLING_BACK'
        ? `generation ${applied.generation} was rejected and is being rolled back: ${reason}`
        : rolledBack
          ? `generation ${applied.generation} was rejected and rolled back to generation ${s.lastStable?.generation ?? '?'}: ${reason}`
          : `generation ${applied.generation} was rejected (${s.phase}): ${reason}`;
    return { state: 'failed', summary };
  }
  if (s.operation !== undefined) return { state: 'pending' };
  if (s.phase === 'FAILED' && (s.lastApplied?.generation ?? 0) >= applied.generation)
    return {
      state: 'failed',
      summary: `the job is FAILED at generation ${s.lastApplied?.generation ?? applied.generation}: ${s.lastError?.message ?? 'no reason recorded'}`,
    };
  if (applied.suspended)
    return s.phase === 'SUSPENDED'
      ? { state: 'done', summary: `SUSPENDED at generation ${applied.generation}` }
      : { state: 'pending' };
  const stable = s.lastStable;
  if (
    s.phase === 'STABLE' &&
    stable !== undefined &&
    (stable.generation >= applied.generation || stable.specHash === applied.specHash)
  )
    return { state: 'done', summary: `STABLE at generation ${stable.generation}` };
  return { state: 'pending' };
}

/**
 * A progress line: the phase, the operation step in flight, the last stable generation and the
 * last error, then what is waited for (a job may show STABLE for its old spec).
 */
export function progressOf(job: JobView, goal: string): string {
  const s = job.status;
  let line: string = s.phase;
  if (s.operation !== undefined) line += ` (${s.operation.kind}: ${s.operation.step})`;
  // While the stability gate soaks, say what it waits for rather than a bare step name.
  if (s.operation?.step === 'await-stable' && s.gate?.verdict === 'pending')
    line += `, gate ${renderGateLine(s.gate)}`;
  if (s.lastStable !== undefined) line += `, stable at generation ${s.lastStable.generation}`;
  if (s.lastError !== undefined) line += `, last error ${s.lastError.code}: ${s.lastError.message}`;
  return `${line} — waiting for ${goal}`;
}

/** One job to wait for, and how to tell when the wait is over. */
export interface WaitTarget {
  name: string;
  /** What is waited for, as the progress line ends: `generation 3`, `the savepoint`. */
  goal: string;
  /** Judges the job as just read; may read more (the savepoint catalog) through `client`. */
  judge(job: JobView, client: ApiClient): Promise<Verdict>;
}

/** The target of a spec as applied: {@link judge}. */
export function appliedTarget(applied: AppliedJob): WaitTarget {
  return {
    name: applied.name,
    goal: `generation ${applied.generation}`,
    judge: (job) => Promise.resolve(judge(job, applied)),
  };
}

/** How often the status is read. */
export const POLL_INTERVAL_MS = 2000;

/** Options of {@link waitForJobs}. */
export interface WaitOptions {
  intervalMs?: number;
  /** Where progress and outcome lines go (default stdout). */
  out?: (text: string) => void;
  /** The end of the closing line on failure: `did not become stable` by default. */
  failure?: string;
}

/**
 * Polls every job until each is done or failed, printing a line whenever a job's progress
 * changes. Exit 0 when all are done; 1 when any failed or the time budget ran out.
 */
export async function waitForJobs(
  ctx: CommandContext,
  targets: readonly WaitTarget[],
  options: WaitOptions = {},
): Promise<ExitCode> {
  const { io, deadline } = ctx;
  const intervalMs = options.intervalMs ?? POLL_INTERVAL_MS;
  const out = options.out ?? io.stdout;
  const client = await ctx.client();
  writeLines(out, [
    `Waiting for ${targets.length} job${targets.length === 1 ? '' : 's'} (timeout ${formatDuration(deadline.budgetMs)}):`,
  ]);
  const pending = new Map(targets.map((target) => [target.name, target]));
  const shown = new Map<string, string>();
  let failed = 0;
  for (;;) {
    const looks = await Promise.all(
      [...pending].map(async ([name, target]) => {
        const reply = await client.getOptional<JobView>(`/v1/jobs/${encodeURIComponent(name)}`);
        return {
          name,
          reply,
          verdict: reply === undefined ? undefined : await target.judge(reply.body, client),
        };
      }),
    );
    for (const { name, reply, verdict } of looks) {
      if (reply === undefined || verdict === undefined) {
        writeLines(out, [`  ${name}: FAILED — the job was deleted`]);
        pending.delete(name);
        failed += 1;
        continue;
      }
      if (verdict.state === 'pending') {
        const progress = progressOf(reply.body, pending.get(name)?.goal ?? '');
        if (shown.get(name) !== progress) writeLines(out, [`  ${name}: ${progress}`]);
        shown.set(name, progress);
        continue;
      }
      pending.delete(name);
      if (verdict.state === 'failed') failed += 1;
      writeLines(out, [
        `  ${name}: ${verdict.state === 'done' ? verdict.summary : `FAILED — ${verdict.summary}`}`,
      ]);
    }
    if (pending.size === 0) break;
    if (deadline.remainingMs() <= intervalMs)
      throw new CliError(
        `Timed out after ${formatDuration(deadline.budgetMs)} waiting for ${[...pending.keys()].join(', ')}`,
        {
          exitCode: EXIT.FAILED,
          remedy:
            'The controller carries on; follow the job with `fjc get NAME`, or wait longer with --timeout.',
        },
      );
    await io.sleep(intervalMs);
  }
  if (failed > 0) {
    writeLines(io.stderr, [
      `${failed} of ${targets.length} job${targets.length === 1 ? '' : 's'} ${options.failure ?? 'did not become stable'}`,
    ]);
    return EXIT.FAILED;
  }
  return EXIT.OK;
}
