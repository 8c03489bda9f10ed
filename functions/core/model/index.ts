/**
 * The domain model: what fjc knows about jobs, clusters, savepoints and their audit trail. Plain
 * types and constants, no I/O; the ports (../ports) say how they are read and changed.
 */
export * from './audit.js';
export * from './history-events.js';
export type * from './cluster.js';
export type * from './credentials.js';
export * from './job.js';
export type * from './gate.js';
export type * from './planning.js';
export * from './spec-summary.js';
export type * from './json.js';
export type * from './page.js';
export * from './savepoint.js';
export * from './secret-value.js';
