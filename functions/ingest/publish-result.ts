import type { IngestContext, IngestOutcome } from './context.js';
import { resultKeyFor, type SpecFileResult } from './result.js';

/** Writes the result object of a spec file and returns it as the outcome of the event. */
export async function publishResult(
  ctx: IngestContext,
  result: SpecFileResult,
): Promise<Extract<IngestOutcome, { result: SpecFileResult }>> {
  const resultKey = resultKeyFor(result.source.key);
  await ctx.objects.putResult(result.source.bucket, resultKey, result);
  return {
    status: result.status,
    bucket: result.source.bucket,
    key: result.source.key,
    resultKey,
    result,
  };
}

/**
 * Writes a `failed` result before the error goes back to Lambda (which retries the event), so
 * the uploader sees why nothing — or not everything — happened. Never hides the original error:
 * if the result cannot be written either, that is only logged.
 */
export async function publishFailure(
  ctx: IngestContext,
  result: SpecFileResult,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  try {
    await publishResult(ctx, {
      ...result,
      status: 'failed',
      issues: [
        ...(result.issues ?? []),
        {
          path: 'file',
          message: `${message} (the change will be retried; applying a file again is idempotent)`,
        },
      ],
    });
  } catch (writeError) {
    ctx.logger?.warn('could not write the failed result object', {
      key: result.source.key,
      error: writeError instanceof Error ? writeError.message : String(writeError),
    });
  }
}
