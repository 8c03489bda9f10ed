/** The stability gate's progress as the API shows it (functions/core/model/gate.ts). */
import { z } from 'zod';

const count = (what: string) =>
  z.object({ done: z.number(), required: z.number() }).describe(`${what}: done of required.`);

/** One metric condition of the gate. */
export const gateConditionSchema = z.object({
  name: z.enum([
    'minRecordsOut',
    'maxBusyTimeRatio',
    'maxBackpressuredTimeRatio',
    'maxCheckpointDuration',
  ]),
  value: z
    .number()
    .optional()
    .describe('The value the verdict rests on (ms for durations); absent until Flink reports it.'),
  bound: z.number().describe('The bound the spec sets (ms for durations).'),
  met: z.boolean().optional().describe('Absent while it cannot be told yet.'),
});

/** Where the gate of the version last judged stands, written each time fjc looks. */
export const gateProgressSchema = z
  .object({
    specHash: z.string(),
    jobId: z.string(),
    verdict: z.enum(['pending', 'stable', 'unstable']),
    at: z.string().describe('When fjc last looked (ISO-8601).'),
    state: z.string().describe('The Flink job state seen.'),
    soakMs: count('RUNNING time without interruption, in ms'),
    checkpoints: count('Checkpoints completed'),
    restarts: count('Restarts in the soak window: used (done) of allowed (required)'),
    conditions: z.array(gateConditionSchema),
  })
  .describe('The stability gate of the version last judged: its progress, or its verdict.');
