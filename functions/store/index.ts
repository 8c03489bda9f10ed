/** The job store's DynamoDB adapter (the port is core/ports/job-store.ts) and its table. */
export { DynamoJobStore } from './dynamo-job-store.js';
export type { DynamoJobStoreOptions } from './dynamo-job-store.js';
export type { StoreLogger } from './audit.js';
export { DynamoIdempotencyStore } from './idempotency.js';
export type { DynamoIdempotencyStoreOptions } from './idempotency.js';
export { tableDefinition, timeToLiveAttribute } from './table.js';
export { ATTR, INDEX, JOB_SHARDS } from './keys.js';
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './cursor.js';
