import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/**
 * A secret string that does not print itself. `String()`, template literals, `JSON.stringify`,
 * `console.log`/`util.inspect` and structured loggers all see `[REDACTED]`; only `reveal()` returns
 * the value, so every place that uses a secret is visible in the code. The value lives in a
 * private field, so spreading or enumerating the object does not expose it either.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself. Pass it straight to where it is needed; never into a message or a log. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `SecretValue(${REDACTED})`;
  }
}
