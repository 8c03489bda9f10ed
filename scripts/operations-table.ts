import type { UpgradeMode } from '../functions/core/spec/index.js';
import {
  GUARDS,
  SEQUENCES,
  SEQUENCE_NAMES,
  type Stage,
} from '../functions/core/operations/sequences.js';

/** The README lines between which the operations table is generated. */
export const OPERATIONS_TABLE_START =
  '<!-- operations-table:start (npx tsx scripts/gen-operations-table.ts) -->';
export const OPERATIONS_TABLE_END = '<!-- operations-table:end -->';

/** One row of the README operations table. */
export interface OperationsTableRow {
  operation: string;
  steps: string;
}

// Savepoint first, as people read it: the default mode, then the others by how much state they keep.
const README_MODE_ORDER: Record<UpgradeMode, number> = {
  savepoint: 0,
  'last-state': 1,
  stateless: 2,
};
const MODES = (Object.keys(README_MODE_ORDER) as UpgradeMode[]).sort(
  (a, b) => README_MODE_ORDER[a] - README_MODE_ORDER[b],
);

function stageWords(stage: Stage): string {
  const remarks = [stage.note, stage.when && GUARDS[stage.when].words].filter(Boolean);
  return remarks.length === 0 ? stage.step : `${stage.step} (${remarks.join('; ')})`;
}

/**
 * The operations table as rows: one per sequence, split by upgrade mode only where the modes
 * differ (modes that read the same share a row).
 */
export function operationsTableRows(): OperationsTableRow[] {
  return SEQUENCE_NAMES.flatMap((name) => {
    const sequence = SEQUENCES[name];
    const byText = new Map<string, UpgradeMode[]>();
    for (const mode of MODES) {
      const steps = sequence.stages[mode].map(stageWords).join(' → ');
      const text = sequence.note === undefined ? steps : `${steps}; ${sequence.note}`;
      byText.set(text, [...(byText.get(text) ?? []), mode]);
    }
    return [...byText].map(([steps, modes]) => ({
      operation:
        byText.size === 1
          ? sequence.label
          : `${sequence.label}, ${modes.map((mode) => `\`${mode}\``).join(' / ')}`,
      steps,
    }));
  });
}

/** The table in Markdown, unaligned (the generator lets Prettier align it). */
export function renderOperationsTable(): string {
  const lines = [
    '| operation | steps |',
    '| --- | --- |',
    ...operationsTableRows().map((row) => `| ${row.operation} | ${row.steps} |`),
  ];
  return lines.join('\n');
}
