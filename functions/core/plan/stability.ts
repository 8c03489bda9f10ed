/**
 * The stability gate: a version counts as stable only when it has really worked for a while:
 * RUNNING without interruption for the soak window, with enough completed checkpoints and no
 * more restarts than allowed. "Seen RUNNING once" (the Kubernetes operator's test) is not enough.
 */
export interface StabilityGate {
  minCompletedCheckpoints: number;
  maxRestarts: number;
  soakWindowMs: number;
  readinessTimeoutMs: number;
}

/** What the verifier read from Flink about the new job. */
export interface StabilityEvidence {
  /** Flink job state, or `MISSING` when the cluster does not know the job. */
  state: string;
  /** When the job last switched to RUNNING (epoch ms), if it has. */
  runningSince: number | undefined;
  /** Checkpoints this job completed (a restored one does not count). */
  completedCheckpoints: number;
  /** Failure timestamps (epoch ms) of the job's exception history: each one is a restart. */
  failureTimes: readonly number[];
  /** Flink's latest failure reason, for the record. */
  latestFailure: string | undefined;
}

export type StabilityVerdict =
  | { verdict: 'stable'; summary: string }
  | {
      verdict: 'pending';
      summary: string;
      /** When another look can change the verdict. */ recheckInMs: number;
    }
  | { verdict: 'unstable'; reason: string };

/**
 * Judges a job submitted at `submittedAt` against its gate at `now`. Pure: the evidence is read
 * by the caller.
 */
export function judgeStability(
  gate: StabilityGate,
  evidence: StabilityEvidence,
  submittedAt: number,
  now: number,
): StabilityVerdict {
  const failure = evidence.latestFailure ? `: ${evidence.latestFailure}` : '';
  if (evidence.state === 'FAILED' || evidence.state === 'CANCELED' || evidence.state === 'FINISHED')
    return { verdict: 'unstable', reason: `the job ended ${evidence.state}${failure}` };
  if (evidence.state === 'MISSING')
    return { verdict: 'unstable', reason: 'the cluster no longer knows the job' };

  const windowStart = Math.max(submittedAt, now - gate.soakWindowMs);
  const restarts = evidence.failureTimes.filter((t) => t >= windowStart).length;
  if (restarts > gate.maxRestarts)
    return {
      verdict: 'unstable',
      reason: `${restarts} restart(s) in the soak window, ${gate.maxRestarts} allowed${failure}`,
    };

  const running = evidence.state === 'RUNNING' && evidence.runningSince !== undefined;
  const soaked = running ? now - (evidence.runningSince ?? now) : 0;
  const summary = `${evidence.state}, ${Math.floor(soaked / 1000)}s of ${Math.floor(gate.soakWindowMs / 1000)}s soak, ${evidence.completedCheckpoints}/${gate.minCompletedCheckpoints} checkpoints, ${restarts}/${gate.maxRestarts} restarts`;
  if (
    running &&
    soaked >= gate.soakWindowMs &&
    evidence.completedCheckpoints >= gate.minCompletedCheckpoints
  )
    return { verdict: 'stable', summary };
  if (now - submittedAt > gate.readinessTimeoutMs)
    return {
      verdict: 'unstable',
      reason: `not stable within the readiness timeout of ${Math.floor(gate.readinessTimeoutMs / 1000)}s (${summary})${failure}`,
    };
  // Until the soak window is over nothing can pass; before RUNNING, look again soon.
  const soakLeft = running ? gate.soakWindowMs - soaked : 0;
  return { verdict: 'pending', summary, recheckInMs: Math.max(1_000, soakLeft) };
}
