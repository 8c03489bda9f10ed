/**
 * The ports: what the core needs from the outside world, in the core's own terms. Adapters
 * (functions/store, functions/flink, functions/adapters) implement them; composition roots
 * (functions/runtime, scripts/local) wire them.
 */
export type * from './artifacts.js';
export * from './checkpoint-storage.js';
export type * from './clock.js';
export type * from './control-context.js';
export * from './flink.js';
export * from './idempotency.js';
export type * from './job-store.js';
export type * from './secrets.js';
export type * from './reconcile-trigger.js';
export * from './sql-gateway.js';
export * from './spec-objects.js';
export * from './store-errors.js';
export type * from './state-machine.js';
