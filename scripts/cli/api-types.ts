/**
 * The shapes of API responses as the CLI reads them: taken from the API's own zod schemas (the
 * source of its OpenAPI document), so that a change of the contract breaks the CLI's build
 * rather than its output. Only the list of action names is a value; the rest is types.
 */
import type { z } from 'zod';
import type {
  actionResultSchema,
  auditEntrySchema,
  clusterPutResultSchema,
  clusterViewSchema,
  deletionResultSchema,
  jobPutResultSchema,
  jobSummarySchema,
  jobViewSchema,
  planEntrySchema,
  savepointSchema,
} from '../../functions/api/schemas.js';

/** `GET /v1/jobs/{name}` (wire form: the spec as stored, durations as text). */
export type JobView = z.input<typeof jobViewSchema>;
/** The status of a job. */
export type JobStatusView = JobView['status'];
/** One item of `GET /v1/jobs`. */
export type JobSummary = z.input<typeof jobSummarySchema>;
/** `PUT /v1/jobs/{name}`. */
export type JobPutResult = z.input<typeof jobPutResultSchema>;
/** `GET /v1/clusters/{name}`. */
export type ClusterView = z.input<typeof clusterViewSchema>;
/** `PUT /v1/clusters/{name}`. */
export type ClusterPutResult = z.input<typeof clusterPutResultSchema>;
/** One document of `POST /v1/plan`. */
export type PlanEntry = z.input<typeof planEntrySchema>;
/** One item of `GET /v1/jobs/{name}/history`. */
export type AuditEntryView = z.input<typeof auditEntrySchema>;
/** One item of `GET /v1/jobs/{name}/savepoints`. */
export type SavepointView = z.input<typeof savepointSchema>;
/** `POST /v1/jobs/{name}/actions/{action}`. */
export type ActionResult = z.input<typeof actionResultSchema>;
/** `DELETE /v1/jobs/{name}`. */
export type DeletionResult = z.input<typeof deletionResultSchema>;

/** A page of a listing. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** The job actions (`savepoint`, `suspend`, …), from the API's own list. */
export { JOB_ACTIONS, type JobAction } from '../../functions/api/schemas.js';
