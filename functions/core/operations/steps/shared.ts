import { storedErrorText } from '../../error-text.js';
import type { JobPhase, JobRecord, RetryBackoff } from '../../model/index.js';
import {
  JobNotOnClusterError,
  type ControlContext,
  type FlinkPort,
  type JobState,
} from '../../ports/index.js';
import { flinkJobSchema, type FlinkJob } from '../../spec/index.js';
import type { Target } from '../operation-data.js';
import { nextAttemptAt } from '../retry-policy.js';
import type { Exits, StepInput } from './step.js';

export function targetSpec(target: Target): FlinkJob {
  return flinkJobSchema.parse(target.spec);
}

export function nowIso(ctx: ControlContext): string {
  return ctx.now().toISOString();
}

/** When the current step began (epoch ms): the same for every retry of the step. */
export function stepStart(input: StepInput): number {
  const began =
    input.data.stepStartedAt ?? input.record.status.operation?.startedAt ?? nowIso(input.ctx);
  return Date.parse(began);
}

/** How long the current step has been going (a taken-over operation may be much older). */
export function sinceStart(input: StepInput): number {
  return input.ctx.now().getTime() - stepStart(input);
}

/** The phase a job returns to when an operation gives up without changing what runs. */
export function restingPhase(record: JobRecord): JobPhase {
  return record.status.lastStable?.specHash === record.status.lastApplied?.specHash
    ? 'STABLE'
    : 'RUNNING';
}

export function failedError(ctx: ControlContext, code: string, message: string) {
  return { code, message: storedErrorText(message), at: nowIso(ctx) };
}

/** The cluster a stopping or starting step acts on, and the spec it brings up. */
export async function clusterOf(input: StepInput): Promise<{ flink: FlinkPort; spec: FlinkJob }> {
  const spec = targetSpec(input.data.target);
  const running = input.record.status.lastApplied?.spec as
    { spec?: { clusterRef?: string } } | undefined;
  // Stopping acts where the old job runs; starting acts where the target spec says.
  const cluster = running?.spec?.clusterRef ?? spec.spec.clusterRef;
  return { flink: await input.ctx.flink(cluster), spec };
}

export async function jobOrMissing(flink: FlinkPort, jobId: string): Promise<JobState | undefined> {
  try {
    return await flink.getJob(jobId);
  } catch (error) {
    if (error instanceof JobNotOnClusterError) return undefined;
    throw error;
  }
}

/**
 * Ends an operation that could not do its work; what runs is left as it was, and the next attempt
 * for this spec backs off (retry-policy.ts), so a failing savepoint is not retried every cycle.
 */
export function giveUp(input: StepInput, code: string, message: string): Exits['finish'] {
  return {
    type: 'finish',
    outcome: 'failed',
    change: {
      phase: restingPhase(input.record),
      lastError: failedError(input.ctx, code, message),
      backoff: backoffAfter(input.ctx, input.record, message),
    },
    audit: `${input.kind}-aborted`,
    details: { code, message: storedErrorText(message) },
  };
}

/** The job's backoff after one more operation for its desired spec ended on a fault. */
export function backoffAfter(ctx: ControlContext, record: JobRecord, reason: string): RetryBackoff {
  const previous = record.status.backoff;
  const attempts = (previous?.specHash === record.specHash ? previous.attempts : 0) + 1;
  return {
    attempts,
    nextAttemptAt: nextAttemptAt(ctx.now(), attempts).toISOString(),
    specHash: record.specHash,
    reason: storedErrorText(reason),
  };
}
