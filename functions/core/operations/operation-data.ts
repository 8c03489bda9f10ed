import { z } from 'zod';
import { FjcError } from '../../commons/errors.js';

/** Steps that act on Flink (the Step function runs them). */
export const ACT_STEPS = [
  'preflight',
  'locate-restore-point',
  'resolve-chosen-savepoint',
  'stop-with-savepoint',
  'trigger-savepoint',
  'read-checkpoint',
  'cancel',
  'submit',
  'rescale',
  'retention',
  'finish-suspend',
] as const;
/** Steps that only look and record (the Verify function runs them after a pause). */
export const CHECK_STEPS = ['await-savepoint', 'await-stopped', 'await-stable'] as const;
export type ActStep = (typeof ACT_STEPS)[number];
export type CheckStep = (typeof CHECK_STEPS)[number];
export type Step = ActStep | CheckStep;

export function isCheckStep(step: string): step is CheckStep {
  return (CHECK_STEPS as readonly string[]).includes(step);
}

/** The spec an operation is bringing up, as stored (the encoded document) with its identity. */
export const targetSchema = z.object({
  spec: z.record(z.string(), z.unknown()),
  specHash: z.string(),
  generation: z.number().int(),
});
export type Target = z.infer<typeof targetSchema>;

/**
 * Everything an operation has to remember between steps, kept in the job's status item (the
 * write-ahead log). Each id is chosen and written down BEFORE the call that uses it, so that a
 * retried or taken-over step finds the savepoint or job it started instead of starting another.
 */
export const operationDataSchema = z.object({
  /** The upgrade mode the operation follows (from the desired spec when it began). */
  mode: z.enum(['stateless', 'savepoint', 'last-state']),
  target: targetSchema,
  reason: z.string(),
  /** The Flink job the operation stops or replaces. */
  previousJobId: z.string().optional(),
  /** Trigger id of the savepoint in flight (also its catalog id suffix). */
  triggerId: z.string().optional(),
  /** When fjc (re)triggered that savepoint (ISO), to recognize it in Flink's history. */
  triggeredAt: z.string().optional(),
  /** Catalog id of that savepoint, recorded when it is catalogued, so polls need no lookup. */
  savepointId: z.string().optional(),
  savepointKind: z.enum(['periodic', 'upgrade', 'suspend', 'manual', 'rollback']).optional(),
  /** Snapshot to restore the new job from, once known. */
  restorePath: z.string().optional(),
  /** The Flink job id of the next submission, recorded before `/run`. */
  pendingJobId: z.string().optional(),
  /** When the current job was submitted (ISO), for the readiness timeout. */
  submittedAt: z.string().optional(),
  /** Set on a rollback: what failed and why. */
  rollbackOf: z.object({ specHash: z.string(), reason: z.string() }).optional(),
  /** The savepoint nonce this operation answers (manual savepoints). */
  savepointNonce: z.number().int().optional(),
  /** When the current step began (ISO): step deadlines count from here, not from the operation. */
  stepStartedAt: z.string().optional(),
  /** Steps that failed after all retries; the operation ends FAILED at {@link MAX_STEP_FAILURES}. */
  failures: z.number().int().optional(),
  /**
   * The stability gate's metric samples of the soak window for the Flink job `jobId` (bounded:
   * plan/metric-gate.ts MAX_METRIC_SAMPLES), so that "sustained" is judged from the record.
   */
  gateSamples: z
    .object({
      jobId: z.string(),
      samples: z.array(
        z.object({
          at: z.number(),
          recordsOut: z.number().optional(),
          busyRatio: z.number().optional(),
          backpressuredRatio: z.number().optional(),
          checkpointDurationMs: z.number().optional(),
        }),
      ),
    })
    .optional(),
});

/** A step that keeps failing after the state machine's retries ends its operation. */
export const MAX_STEP_FAILURES = 3;
export type OperationData = z.infer<typeof operationDataSchema>;

/** Reads the recorded data of an operation; a record fjc cannot read is a bug, said plainly. */
export function readOperationData(raw: unknown): OperationData {
  const parsed = operationDataSchema.safeParse(raw);
  if (!parsed.success)
    throw new FjcError(`The recorded operation cannot be read: ${parsed.error.message}`, {
      remedy: 'Inspect the job’s status item; clear the operation to let fjc plan afresh.',
    });
  return parsed.data;
}
