/**
 * The few fields of a desired spec that the planner reads when that spec is also the last applied
 * one (its hash equals the applied hash), kept in the job item next to the spec. A cold reconcile
 * process plans a steady job from this summary instead of reading and parsing (validating) its
 * whole spec; it reads the spec only when the plan is an operation (core/plan/load-views.ts).
 */

/**
 * Raised whenever the planner starts reading another spec field on its summary path: summaries of
 * another format are ignored (the spec is parsed instead), so an old summary is never trusted.
 */
export const SPEC_SUMMARY_FORMAT = 1;

/** A summary of one desired spec; valid only next to the spec whose hash it names. */
export interface SpecSummary {
  format: number;
  /** The hash of the spec summarized: a summary is used only while the item's hash is this. */
  specHash: string;
  clusterRef: string;
  state: 'running' | 'suspended';
  savepointNonce: number;
  /** The periodic savepoint interval, as the parsed spec holds it. */
  savepointInterval: { text: string; ms: number } | 'off';
}
