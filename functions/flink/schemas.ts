import { z } from 'zod';

/**
 * zod schemas of the Flink REST responses fjc reads. Objects are loose: Flink adds fields from
 * release to release and fjc must keep working; only the fields fjc acts on are checked.
 */

/** Every state a Flink job can be in (`JobStatus`). */
export const JOB_STATES = [
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'FAILING',
  'CANCELLING',
  'RESTARTING',
  'RECONCILING',
  'SUSPENDED',
  'FAILED',
  'CANCELED',
  'FINISHED',
] as const;
export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;

/** States after which the job never runs again on this cluster. */
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set([
  'FAILED',
  'CANCELED',
  'FINISHED',
]);

export const jobIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'a job id is 32 lowercase hex digits');

export const dashboardConfigSchema = z.looseObject({
  'flink-version': z.string(),
  'flink-revision': z.string().optional(),
  features: z
    .looseObject({ 'web-submit': z.boolean().optional(), 'web-cancel': z.boolean().optional() })
    .optional(),
});
export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;

export const clusterOverviewSchema = z.looseObject({
  taskmanagers: z.number().int(),
  'slots-total': z.number().int(),
  'slots-available': z.number().int(),
  'jobs-running': z.number().int(),
  'flink-version': z.string().optional(),
});
export type ClusterOverview = z.infer<typeof clusterOverviewSchema>;

export const jobOverviewSchema = z.looseObject({
  jid: jobIdSchema,
  name: z.string(),
  state: jobStateSchema,
  'start-time': z.number(),
  'end-time': z.number(),
  'last-modification': z.number().optional(),
  duration: z.number().optional(),
  // 2.x lists a job that is INITIALIZING, or was refused at submission, with `null`; 1.20 omits it.
  schedulerType: z.string().nullish(),
});
export type JobOverview = z.infer<typeof jobOverviewSchema>;

/** The job list's envelope; its entries are read one by one by {@link readJobList}. */
export const jobsOverviewSchema = z.looseObject({ jobs: z.array(z.unknown()) });

/** An entry of a cluster's job list that fjc could not read, and why. */
export interface UnreadableJobEntry {
  /** The entry's job id, when at least that could be read. */
  jid?: string;
  /** The fields that did not match, e.g. `state: Invalid option: expected one of …`. */
  reason: string;
}

/** A cluster's job list: the entries fjc can read, and those it had to set aside. */
export interface JobList {
  jobs: JobOverview[];
  unreadable: UnreadableJobEntry[];
}

/**
 * Reads a job list entry by entry, so one entry fjc cannot read (a state added by a newer Flink,
 * a field that turned null) is set aside with its reason instead of making the whole cluster
 * unreadable: the other jobs on a shared cluster stay observed.
 */
export function readJobList(entries: readonly unknown[]): JobList {
  const list: JobList = { jobs: [], unreadable: [] };
  for (const entry of entries) {
    const parsed = jobOverviewSchema.safeParse(entry);
    if (parsed.success) {
      list.jobs.push(parsed.data);
      continue;
    }
    const jid =
      entry !== null && typeof entry === 'object' && 'jid' in entry && typeof entry.jid === 'string'
        ? entry.jid.slice(0, 64)
        : undefined;
    const reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`)
      .join('; ');
    list.unreadable.push({ ...(jid === undefined ? {} : { jid }), reason });
  }
  return list;
}

export const jobDetailSchema = z.looseObject({
  jid: jobIdSchema,
  name: z.string(),
  state: jobStateSchema,
  'start-time': z.number(),
  'end-time': z.number(),
  duration: z.number().optional(),
  maxParallelism: z.number().optional(),
  timestamps: z.record(z.string(), z.number()).optional(),
  vertices: z
    .array(
      z.looseObject({
        id: z.string(),
        name: z.string(),
        parallelism: z.number().int(),
        status: z.string().optional(),
      }),
    )
    .default([]),
  // Which vertex feeds which: read to find the sink-side vertices (no vertex consumes them).
  plan: z
    .looseObject({
      nodes: z
        .array(
          z.looseObject({
            id: z.string(),
            inputs: z.array(z.looseObject({ id: z.string() })).optional(),
          }),
        )
        .default([]),
    })
    .optional(),
});
export type JobDetail = z.infer<typeof jobDetailSchema>;

const exceptionEntrySchema = z.looseObject({
  exceptionName: z.string(),
  stacktrace: z.string(),
  timestamp: z.number(),
  taskName: z.string().nullish(),
});

export const jobExceptionsSchema = z.looseObject({
  exceptionHistory: z.looseObject({
    entries: z.array(exceptionEntrySchema).default([]),
    truncated: z.boolean().optional(),
  }),
});
export type JobException = z.infer<typeof exceptionEntrySchema>;

const completedCheckpointSchema = z.looseObject({
  id: z.number(),
  external_path: z.string().nullish(),
  latest_ack_timestamp: z.number().optional(),
  is_savepoint: z.boolean().optional(),
  trigger_timestamp: z.number().optional(),
  end_to_end_duration: z.number().optional(),
});

const failedCheckpointSchema = z.looseObject({
  id: z.number(),
  is_savepoint: z.boolean().optional(),
  trigger_timestamp: z.number().optional(),
  failure_message: z.string().nullish(),
});

export const checkpointingStatsSchema = z.looseObject({
  counts: z.looseObject({
    completed: z.number().int(),
    failed: z.number().int(),
    in_progress: z.number().int(),
    restored: z.number().int(),
    total: z.number().int(),
  }),
  latest: z.looseObject({
    completed: completedCheckpointSchema.nullish(),
    savepoint: completedCheckpointSchema.nullish(),
    failed: failedCheckpointSchema.nullish(),
    restored: z
      .looseObject({
        id: z.number(),
        external_path: z.string().nullish(),
        is_savepoint: z.boolean().optional(),
        restore_timestamp: z.number().optional(),
      })
      .nullish(),
  }),
});
export type CheckpointingStats = z.infer<typeof checkpointingStatsSchema>;

/**
 * `GET /jobs/:id/vertices/:vid/subtasks/metrics[?get=…&agg=…]`: metric ids, and with `get` their
 * aggregates over the subtasks. A gauge Flink cannot compute comes as a non-number (e.g. NaN):
 * read as absent, never as zero.
 */
export const aggregatedMetricsSchema = z.array(
  z.looseObject({
    id: z.string(),
    sum: z.unknown().optional(),
    max: z.unknown().optional(),
  }),
);
export type AggregatedMetrics = z.infer<typeof aggregatedMetricsSchema>;

/** `GET /jobmanager/config`: the cluster's effective configuration, key by key. */
export const jobManagerConfigSchema = z.array(
  z.looseObject({ key: z.string(), value: z.string() }),
);

/** `GET /jobs/:id/checkpoints/config`: only the interval is read (Long.MAX when disabled). */
export const checkpointConfigSchema = z.looseObject({ interval: z.number().optional() });
export type CheckpointConfig = z.infer<typeof checkpointConfigSchema>;

export const accumulatorsSchema = z.looseObject({
  'user-task-accumulators': z
    .array(z.looseObject({ name: z.string(), type: z.string(), value: z.string() }))
    .default([]),
});

export const jarUploadSchema = z.looseObject({
  filename: z.string().min(1),
  status: z.literal('success'),
});

/** `GET /jars`: the uploaded jars (`uploaded` is epoch ms). */
export const jarListSchema = z.looseObject({
  files: z
    .array(z.looseObject({ id: z.string().min(1), name: z.string(), uploaded: z.number() }))
    .default([]),
});
export type JarList = z.infer<typeof jarListSchema>;

export const jarRunSchema = z.looseObject({ jobid: jobIdSchema });

export const triggerSchema = z.looseObject({ 'request-id': z.string().min(1) });

const serializedThrowableSchema = z.looseObject({
  class: z.string().optional(),
  'stack-trace': z.string().optional(),
});

export const asyncOperationSchema = z.looseObject({
  status: z.looseObject({ id: z.enum(['IN_PROGRESS', 'COMPLETED']) }),
  operation: z
    .looseObject({
      location: z.string().nullish(),
      'failure-cause': serializedThrowableSchema.nullish(),
    })
    .nullish(),
});
export type AsyncOperation = z.infer<typeof asyncOperationSchema>;

export const resourceRequirementsSchema = z.record(
  z.string(),
  z.looseObject({
    parallelism: z.looseObject({ lowerBound: z.number().int(), upperBound: z.number().int() }),
  }),
);
export type ResourceRequirements = z.infer<typeof resourceRequirementsSchema>;

/** Flink's error body: `{"errors": ["message", "<Exception on server side: …>"]}`. */
export const errorBodySchema = z.looseObject({ errors: z.array(z.string()) });

/**
 * `POST /jars/:id/plan` and `GET /jobs/:id/plan`: the job graph. Each node is a JobVertex: its id
 * is the chain head operator's id (derived from its uid, else from the graph's shape), its
 * description names the chained operators.
 */
export const jobPlanSchema = z.looseObject({
  plan: z.looseObject({
    nodes: z
      .array(
        z.looseObject({
          id: z.string().min(1),
          parallelism: z.number().int().optional(),
          description: z.string().optional(),
          operator: z.string().optional(),
        }),
      )
      .default([]),
  }),
});
export type JobPlan = z.infer<typeof jobPlanSchema>;

/** `GET /jobs/:id/checkpoints/details/:checkpointId`: the state size per vertex. */
export const checkpointDetailSchema = z.looseObject({
  tasks: z.record(z.string(), z.looseObject({ state_size: z.number().optional() })).default({}),
});
export type CheckpointDetail = z.infer<typeof checkpointDetailSchema>;
