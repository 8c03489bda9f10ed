import { desiredJobOf } from './desired-job.js';
import { ValidationError, type FieldIssue } from '../commons/errors.js';
import type { JobStore } from './ports/index.js';
import {
  encodeSpecDocument,
  type FlinkCluster,
  type FlinkJob,
  type SpecDocument,
} from './spec/index.js';

export interface ApplyResult {
  clusters: { name: string; changed: boolean }[];
  jobs: { name: string; generation: number; created: boolean; changed: boolean }[];
}

/**
 * Stores the documents of one spec file as desired state. Everything is checked before the first
 * write (a job's cluster must be declared in the file or already stored), so a file with a
 * mistake changes nothing. Re-applying an unchanged file writes nothing.
 */
export async function applySpecDocuments(
  store: JobStore,
  documents: readonly SpecDocument[],
  actor: string,
): Promise<ApplyResult> {
  const clusters = documents.filter((d): d is FlinkCluster => d.kind === 'FlinkCluster');
  const jobs = documents.filter((d): d is FlinkJob => d.kind === 'FlinkJob');
  const declared = new Set(clusters.map((c) => c.metadata.name));
  const issues: FieldIssue[] = [];
  for (const [index, document] of documents.entries()) {
    if (document.kind !== 'FlinkJob' || declared.has(document.spec.clusterRef)) continue;
    if (!(await store.getCluster(document.spec.clusterRef)))
      issues.push({
        path: `documents[${index}].spec.clusterRef`,
        message: `no FlinkCluster named "${document.spec.clusterRef}" is declared in this file or stored`,
      });
  }
  if (issues.length > 0)
    throw new ValidationError('The spec refers to clusters fjc does not know', issues);

  const result: ApplyResult = { clusters: [], jobs: [] };
  for (const cluster of clusters) {
    const spec = encodeSpecDocument(cluster) as Record<string, unknown>;
    const current = await store.getCluster(cluster.metadata.name);
    const changed = JSON.stringify(current?.spec) !== JSON.stringify(spec);
    if (changed) await store.putCluster({ name: cluster.metadata.name, spec });
    result.clusters.push({ name: cluster.metadata.name, changed });
  }
  for (const job of jobs) {
    const put = await store.putDesired(desiredJobOf(job), { actor });
    result.jobs.push({
      name: job.metadata.name,
      generation: put.record.generation,
      created: put.created,
      changed: put.changed,
    });
  }
  return result;
}
