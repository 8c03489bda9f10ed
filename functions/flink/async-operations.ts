/** Savepoint triggers and the answers of Flink's asynchronous operations. */
import { newFlinkId } from './client-input.js';
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

/** The body of `POST /jobs/:id/savepoints` (a fresh trigger id unless the caller chose one). */
export function savepointBody(options: SavepointOptions): Record<string, unknown> & {
  triggerId: string;
} {
  return {
    'cancel-job': false,
    triggerId: options.triggerId ?? newFlinkId(),
    ...(options.targetDirectory === undefined
      ? {}
      : { 'target-directory': options.targetDirectory }),
    ...(options.formatType === undefined ? {} : { formatType: options.formatType }),
  };
}

/** The body of `POST /jobs/:id/stop`: note Flink spells the directory differently here. */
export function stopBody(options: StopOptions): Record<string, unknown> & { triggerId: string } {
  return {
    drain: options.drain ?? false,
    triggerId: options.triggerId ?? newFlinkId(),
    ...(options.targetDirectory === undefined ? {} : { targetDirectory: options.targetDirectory }),
    ...(options.formatType === undefined ? {} : { formatType: options.formatType }),
  };
}
