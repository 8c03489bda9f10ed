/** Time and fresh ids, injected so that the core stays a function of its inputs. */
export interface Clock {
  now(): Date;
}

/** Draws fresh 32-hex ids (Flink job ids, trigger ids, operation ids). */
export interface IdSource {
  newId(): string;
}
