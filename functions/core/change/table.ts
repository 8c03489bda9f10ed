/**
 * What a change of each FlinkJob field means for the running job: the one table the change
 * classification reads. Every field of the schema must be listed (a unit test walks the schema),
 * so that a new field gets a deliberate class instead of an accidental one.
 */

/**
 * Change classes, in increasing order of impact; when several fields change, the highest wins.
 * - `IGNORE`: the running job stays as it is; the field changes what fjc does, not the job.
 * - `SCALE`: only the parallelism changes; the job restarts through its upgrade mode (or
 *   rescales in place where the cluster supports it).
 * - `UPGRADE`: the job is stopped per its upgrade mode and started again on the same cluster
 *   with the new spec, from the state that stop produced.
 * - `REDEPLOY`: the job leaves its placement: stopped with a savepoint where it runs and started
 *   anew where the spec now says (a different cluster), from that savepoint.
 * - `RESTORE`: the job is restored from a chosen savepoint (`spec.restore.from`): cancelled
 *   without a new savepoint and started where the spec says, from the chosen one. It outranks
 *   the others: whatever else changed comes up from the chosen state, not the current one.
 */
export const CHANGE_KINDS = ['IGNORE', 'SCALE', 'UPGRADE', 'REDEPLOY', 'RESTORE'] as const;
/** One of {@link CHANGE_KINDS}. */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * The class of one field: a {@link ChangeKind}, or
 * - `DESIRED_STATE`: not a change of the job but a request to suspend or resume it, which the
 *   planner handles (suspend with savepoint, resume from it);
 * - `IDENTITY`: names the job; two specs with different identities are different jobs.
 */
export type FieldClass = ChangeKind | 'DESIRED_STATE' | 'IDENTITY';

/** A table entry: the class and why, so that the reason survives next to the decision. */
export interface FieldRule {
  readonly class: FieldClass;
  readonly why: string;
}

const IGNORE_POLICY = 'changes how fjc acts, not the job';

/**
 * Every field of a FlinkJob document, by dotted path. Objects are listed by their leaves; maps
 * (labels, flinkConfiguration), lists and durations are leaves themselves.
 */
export const JOB_FIELD_RULES = {
  apiVersion: { class: 'IGNORE', why: 'one version exists; a new one would convert specs' },
  kind: { class: 'IDENTITY', why: 'a FlinkJob is compared only with a FlinkJob' },
  'metadata.name': { class: 'IDENTITY', why: 'the name is the job; another name is another job' },
  'metadata.labels': { class: 'IGNORE', why: 'labels are for people and selectors' },
  'spec.team': { class: 'IGNORE', why: 'ownership is bookkeeping' },
  'spec.clusterRef': { class: 'REDEPLOY', why: 'the job moves to another cluster' },
  'spec.artifact.uri': { class: 'UPGRADE', why: 'new code (or a change of job type)' },
  'spec.artifact.sha256': { class: 'UPGRADE', why: 'new code under the same name' },
  'spec.python.artifact.uri': {
    class: 'UPGRADE',
    why: 'new Python code (or a change of job type)',
  },
  'spec.python.artifact.sha256': { class: 'UPGRADE', why: 'new Python code under the same name' },
  'spec.python.entryModule': { class: 'UPGRADE', why: 'another program in the zip' },
  'spec.python.pyFiles': { class: 'UPGRADE', why: 'other Python modules on the path' },
  'spec.sql.statements': {
    class: 'UPGRADE',
    why: 'a new query; the plan notes that its state may not restore',
  },
  'spec.sql.artifact.uri': { class: 'UPGRADE', why: 'other SQL statements' },
  'spec.sql.artifact.sha256': { class: 'UPGRADE', why: 'other SQL statements under the same name' },
  'spec.entryClass': { class: 'UPGRADE', why: 'another program in the jar' },
  'spec.args': { class: 'UPGRADE', why: 'main() reads them only at submission' },
  'spec.parallelism': { class: 'SCALE', why: 'same program, different parallelism' },
  'spec.flinkConfiguration': {
    class: 'UPGRADE',
    why: 'Flink reads job configuration only at submission',
  },
  'spec.state': { class: 'DESIRED_STATE', why: 'suspend and resume are planned, not diffed' },
  'spec.upgradeMode': { class: 'IGNORE', why: 'applies to the next upgrade, not this one' },
  'spec.restore.allowNonRestoredState': {
    class: 'IGNORE',
    why: 'applies to the next start from state',
  },
  'spec.restore.initialSavepointPath': {
    class: 'IGNORE',
    why: 'used only when fjc has no state of its own; a running job has',
  },
  'spec.restore.from.savepointId': {
    class: 'IGNORE',
    why: 'names the savepoint of the next restore; only a changed nonce restores',
  },
  'spec.restore.from.path': {
    class: 'IGNORE',
    why: 'names the savepoint of the next restore; only a changed nonce restores',
  },
  'spec.restore.from.nonce': {
    class: 'RESTORE',
    why: 'a changed nonce asks to restore the job from spec.restore.from (savepointRedeployNonce)',
  },
  'spec.savepointPolicy.interval': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.savepointPolicy.maxCount': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.savepointPolicy.maxAge': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.savepointPolicy.timeout': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.savepointPolicy.targetDirectory': {
    class: 'IGNORE',
    why: 'fjc passes the directory with each savepoint request',
  },
  'spec.stabilityGate.minCompletedCheckpoints': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.stabilityGate.maxRestarts': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.stabilityGate.soakWindow': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.stabilityGate.readinessTimeout': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.stabilityGate.minRecordsOut': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.stabilityGate.maxBusyTimeRatio': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.stabilityGate.maxBackpressuredTimeRatio': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.stabilityGate.maxCheckpointDuration': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.rollback.enabled': { class: 'IGNORE', why: IGNORE_POLICY },
  'spec.deletionPolicy': { class: 'IGNORE', why: 'applies only when the spec is deleted' },
  'spec.restartNonce': {
    class: 'UPGRADE',
    why: 'a manual restart is an upgrade to the same spec: it keeps state per upgradeMode and passes the stability gate',
  },
  'spec.savepointNonce': {
    class: 'IGNORE',
    why: 'triggers a savepoint of the running job, which the planner handles',
  },
} as const satisfies Readonly<Record<string, FieldRule>>;

/** A field path of a FlinkJob document that {@link JOB_FIELD_RULES} classifies. */
export type JobField = keyof typeof JOB_FIELD_RULES;
