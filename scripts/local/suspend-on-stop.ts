import { randomBytes } from 'node:crypto';
import { startLeasedOperation } from '../../functions/core/operations/start.js';
import { leaseTtlMs } from '../../functions/core/operations/advance.js';
import type { JobRecord } from '../../functions/core/model/index.js';
import type { ControlContext, ExecutionAction } from '../../functions/core/ports/index.js';
import type { StateMachinePort } from '../../functions/core/ports/index.js';
import { flinkJobSchema } from '../../functions/core/spec/index.js';
import { sleep } from '../../functions/commons/sleep.js';

/** What stopping did to each job that was running. */
export interface SuspendOnStopReport {
  /** Jobs now SUSPENDED with a savepoint (or cancelled, for stateless ones). */
  suspended: string[];
  /** Jobs left as they were, and why: they resume or are recovered on the next start. */
  left: { jobName: string; reason: string }[];
}

/** Why a job is not suspended on stop, or undefined when it should be. */
function notSuspendable(record: JobRecord, now: Date): string | undefined {
  const status = record.status;
  if (status.operation) return `its ${status.operation.kind} is in flight`;
  if (record.lease && Date.parse(record.lease.expiresAt) > now.getTime())
    return 'another worker holds its lease';
  if (status.jobId === undefined || status.lastApplied === undefined) return 'no job runs';
  if (status.phase === 'SUSPENDED' || status.phase === 'FAILED' || status.phase === 'PENDING')
    return `it is ${status.phase}`;
  return undefined;
}

/**
 * Suspends every running job with a savepoint before the local run stops its Flink, so that the
 * next start resumes each job from where it stopped rather than from an older savepoint. The
 * desired state is not touched: the job is SUSPENDED in status only, and the next start's
 * planner resumes it because its spec still says `running`. Waits at most `timeoutMs` for the
 * operations, then returns anyway: an unfinished suspend is this worker's, resumed on restart.
 */
export async function suspendRunningJobs(
  runtime: { context: ControlContext; stateMachine: StateMachinePort },
  options: { timeoutMs: number; pollMs?: number },
): Promise<SuspendOnStopReport> {
  const { context: ctx, stateMachine } = runtime;
  const deadline = Date.now() + options.timeoutMs;
  const report: SuspendOnStopReport = { suspended: [], left: [] };
  const actions: ExecutionAction[] = [];
  const records = (await ctx.store.listJobs({ limit: 1000 })).items;
  for (const record of records) {
    const now = ctx.now();
    const reason = notSuspendable(record, now);
    const desired = flinkJobSchema.safeParse(record.spec);
    if (reason !== undefined || !desired.success) {
      report.left.push({ jobName: record.name, reason: reason ?? 'its stored spec is invalid' });
      continue;
    }
    const clusterRef = record.clusterRef;
    const owner = `${ctx.workerId ?? 'local'}:${ctx.newId()}`;
    try {
      const leased = await ctx.store.acquireLease(record.name, owner, leaseTtlMs(ctx), now);
      const started = await startLeasedOperation(
        ctx,
        leased,
        {
          jobName: record.name,
          kind: 'suspend',
          reason: 'the local run is stopping: suspended with a savepoint, resumed on next start',
          expectedVersion: leased.version,
          clusterRef,
          // What runs is suspended, even when a change to it is pending.
          keepLastApplied: true,
        },
        desired.data,
        { owner, actor: 'fjc:local', reason: 'the local run is stopping', now },
      );
      if (!started) throw new Error('no suspend operation for this job');
      actions.push(started);
    } catch (error) {
      report.left.push({
        jobName: record.name,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (actions.length === 0) return report;
  await stateMachine.start({ correlationId: randomBytes(8).toString('hex'), actions });
  const pending = new Set(actions.map((a) => a.jobName));
  while (pending.size > 0 && Date.now() < deadline) {
    for (const name of [...pending]) {
      const record = await ctx.store.getJob(name);
      if (record?.status.operation !== undefined) continue;
      pending.delete(name);
      if (record?.status.phase === 'SUSPENDED') report.suspended.push(name);
      else
        report.left.push({ jobName: name, reason: `ended ${record?.status.phase ?? 'deleted'}` });
    }
    if (pending.size > 0) await sleep(options.pollMs ?? 250);
  }
  for (const name of pending)
    report.left.push({ jobName: name, reason: 'its suspend did not finish in time' });
  return report;
}
