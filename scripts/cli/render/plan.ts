/**
 * A plan as a readable diff, in the manner of `terraform plan`:
 *
 * ```
 * + create FlinkJob/orders — starts the job for the first time
 * ~ update FlinkJob/payments (UPGRADE: spec.args) — takes a savepoint, restarts the job
 *     spec.args: ["--rate","50"] → ["--rate","100"]
 *     effect: upgrades the job (stop with a savepoint, start from it): spec.args
 * = unchanged FlinkCluster/eu-1
 * ```
 */
import type { PlanEntry } from '../api-types.js';
import type { PlannedDocument } from '../plan.js';

const MAX_VALUE_LENGTH = 80;

/** A value in a diff line: compact JSON, `(unset)` for an absent field, long values cut. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  const json = JSON.stringify(value);
  return json.length <= MAX_VALUE_LENGTH ? json : `${json.slice(0, MAX_VALUE_LENGTH - 1)}…`;
}

/** What the controller will do to the running job, in a few words. */
function consequence(effect: NonNullable<PlanEntry['effect']>): string {
  // Never deployed yet: there is no running job to savepoint or restart; the summary says it.
  if (effect.basis === 'initial') return effect.summary;
  if (effect.savepoint && effect.restart) return 'takes a savepoint, restarts the job';
  if (effect.restart) return 'restarts the job';
  if (effect.savepoint) return 'takes a savepoint';
  return 'the job keeps running as it is';
}

/** The fields behind the change class: those of that class, else every changed field. */
function reasons(entry: PlanEntry): string[] {
  const fields = entry.changedFields ?? [];
  const ofClass = fields.filter((f) => f.class === entry.changeClass).map((f) => f.field);
  return ofClass.length > 0 ? ofClass : fields.map((f) => f.field);
}

function headline(planned: PlannedDocument): string {
  const { entry } = planned;
  const id = `${entry.kind}/${entry.name}`;
  switch (entry.action) {
    case 'noop':
      return `= unchanged ${id}`;
    case 'create':
      return `+ create ${id}${entry.effect === undefined ? '' : ` — ${entry.effect.summary}`}`;
    case 'update': {
      const fields = reasons(entry);
      const why =
        entry.changeClass === undefined
          ? ''
          : ` (${entry.changeClass}${fields.length === 0 ? '' : `: ${fields.join(', ')}`})`;
      return `~ update ${id}${why}${entry.effect === undefined ? '' : ` — ${consequence(entry.effect)}`}`;
    }
  }
}

function detailLines(planned: PlannedDocument): string[] {
  const { entry, diffs } = planned;
  if (entry.action !== 'update') return [];
  const lines =
    diffs.length > 0
      ? diffs.map((d) => `    ${d.path}: ${showValue(d.before)} → ${showValue(d.after)}`)
      : (entry.changedFields ?? []).map((f) => `    ${f.field} (${f.class})`);
  if (entry.effect !== undefined && entry.effect.basis !== 'initial')
    lines.push(`    effect: ${entry.effect.summary}`);
  return lines;
}

/** The pre-flight's line, when it was asked for (`fjc plan --preflight`). */
function preflightLines(entry: PlanEntry): string[] {
  const preflight = entry.preflight;
  if (preflight === undefined) return [];
  if ('unavailable' in preflight) return [`    pre-flight: not run: ${preflight.unavailable}`];
  return [`    pre-flight: ${preflight.verdict}: ${preflight.summary}`];
}

/** Counts of a plan by action. */
export function planCounts(
  planned: readonly PlannedDocument[],
): Record<PlanEntry['action'], number> {
  const counts = { create: 0, update: 0, noop: 0 };
  for (const p of planned) counts[p.entry.action] += 1;
  return counts;
}

/** The whole plan; files are named when there are several. */
export function renderPlan(planned: readonly PlannedDocument[]): string {
  const files = [...new Set(planned.map((p) => p.file))];
  const lines: string[] = [];
  for (const file of files) {
    if (files.length > 1) lines.push(`# ${file}`);
    for (const p of planned.filter((q) => q.file === file))
      lines.push(headline(p), ...detailLines(p), ...preflightLines(p.entry));
    if (files.length > 1) lines.push('');
  }
  const counts = planCounts(planned);
  if (counts.create + counts.update === 0)
    lines.push('No changes: the stored state matches the files.');
  else
    lines.push(
      `Plan: ${counts.create} to create, ${counts.update} to update, ${counts.noop} unchanged.`,
    );
  return lines.join('\n');
}
