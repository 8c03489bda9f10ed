/**
 * Spec summaries (model/spec-summary.ts): made from a parsed spec when it is stored, and turned
 * back into the part of a spec the planner reads on its summary path.
 */
import { SPEC_SUMMARY_FORMAT, type SpecSummary } from '../model/index.js';
import type { FlinkJob } from '../spec/index.js';

/** The summary of `job`, whose spec hash is `specHash`. */
export function specSummaryOf(job: FlinkJob, specHash: string): SpecSummary {
  return {
    format: SPEC_SUMMARY_FORMAT,
    specHash,
    clusterRef: job.spec.clusterRef,
    state: job.spec.state,
    savepointNonce: job.spec.savepointNonce,
    savepointInterval: job.spec.savepointPolicy.interval,
  };
}

/**
 * What the planner reads of a spec whose hash equals the last applied one: a structural subset
 * of {@link FlinkJob}, so a parsed spec is one too and the planner reads both the same way.
 */
export interface PlanSpec {
  spec: {
    clusterRef: string;
    state: FlinkJob['spec']['state'];
    savepointNonce: number;
    savepointPolicy: { interval: FlinkJob['spec']['savepointPolicy']['interval'] };
  };
}

/** The summary as the planner reads it. */
export function planSpecOf(summary: SpecSummary): PlanSpec {
  return {
    spec: {
      clusterRef: summary.clusterRef,
      state: summary.state,
      savepointNonce: summary.savepointNonce,
      savepointPolicy: { interval: summary.savepointInterval },
    },
  };
}

/**
 * The summary of the desired spec of a record when it can stand for that spec: it names the
 * record's spec hash and has today's format; otherwise undefined (the spec is read instead).
 */
export function usableSummary(record: {
  specHash: string;
  specSummary?: SpecSummary;
}): SpecSummary | undefined {
  const summary = record.specSummary;
  return summary?.format === SPEC_SUMMARY_FORMAT && summary.specHash === record.specHash
    ? summary
    : undefined;
}
