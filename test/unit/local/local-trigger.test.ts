import { describe, expect, it } from 'vitest';
import { LocalReconcileTrigger } from '../../../scripts/local/local-trigger.js';

/** A run the test finishes by hand. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('LocalReconcileTrigger', () => {
  it('answers at once and runs in the background', async () => {
    const runs: string[][] = [];
    const first = gate();
    const trigger = new LocalReconcileTrigger(
      async (names) => {
        runs.push(names);
        await first.opened;
      },
      () => undefined,
    );
    await trigger.requestReconcile(['a']);
    expect(runs).toEqual([['a']]);
    // Asked for while the first run goes: gathered into one next run.
    await trigger.requestReconcile(['b']);
    await trigger.requestReconcile(['c', 'b']);
    expect(runs).toEqual([['a']]);
    first.open();
    await trigger.idle();
    expect(runs).toEqual([['a'], ['b', 'c']]);
  });

  it('reports a failed run and keeps serving', async () => {
    const failures: (readonly string[])[] = [];
    const runs: string[][] = [];
    const trigger = new LocalReconcileTrigger(
      (names) => {
        runs.push(names);
        return names.includes('bad') ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      (_error, names) => failures.push(names),
    );
    await trigger.requestReconcile(['bad']);
    await trigger.idle();
    await trigger.requestReconcile(['good']);
    await trigger.idle();
    expect(failures).toEqual([['bad']]);
    expect(runs).toEqual([['bad'], ['good']]);
  });
});
