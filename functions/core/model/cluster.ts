import type { JsonObject } from './json.js';

/** A Flink cluster the controller deploys to; the spec is opaque to the store. */
export interface ClusterRecord {
  name: string;
  spec: JsonObject;
  version: number;
  /** ISO-8601 */
  updatedAt: string;
}
