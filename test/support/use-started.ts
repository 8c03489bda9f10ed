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
 * A stand-in that forwards every property and method (bound to the value itself, so private
 * fields work) to what `get` returns at the time of use: a file can hold it in a `const` at the
 * top while the value itself exists only between its hooks. `get` throws when the value is not
 * there. Members of `own` answer instead of the value's.
 */
export function standIn<T extends object>(get: () => T, own: Partial<T> = {}): T {
  return new Proxy({} as T, {
    get(_, key) {
      if (Object.hasOwn(own, key)) return Reflect.get(own, key);
      const value = get();
      const member: unknown = Reflect.get(value, key, value);
      return typeof member === 'function' ? (member as () => unknown).bind(value) : member;
    },
    has: (_, key) => Reflect.has(get(), key),
  });
}

/**
 * Registers the hooks that start `start()` and stop it, and returns a {@link standIn} for the
 * started value; using it outside the hooks and tests throws, naming `what`. Calling the
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
  const own: Partial<Stoppable> = {
    async stop() {
      const value = current();
      started = undefined;
      await value.stop();
    },
  };
  return standIn(current, own as Partial<T>);
}
