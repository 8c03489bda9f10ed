import type { DesiredJob } from './model/index.js';
import { specHash } from './change/index.js';
import { encodeSpecDocument, type FlinkJob } from './spec/index.js';
import { specSummaryOf } from './plan/spec-summary.js';

/**
 * The desired-state record of a FlinkJob document: what the store keeps (the encoded document,
 * so durations stay as written and defaults are visible) and the identity of its content.
 */
export function desiredJobOf(job: FlinkJob): DesiredJob {
  const hash = specHash(job);
  return {
    name: job.metadata.name,
    team: job.spec.team,
    clusterRef: job.spec.clusterRef,
    spec: encodeSpecDocument(job),
    specHash: hash,
    // Written with the spec: a cold reconcile plans a steady job from it without parsing the spec.
    specSummary: specSummaryOf(job, hash),
  };
}
