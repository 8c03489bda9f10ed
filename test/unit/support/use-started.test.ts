/** The shared set-up hook of the test harnesses: start once per file, stand in, stop once. */
import { afterAll, describe, expect, it } from 'vitest';
import { standIn, useStarted } from '../../support/use-started.js';

class Counter {
  stops = 0;
  constructor(readonly name: string) {}
  hello(): string {
    return `hello from ${this.name}`;
  }
  stop(): Promise<void> {
    this.stops++;
    return Promise.resolve();
  }
}

const outside = useStarted('the outside counter', () => Promise.resolve(new Counter('outside')));

describe('a stand-in registered at the top of a file', () => {
  it('forwards properties and methods (bound to the started value)', () => {
    expect(outside.name).toBe('outside');
    // Taken off the stand-in, as a callback would be: still bound to the started value.
    const greeter: { hello: () => string } = outside;
    const { hello } = greeter;
    expect(hello()).toBe('hello from outside');
    expect('hello' in outside).toBe(true);
  });
});

let early: Counter | undefined;
afterAll(() => {
  // The describe's own afterAll (registered by useStarted) ran before this one and found nothing
  // left to stop.
  expect(early?.stops).toBe(1);
});

describe('a stand-in registered in a describe', () => {
  const inner = useStarted('the inner counter', async () => {
    early = new Counter('inner');
    return Promise.resolve(early);
  });

  it('stops early on its own stop(), once, and then refuses to be used', async () => {
    await inner.stop();
    expect(early?.stops).toBe(1);
    expect(() => inner.name).toThrow(/the inner counter is used outside/);
  });
});

describe('standIn', () => {
  class Secretive {
    readonly #secret = 'kept';
    reveal(): string {
      return this.#secret;
    }
  }

  it('calls methods on the value itself, so private fields work', () => {
    const value = new Secretive();
    expect(standIn(() => value).reveal()).toBe('kept');
  });

  it('throws what its getter throws while there is no value', () => {
    const missing = standIn<Secretive>(() => {
      throw new Error('no value yet');
    });
    expect(() => missing.reveal()).toThrow('no value yet');
  });
});
