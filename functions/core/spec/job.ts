/**
 * `kind: FlinkJob`: one Flink job in its desired state, plus the policies fjc follows when it
 * deploys, upgrades, snapshots, judges and deletes it.
 */
import { z } from 'zod';
import {
  API_VERSION,
  boundedInt,
  dnsLabel,
  duration,
  durationOrOff,
  metadataSchema,
  patternRule,
  storageLocation,
} from './common.js';
import {
  INLINE_SECRET_KEY_MESSAGE,
  inlineSecretInValue,
  inlineSecretsInArgs,
  namesSecret,
} from './secrets.js';
import {
  PROGRAM_JSON_SCHEMA,
  jarArtifactSchema,
  programIssues,
  pythonProgramSchema,
  sqlProgramSchema,
} from './program.js';
import { FJC_MANAGED_KEYS, managedConfigurationProblem } from './managed-configuration.js';

/**
 * The job's jar. `uri` is an S3 object or, for local clusters, a file path (absolute, or
 * relative to the directory fjc runs in). `sha256` pins the exact content: it is verified before
 * upload, so a rebuilt jar under the same name cannot slip in unnoticed.
 */
export const artifactSchema = jarArtifactSchema;

const JAVA_IDENTIFIER = String.raw`[\p{L}_$][\p{L}\p{N}_$]*`;
const JAVA_FQCN = new RegExp(`^(${JAVA_IDENTIFIER}\\.)*${JAVA_IDENTIFIER}$`, 'u');

function configurationKeyProblem(key: string): string | undefined {
  if (key === '' || key.trim() !== key) return 'must be non-empty without surrounding spaces';
  if (key.startsWith('$internal.')) return managedConfigurationProblem(key);
  if (namesSecret(key)) return INLINE_SECRET_KEY_MESSAGE;
  return managedConfigurationProblem(key);
}

/** Reports a problem of a free-form string as a custom issue. */
function refuseInlineSecret(value: string, ctx: z.RefinementCtx): void {
  const problem = inlineSecretInValue(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
}

/**
 * Flink configuration for this job, passed on submission. Values are strings because Flink
 * reads them as strings; requiring quotes in YAML avoids `1.10` turning into `1.1`.
 */
export const flinkConfigurationSchema = z
  .record(
    z
      .string()
      .superRefine((key, ctx) => {
        const problem = configurationKeyProblem(key);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      // Keys that name a credential are refused by words, which no pattern expresses.
      .meta({
        ...patternRule(
          String.raw`^(?!\$internal\.)\S(?:[\s\S]*\S)?$`,
          'must be non-empty without surrounding spaces, and not start with $internal. (reserved for Flink)',
        ),
        not: { enum: [...FJC_MANAGED_KEYS] },
      }),
    z
      .string({ error: 'must be a string (quote numbers and booleans in YAML)' })
      .superRefine(refuseInlineSecret),
  )
  .prefault({});

/** How the job is stopped and restarted when its spec changes. */
export const UPGRADE_MODES = ['stateless', 'savepoint', 'last-state'] as const;
/** What happens to the running job when its spec is deleted. */
export const DELETION_POLICIES = ['suspend-with-savepoint', 'cancel', 'keep-running'] as const;
/** The states a user can ask for. */
export const DESIRED_STATES = ['running', 'suspended'] as const;

/**
 * A declared restore from a chosen savepoint (of a running job, or at a first deploy or a
 * resume: core/restore-source.ts): like the Kubernetes operator's `savepointRedeployNonce`, a
 * changed `nonce` is the request, so the same choice can be made again (and re-applying an
 * unchanged spec does nothing).
 */
const SAVEPOINT_ID = /^[0-9]{8}T[0-9]{9}Z-[A-Za-z0-9_-]{1,64}$/;
const SAVEPOINT_ID_MESSAGE =
  'must be a savepoint id from the job’s catalog (GET /v1/jobs/{name}/savepoints)';

export const restoreFromSchema = z
  .strictObject({
    savepointId: z
      .string({ error: 'must be a string' })
      .regex(SAVEPOINT_ID, { error: SAVEPOINT_ID_MESSAGE })
      .meta(patternRule(SAVEPOINT_ID.source, SAVEPOINT_ID_MESSAGE))
      .optional()
      .describe('Catalog id of the savepoint to restore (see `fjc savepoints`).'),
    path: storageLocation().optional().describe('A savepoint or retained checkpoint location.'),
    nonce: z
      .number({ error: 'must be a whole number (change it to restore again)' })
      .int({ error: 'must be a whole number (change it to restore again)' })
      .min(1, { error: 'must be 1 or more' })
      .describe(
        'Change to restore again; the restore happens when it differs from the last applied.',
      ),
  })
  .check(
    z.superRefine((from, ctx) => {
      if ((from.savepointId === undefined) === (from.path === undefined))
        ctx.addIssue({
          code: 'custom',
          path: ['savepointId'],
          message: 'give exactly one of savepointId or path',
        });
    }),
  );

/** Options for starting a job from existing state. */
export const restoreSchema = z
  .strictObject({
    allowNonRestoredState: z
      .boolean({ error: 'must be true or false' })
      .default(false)
      .describe(
        'Start even when the savepoint holds state no operator claims (e.g. a removed operator).',
      ),
    initialSavepointPath: storageLocation()
      .optional()
      .describe(
        'Savepoint to start from when fjc has no state of its own for this job yet; a pending restore.from wins over it.',
      ),
    from: restoreFromSchema
      .optional()
      .describe(
        'Start the job from a chosen savepoint (savepointId or path) when nonce differs from the last applied one: a running job is cancelled (no new savepoint) and started from it; a first deploy, a resume or a recovery starts from it instead of initialSavepointPath or the newest savepoint or checkpoint.',
      ),
  })
  .prefault({});

/** When fjc takes savepoints on its own and how many it keeps. */
export const savepointPolicySchema = z
  .strictObject({
    interval: durationOrOff().prefault('off').describe('Periodic savepoint interval, or "off".'),
    maxCount: boundedInt(1, 1000)
      .default(10)
      .describe(
        'Savepoints kept per job; older ones are disposed of. Upgrade savepoints count too.',
      ),
    maxAge: duration()
      .prefault('7d')
      .describe('Savepoints older than this are disposed of (the newest one is always kept).'),
    targetDirectory: storageLocation()
      .optional()
      .describe("Where savepoints go; defaults to the cluster's defaultSavepointDirectory."),
    timeout: duration()
      .prefault('10m')
      .describe(
        'How long fjc waits for a savepoint before giving up on it; the old job keeps running.',
      ),
  })
  .prefault({});

/**
 * What "the new version is healthy" means. Flink reporting RUNNING once proves little, so a
 * deployment counts as stable only after completed checkpoints and a quiet soak window.
 */
const ratio = () =>
  z
    .number({ error: 'must be a number from 0 to 1 (a share of each second)' })
    .min(0, { error: 'must be at least 0' })
    .max(1, { error: 'must be at most 1' });

/**
 * Health conditions read from Flink's metrics during the soak window; each is off unless set
 * (docs/upgrades.md "Metric conditions" says exactly what each one reads).
 */
const metricConditionFields = {
  minRecordsOut: boundedInt(0, Number.MAX_SAFE_INTEGER)
    .optional()
    .describe(
      'Records the job must have emitted toward its sinks (numRecordsOut of the operators feeding each sink vertex, summed) by the end of the soak window; off unless set.',
    ),
  maxBusyTimeRatio: ratio()
    .optional()
    .describe(
      'Busiest vertex busyTimeMsPerSecond / 1000 that must not be exceeded by every sample of the soak window (sustained); off unless set.',
    ),
  maxBackpressuredTimeRatio: ratio()
    .optional()
    .describe(
      'Most backpressured vertex backPressuredTimeMsPerSecond / 1000 that must not be exceeded by every sample of the soak window (sustained); off unless set.',
    ),
  maxCheckpointDuration: duration()
    .optional()
    .describe(
      'Longest end-to-end duration of a checkpoint completed during the soak window; off unless set.',
    ),
};

export const stabilityGateSchema = z
  .strictObject({
    minCompletedCheckpoints: boundedInt(0, 1000)
      .default(2)
      .describe('Checkpoints that must complete after the start.'),
    maxRestarts: boundedInt(0, 1000)
      .default(0)
      .describe('Restarts tolerated during the soak window.'),
    soakWindow: duration({ allowZero: true })
      .prefault('60s')
      .describe('How long the job must stay RUNNING within the restart budget.'),
    readinessTimeout: duration()
      .prefault('5m')
      .describe(
        'How long the job may take to become RUNNING and pass the gate before it counts as failed.',
      ),
    ...metricConditionFields,
  })
  .prefault({});

/** What fjc does when a new version fails its stability gate. */
export const rollbackSchema = z
  .strictObject({
    enabled: z
      .boolean({ error: 'must be true or false' })
      .default(true)
      .describe('Go back to the last stable spec and its savepoint.'),
  })
  .prefault({});

const nonce = () =>
  z
    .number({ error: 'must be a whole number (change it to trigger the action)' })
    .int({ error: 'must be a whole number (change it to trigger the action)' })
    .min(0, { error: 'must be zero or more' })
    .default(0);

/** The deletion rule above in JSON Schema, for editors. */
const DELETION_JSON_SCHEMA = {
  if: { properties: { deletionPolicy: { const: 'cancel' } }, required: ['deletionPolicy'] },
  then: { properties: { upgradeMode: { const: 'stateless' } }, required: ['upgradeMode'] },
};

/** The `spec` of a FlinkJob. */
export const flinkJobSpecSchema = z
  .strictObject({
    team: dnsLabel().describe('Team that owns the job: who gets paged and whose quota it uses.'),
    clusterRef: dnsLabel().describe('"metadata.name" of the FlinkCluster the job runs on.'),
    artifact: artifactSchema
      .optional()
      .describe(
        'A jar job: the jar to run, an s3://bucket/key.jar URI or, for local clusters, a file path; sha256 pins its content. Give exactly one of artifact, python or sql.',
      ),
    python: pythonProgramSchema
      .optional()
      .describe(
        'A PyFlink job: the Python program and extra Python files. Give exactly one of artifact, python or sql.',
      ),
    sql: sqlProgramSchema
      .optional()
      .describe(
        "A SQL job: statements run through the cluster's SQL Gateway. Give exactly one of artifact, python or sql.",
      ),
    entryClass: z
      .string({ error: 'must be a string' })
      .regex(JAVA_FQCN, {
        error: 'must be a fully qualified Java class name, e.g. com.example.MyJob',
      })
      .meta({
        patternErrorMessage: 'must be a fully qualified Java class name, e.g. com.example.MyJob',
      })
      .optional()
      .describe(
        "Jar jobs only: the main class; when absent Flink uses the jar manifest's Main-Class.",
      ),
    args: z
      .array(z.string({ error: 'must be a string (quote numbers in YAML)' }))
      .superRefine((args, ctx) => {
        for (const { index, message } of inlineSecretsInArgs(args))
          ctx.addIssue({ code: 'custom', path: [index], message });
      })
      .default([])
      .describe(
        'Program arguments of a jar or PyFlink job, passed one by one (no shell splitting).',
      ),
    parallelism: boundedInt(1, 32768)
      .default(1)
      .describe('Parallelism of the job (changing it rescales the job).'),
    flinkConfiguration: flinkConfigurationSchema.describe(
      'Flink configuration for this job, all values as strings.',
    ),
    state: z
      .enum(DESIRED_STATES, { error: `must be one of ${DESIRED_STATES.join(', ')}` })
      .default('running')
      .describe('Whether the job should run. Suspending takes a savepoint first.'),
    upgradeMode: z
      .enum(UPGRADE_MODES, { error: `must be one of ${UPGRADE_MODES.join(', ')}` })
      .default('savepoint')
      .describe(
        'How the job is stopped and restarted on a change: stateless (cancel, start empty), savepoint (stop with savepoint, restore it) or last-state (restore the latest checkpoint).',
      ),
    restore: restoreSchema.describe('Options for starting the job from existing state.'),
    savepointPolicy: savepointPolicySchema.describe(
      'When fjc takes savepoints on its own and how many it keeps.',
    ),
    stabilityGate: stabilityGateSchema.describe(
      'What a new version must show before it counts as stable.',
    ),
    rollback: rollbackSchema.describe('What fjc does when a new version fails its stability gate.'),
    deletionPolicy: z
      .enum(DELETION_POLICIES, { error: `must be one of ${DELETION_POLICIES.join(', ')}` })
      .default('suspend-with-savepoint')
      .describe(
        'What happens to the running job when its spec is deleted; cancel only with upgradeMode stateless.',
      ),
    restartNonce: nonce().describe(
      'Change to any other number to restart the job through its upgrade mode.',
    ),
    savepointNonce: nonce().describe(
      'Raise to a number not used before to take one savepoint now; a lower one does nothing.',
    ),
  })
  .check(
    z.superRefine(
      (spec, ctx) => {
        for (const issue of programIssues(spec)) ctx.addIssue({ code: 'custom', ...issue });
      },
      {
        // Judged on whatever parsed, so that a missing or doubled program block is reported
        // together with every other mistake of the document.
        when: (payload) => typeof payload.value === 'object' && payload.value !== null,
      },
    ),
    z.superRefine(
      (spec, ctx) => {
        // A cancel throws the state away; only a job that keeps none may be deleted that way.
        if (spec.deletionPolicy === 'cancel' && spec.upgradeMode !== 'stateless') {
          ctx.addIssue({
            code: 'custom',
            path: ['deletionPolicy'],
            message: `cancel is only allowed with upgradeMode stateless (it discards state); use suspend-with-savepoint or keep-running with upgradeMode ${spec.upgradeMode}`,
          });
        }
      },
      {
        // Judge the rule on its own two fields so that it is reported with every other issue.
        when: (payload) => deletionRuleApplies(payload.value),
      },
    ),
  )
  .meta({ allOf: [...PROGRAM_JSON_SCHEMA, DELETION_JSON_SCHEMA] });

function deletionRuleApplies(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { deletionPolicy, upgradeMode } = value as Record<string, unknown>;
  return (
    deletionPolicy === 'cancel' &&
    (upgradeMode === undefined || UPGRADE_MODES.some((mode) => mode === upgradeMode))
  );
}

/** A whole `kind: FlinkJob` document. */
export const flinkJobSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION, { error: `must be "${API_VERSION}"` }),
    kind: z.literal('FlinkJob'),
    metadata: metadataSchema,
    spec: flinkJobSpecSchema,
  })
  .meta({
    id: 'FlinkJob',
    title: 'FlinkJob',
    description: 'A Flink job fjc keeps in its declared state.',
  });

/** A FlinkJob document as written by users (defaults not yet applied). */
export type FlinkJobInput = z.input<typeof flinkJobSchema>;
/** A validated FlinkJob document with defaults applied and durations decoded. */
export type FlinkJob = z.output<typeof flinkJobSchema>;
/** The `spec` of a validated FlinkJob. */
export type FlinkJobSpec = z.output<typeof flinkJobSpecSchema>;
/** The `spec` of a FlinkJob as written by users. */
export type FlinkJobSpecInput = z.input<typeof flinkJobSpecSchema>;
/** A job's upgrade mode. */
export type UpgradeMode = (typeof UPGRADE_MODES)[number];
/** A job's deletion policy. */
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];
/** The state a user asks a job to be in. */
export type DesiredState = (typeof DESIRED_STATES)[number];
