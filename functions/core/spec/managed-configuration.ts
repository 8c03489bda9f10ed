/**
 * Flink configuration keys a spec may not set, wherever it would set them: `flinkConfiguration`
 * and a SQL script's `SET` statements. fjc sets them itself from the fields that control the same
 * thing (a value of the user's would silently fight with them, or, for a restore path, start a job
 * from state fjc never chose), and Flink keeps `$internal.` keys to itself (the job id among them:
 * fjc's guard against a duplicate job).
 */
const MANAGED_BY_FJC: Readonly<Record<string, string>> = {
  'execution.savepoint.path': 'use spec.restore.initialSavepointPath instead',
  'execution.savepoint.ignore-unclaimed-state': 'use spec.restore.allowNonRestoredState instead',
  'execution.state-recovery.path': 'use spec.restore.initialSavepointPath instead',
  'execution.state-recovery.ignore-unclaimed-state':
    'use spec.restore.allowNonRestoredState instead',
  'parallelism.default': 'use spec.parallelism instead',
  'pipeline.name': 'fjc names the job after metadata.name',
};

/** The keys fjc sets itself (the JSON Schema lists them; `$internal.` is a pattern there). */
export const FJC_MANAGED_KEYS: readonly string[] = Object.keys(MANAGED_BY_FJC);

/**
 * Why a spec may not set `key` (`is managed by fjc: …` or `is reserved for Flink …`), or
 * undefined when it may.
 */
export function managedConfigurationProblem(key: string): string | undefined {
  if (key.startsWith('$internal.')) return 'is reserved for Flink ($internal. prefix)';
  // Own keys only: `constructor` must not find Object.prototype.constructor.
  return Object.hasOwn(MANAGED_BY_FJC, key)
    ? `is managed by fjc: ${MANAGED_BY_FJC[key] ?? ''}`
    : undefined;
}
