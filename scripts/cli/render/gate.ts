/**
 * The stability gate's progress for people: one line per requirement, for `fjc get <job>`,
 * `fjc apply --wait` and the local status table. Kept in its own file so each view can place it.
 */
import type { JobStatusView } from '../api-types.js';

/** The gate progress of a job's status, as the API returns it. */
export type GateView = NonNullable<JobStatusView['gate']>;
type ConditionView = GateView['conditions'][number];

const seconds = (ms: number): string => `${Math.floor(ms / 1000)}s`;

const mark = (met: boolean | undefined): string => (met === undefined ? '…' : met ? '✓' : '✗');

function conditionValue(name: ConditionView['name'], value: number): string {
  if (name === 'maxCheckpointDuration') return `${Math.round(value)}ms`;
  if (name === 'minRecordsOut') return String(value);
  return `${Math.round(value * 100)}%`;
}

/** One metric condition: `minRecordsOut 0 (need ≥ 1) ✗`. */
export function renderGateCondition(c: ConditionView): string {
  const value = c.value === undefined ? 'not reported yet' : conditionValue(c.name, c.value);
  const op = c.name.startsWith('min') ? '≥' : '≤';
  return `${c.name} ${value} (need ${op} ${conditionValue(c.name, c.bound)}) ${mark(c.met)}`;
}

/** The gate's requirements on one line: `soak 12s/60s, checkpoints 1/2, restarts 0/0, …`. */
export function renderGateRequirements(gate: GateView): string {
  return [
    `soak ${seconds(gate.soakMs.done)}/${seconds(gate.soakMs.required)}`,
    `checkpoints ${gate.checkpoints.done}/${gate.checkpoints.required}`,
    `restarts ${gate.restarts.done}/${gate.restarts.required}`,
    ...gate.conditions.map(renderGateCondition),
  ].join(', ');
}

/** The whole gate on one line: `pending (RUNNING): soak 12s/60s, checkpoints 1/2, …`. */
export function renderGateLine(gate: GateView): string {
  return `${gate.verdict} (${gate.state}): ${renderGateRequirements(gate)}`;
}

/** The gate as detail lines (label, then one requirement per line). */
export function renderGateDetail(gate: GateView): string[] {
  // Not there yet is "…" (still possible), not "✗".
  const reached = (count: { done: number; required: number }) =>
    count.done >= count.required ? '✓' : '…';
  const rows = [
    `Soak:           ${seconds(gate.soakMs.done)} of ${seconds(gate.soakMs.required)} ${reached(gate.soakMs)}`,
    `Checkpoints:    ${gate.checkpoints.done} of ${gate.checkpoints.required} ${reached(gate.checkpoints)}`,
    `Restarts:       ${gate.restarts.done} of ${gate.restarts.required} allowed ${mark(gate.restarts.done <= gate.restarts.required)}`,
    ...gate.conditions.map((c) => `Metric:         ${renderGateCondition(c)}`),
  ];
  return [
    `Stability gate:   ${gate.verdict} for spec ${gate.specHash.slice(0, 12)} (${gate.state}, job ${gate.jobId.slice(0, 8)})`,
    ...rows.map((row) => `  ${row}`),
  ];
}
