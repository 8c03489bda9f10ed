/**
 * One started resource (a harness, a runtime) for the whole test file or `describe`: started in a
 * `beforeAll` and stopped in an `afterAll`, both registered here, so that each file does not
 * repeat the `let x; beforeAll(start); afterAll(stop)` set-up.
 */
import { afterAll, beforeAll } from 'vitest';

/** What {@link useStarted} can stop. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Registers the hooks that start `start()` and stop it, and returns a stand-in for the started
 * value that forwards every property and method to it. A file can therefore hold the stand-in in a
 * `const` at the top; using it outside the hooks and tests throws, naming `what`. Calling the
 * stand-in's own `stop()` stops the value early (the `afterAll` then has nothing left to stop).
 */
export function useStarted<T extends Stoppable>(what: string, start: () => Promise<T>): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    const value = started;
    started = undefined;
    await value?.stop();
  });
  const current = (): T => {
    if (!started) throw new Error(`${what} is used outside the beforeAll/afterAll of its file`);
    return started;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const value = current();
      if (key === 'stop')
        return async () => {
          started = undefined;
          await value.stop();
        };
      const member: unknown = Reflect.get(value, key, value);
      return typeof member === 'function' ? (member as () => unknown).bind(value) : member;
    },
    has: (_, key) => Reflect.has(current(), key),
  });
}
