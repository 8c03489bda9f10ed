import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  OPERATIONS_TABLE_END,
  OPERATIONS_TABLE_START,
  operationsTableRows,
} from '../../../../scripts/operations-table.js';
import {
  SEQUENCES,
  SEQUENCE_NAMES,
  firstStep,
  locateStage,
  nextStep,
  type Stage,
} from '../../../../functions/core/operations/sequences.js';
import { STEPS } from '../../../../functions/core/operations/steps/index.js';
import { ACT_STEPS, CHECK_STEPS } from '../../../../functions/core/operations/operation-data.js';
import { OPERATION_KINDS } from '../../../../functions/core/model/index.js';
import { UPGRADE_MODES } from '../../../../functions/core/spec/index.js';

/** Every (sequence, mode) with its stages, for exhaustive checks. */
const everySequence = SEQUENCE_NAMES.flatMap((name) =>
  UPGRADE_MODES.map((mode) => ({ name, mode, stages: SEQUENCES[name].stages[mode] })),
);

const where = (name: string, mode: string, i: number, stage: Stage) =>
  `${name}/${mode} stage ${i} (${stage.step})`;

describe('the step sequences', () => {
  it('name only registered steps, and every registered step is used by some sequence', () => {
    const used = new Set(everySequence.flatMap(({ stages }) => stages.map((s) => s.step)));
    for (const step of used) expect(STEPS, `${step} is not registered`).toHaveProperty(step);
    expect([...used].sort()).toEqual(Object.keys(STEPS).sort());
    expect([...ACT_STEPS, ...CHECK_STEPS].sort()).toEqual(Object.keys(STEPS).sort());
  });

  it('have an edge for every exit a step declares, and no stage a step cannot reach', () => {
    for (const { name, mode, stages } of everySequence) {
      expect(stages.length, `${name}/${mode} is empty`).toBeGreaterThan(0);
      const last = stages.at(-1);
      // A sequence ends by finishing, never by running out of steps.
      expect(last?.when, `${name}/${mode} ends on a guarded stage`).toBeUndefined();
      stages.forEach((stage, i) => {
        const exits = STEPS[stage.step].exits;
        const at = where(name, mode, i, stage);
        if (exits.includes('next'))
          expect(i, `${at} moves on past the end`).toBeLessThan(stages.length - 1);
        if (i === stages.length - 1) expect(exits, `${at} cannot end`).toContain('finish');
        if (exits.includes('rollback'))
          expect(SEQUENCES.rollback.stages[mode].length, at).toBeGreaterThan(0);
        if (i === 0) return;
        // Reachable: the closest earlier stage that always runs moves on.
        let j = i - 1;
        while (j > 0 && stages[j]?.when !== undefined) j--;
        const before = stages[j];
        expect(before && STEPS[before.step].exits, `${at} is unreachable`).toContain('next');
      });
      expect(new Set(stages.map((s) => s.step)).size, `${name}/${mode} repeats a step`).toBe(
        stages.length,
      );
    }
  });

  it('place a recorded step unambiguously: same operation kind, mode and step, same path on', () => {
    const rest = (stages: readonly Stage[], from: number) =>
      stages.slice(from + 1).map((s) => `${s.step}:${s.when ?? ''}`);
    for (const kind of OPERATION_KINDS)
      for (const mode of UPGRADE_MODES)
        for (const step of Object.keys(STEPS)) {
          const paths = new Set(
            SEQUENCE_NAMES.filter((name) => SEQUENCES[name].kind === kind).flatMap((name) => {
              const stages = SEQUENCES[name].stages[mode];
              const i = stages.findIndex((s) => s.step === step);
              return i < 0 ? [] : [rest(stages, i).join(' → ')];
            }),
          );
          expect(paths.size, `${kind}/${mode} at ${step}`).toBeLessThanOrEqual(1);
        }
  });

  it('walk from the first step to the end through the table, skipping guarded stages', () => {
    for (const { name, mode, stages } of everySequence) {
      const kind = SEQUENCES[name].kind;
      for (const restorePath of [undefined, 'file:///sp/1']) {
        const data = {
          mode,
          target: { spec: {}, specHash: 'h', generation: 1 },
          reason: 'walk',
          ...(restorePath === undefined ? {} : { restorePath }),
        };
        const walked = [firstStep(name, mode)];
        for (let step = walked[0]; step !== undefined;) {
          const placed = locateStage(kind, mode, step);
          expect(placed, `${name}/${mode} loses ${step}`).toBeDefined();
          step = placed && nextStep(placed, data);
          if (step !== undefined) walked.push(step);
        }
        const expected = stages
          .filter((s) => s.when === undefined || restorePath === undefined)
          .map((s) => s.step);
        expect(walked, `${name}/${mode}`).toEqual(expected);
      }
    }
  });

  it('place no step where its operation kind and mode have none', () => {
    expect(locateStage('deploy', 'savepoint', 'retention')).toBeUndefined();
    expect(locateStage('cancel', 'savepoint', 'cancel')).toBeUndefined();
    expect(locateStage('upgrade', 'stateless', 'rescale')).toMatchObject({ sequence: 'scale' });
  });

  it('skip locating a restore point in a last-state rollback that already has one', () => {
    const placed = locateStage('rollback', 'last-state', 'await-stopped');
    const base = {
      mode: 'last-state' as const,
      target: { spec: {}, specHash: 'h', generation: 1 },
    };
    expect(placed && nextStep(placed, { ...base, reason: 'x' })).toBe('locate-restore-point');
    expect(placed && nextStep(placed, { ...base, reason: 'x', restorePath: 'file:///c' })).toBe(
      'submit',
    );
  });
});

describe('README operations table', () => {
  it('is generated from the sequences and up to date', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf(OPERATIONS_TABLE_START);
    const end = readme.indexOf(OPERATIONS_TABLE_END);
    expect(start, 'README.md has no operations table markers').toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const rows = readme
      .slice(start + OPERATIONS_TABLE_START.length, end)
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .slice(2)
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(
      rows,
      'README.md operations table is stale: run `npx tsx scripts/gen-operations-table.ts`',
    ).toEqual(operationsTableRows().map((row) => [row.operation, row.steps]));
  });

  it('keeps what the old hand-written table said', () => {
    const text = operationsTableRows()
      .map((row) => `${row.operation} | ${row.steps}`)
      .join('\n');
    expect(text).toContain('read-checkpoint (refuse without one) → cancel → await-stopped');
    expect(text).toContain('rescale (in place) → await-stable');
    expect(text).toContain('trigger-savepoint → await-savepoint → retention');
    expect(text).toContain('a failed rollback ends FAILED');
  });
});
