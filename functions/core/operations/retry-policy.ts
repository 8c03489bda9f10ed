/**
 * fjc's one retry policy, written down as data. Every outcome of a call to a cluster is one of:
 *
 * | outcome | examples | what fjc does |
 * | --- | --- | --- |
 * | transient | unreachable, connection reset, timeout, lost answer, HTTP 5xx naming no refusal | ask again later with backoff; never a rejection; the outcome is learnt, never assumed |
 * | refusal | HTTP 4xx, or 5xx naming Flink's refusal (ProgramInvocationException: main() failed, no such class; restore incompatible) | the spec is marked rejected and not retried until it changes |
 * | failure reported | a savepoint whose status or checkpoint history says FAILED | the operation ends and says why; what runs keeps running |
 *
 * The adapter maps (functions/flink/http.ts → flink-port.ts: {@link ClusterUnavailableError} vs
 * `ClusterRefusedError`); the core acts on those two kinds only.
 */
import { ClusterUnavailableError } from '../ports/index.js';

/** True for a fault after which asking again may give an answer (see the table above). */
export function isTransient(error: unknown): error is ClusterUnavailableError {
  return error instanceof ClusterUnavailableError;
}

/** The error name under which a transient fault reaches the state machine (its retry list too). */
export const TRANSIENT_ERROR_NAME = 'ClusterUnavailableError';

/**
 * How long one step keeps asking through transient faults before it hands the fault to the state
 * machine's failure count (MAX_STEP_FAILURES): long enough for a JobManager restart or a minute
 * of network blackhole, short enough that a dead cluster is reported.
 */
export const TRANSIENT_STEP_BUDGET_MS = 15 * 60_000;

/** Pauses between two asks within a step: 2 s, growing with the time lost, at most 30 s. */
export const STEP_RETRY = { minSeconds: 2, maxSeconds: 30 } as const;

/** The pause before asking again, `elapsedMs` into a step's transient faults. */
export function stepRetrySeconds(elapsedMs: number): number {
  const grown = Math.round(elapsedMs / 10_000);
  return Math.min(STEP_RETRY.maxSeconds, Math.max(STEP_RETRY.minSeconds, grown));
}

/** Per-job backoff between operations that ended on transient faults: 30 s doubling, cap 30 min. */
export const JOB_RETRY = { baseMs: 30_000, capMs: 30 * 60_000 } as const;

/** When the next attempt may start after `attempts` consecutive transient endings (≥ 1). */
export function nextAttemptAt(now: Date, attempts: number): Date {
  const delay = Math.min(JOB_RETRY.capMs, JOB_RETRY.baseMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + delay);
}

/**
 * How far a savepoint's trigger time in Flink's history may precede fjc's own record of the
 * trigger and still be the one fjc asked for (clock skew between fjc and the JobManager).
 */
export const TRIGGER_CLOCK_SKEW_MS = 5_000;
