/**
 * A SQL job is submitted through its cluster's SQL Gateway, so a SQL job on a cluster that
 * declares none is refused at apply (with the cluster's name), not discovered at submission.
 */
import type { FieldIssue } from '../../commons/errors.js';
import type { ClusterRecord } from '../model/index.js';
import { jobTypeOf, type SpecDocument } from '../spec/index.js';

/** Whether a stored cluster record declares a SQL Gateway. */
export function storedClusterHasSqlGateway(record: ClusterRecord): boolean {
  const spec = record.spec.spec;
  return (
    typeof spec === 'object' &&
    spec !== null &&
    !Array.isArray(spec) &&
    (spec as { sqlGateway?: unknown }).sqlGateway !== undefined
  );
}

/** The message of the rule for a SQL job on cluster `ref`. */
export function sqlGatewayMissingMessage(ref: string): string {
  return `a SQL job (spec.sql) needs a cluster with a SQL Gateway: FlinkCluster "${ref}" declares no spec.sqlGateway`;
}

/**
 * SQL jobs whose cluster has no SQL Gateway: the cluster as declared in `documents` when it is
 * there, else as stored (`storedHasGateway`: undefined when not stored, which the cluster
 * reference rule reports instead).
 */
export function sqlGatewayIssues(
  documents: readonly SpecDocument[],
  storedHasGateway: (name: string) => boolean | undefined,
): FieldIssue[] {
  const declared = new Map<string, boolean>();
  for (const document of documents)
    if (document.kind === 'FlinkCluster')
      declared.set(document.metadata.name, document.spec.sqlGateway !== undefined);
  const issues: FieldIssue[] = [];
  for (const [index, document] of documents.entries()) {
    if (document.kind !== 'FlinkJob' || jobTypeOf(document.spec) !== 'sql') continue;
    const ref = document.spec.clusterRef;
    const hasGateway = declared.get(ref) ?? storedHasGateway(ref);
    if (hasGateway === false)
      issues.push({ path: `documents[${index}].spec.sql`, message: sqlGatewayMissingMessage(ref) });
  }
  return issues;
}
