/** Savepoint triggers and the answers of Flink's asynchronous operations. */
import { FlinkJobNotFoundError, SavepointFailedError } from './errors.js';
import { summarizeThrowable } from './flink-message.js';
import type { AsyncOperation } from './schemas.js';

export interface SavepointOptions {
  targetDirectory?: string;
  formatType?: 'CANONICAL' | 'NATIVE';
  /** Chosen by the caller and recorded before the trigger, so a retry never starts a second one. */
  triggerId?: string;
}

export interface StopOptions extends SavepointOptions {
  /** Emit MAX_WATERMARK before the savepoint (flushes timers: for a final stop, not an upgrade). */
  drain?: boolean;
}

/** The result of a completed savepoint operation. */
export interface SavepointResult {
  triggerId: string;
  location: string;
}

export function causeOf(failure: {
  class?: string | undefined;
  'stack-trace'?: string | undefined;
}): string {
  return summarizeThrowable(failure['stack-trace'] ?? '', failure.class ?? 'unknown cause');
}

export function completedLocation(
  status: AsyncOperation,
  jobId: string,
  triggerId: string,
): SavepointResult | undefined {
  if (status.status.id === 'IN_PROGRESS') return undefined;
  const failure = status.operation?.['failure-cause'];
  if (failure) {
    // A trigger for an unknown job is accepted and fails here, asynchronously.
    if (failure['stack-trace']?.includes('FlinkJobNotFoundException'))
      throw new FlinkJobNotFoundError(jobId, 'savepoint', causeOf(failure));
    throw new SavepointFailedError(jobId, triggerId, causeOf(failure));
  }
  const location = status.operation?.location;
  if (!location) throw new SavepointFailedError(jobId, triggerId, 'completed without a location');
  return { triggerId, location };
}
