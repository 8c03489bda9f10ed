export * from './auth.js';
export * from './errors.js';
export * from './flink-rest-client.js';
export * from './flink-version.js';
export { summarizeFlinkErrors, summarizeThrowable } from './flink-message.js';
export type { RunJarOptions } from './run-request.js';
export type { RetryPolicy } from './retry.js';
export type { PollOptions } from './poll.js';
export * from './schemas.js';
