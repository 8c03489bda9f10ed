/**
 * The use case "apply this spec file": several documents, all or nothing, through the same
 * per-document rules as the API ({@link authorizeJobChange}, {@link authorizeClusterChange}).
 * Used by S3 ingest and the local runtime.
 */
import {
  FjcError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldIssue,
} from '../../commons/errors.js';
import type { JobRecord } from '../model/index.js';
import type { JobStore } from '../ports/index.js';
import type { Caller } from '../authorization.js';
import type { FlinkCluster, FlinkJob, SpecDocument } from '../spec/index.js';
import { authorizeClusterChange, writeCluster } from './apply-cluster.js';
import { authorizeJobChange, writeJob } from './apply-job.js';
import { sqlGatewayIssues, storedClusterHasSqlGateway } from './sql-gateway-rule.js';
import { checkTeamQuotas, type TeamQuotas } from './team-quota.js';

/** What {@link applySpecDocuments} did, per document. */
export interface ApplyResult {
  clusters: { name: string; changed: boolean }[];
  jobs: { name: string; generation: number; created: boolean; changed: boolean }[];
}

/** The clusters `documents` refer to without declaring them: those that must be stored. */
export function undeclaredClusterRefs(documents: readonly SpecDocument[]): string[] {
  const declared = new Set(
    documents.filter((d) => d.kind === 'FlinkCluster').map((d) => d.metadata.name),
  );
  const refs = documents.flatMap((d) => (d.kind === 'FlinkJob' ? [d.spec.clusterRef] : []));
  return [...new Set(refs.filter((ref) => !declared.has(ref)))];
}

/**
 * Jobs whose cluster is neither declared among `documents` nor known to `isStored`: the one rule
 * apply and the plan preview share.
 */
export function clusterReferenceIssues(
  documents: readonly SpecDocument[],
  isStored: (name: string) => boolean,
): FieldIssue[] {
  const undeclared = new Set(undeclaredClusterRefs(documents));
  const issues: FieldIssue[] = [];
  for (const [index, document] of documents.entries()) {
    if (document.kind !== 'FlinkJob') continue;
    const ref = document.spec.clusterRef;
    if (undeclared.has(ref) && !isStored(ref))
      issues.push({
        path: `documents[${index}].spec.clusterRef`,
        message: `no FlinkCluster named "${ref}" is declared in this file or stored`,
      });
  }
  return issues;
}

/**
 * Why one document is refused, without naming anything the caller may not see: a job outside
 * its teams is reported as a name it cannot use, never with its owner.
 */
function refusal(document: SpecDocument, error: FjcError): string {
  const what = `${document.kind} "${document.metadata.name}"`;
  if (error instanceof NotFoundError)
    return `${what}: this name is taken by a job outside the teams this file may change (job names are unique across teams); choose another name`;
  return `${what}: ${error.message}`;
}

/**
 * Stores the documents of one spec file as desired state. Everything is checked before the first
 * write: the caller's right to change each document (the API's rules), and that a job's cluster
 * is declared in the file or already stored; so a file with a mistake changes nothing. Every
 * write is conditional on what that check read. Re-applying an unchanged file writes nothing.
 *
 * @throws ForbiddenError listing every document the caller may not change (with any reference
 *   issues), ValidationError listing unknown cluster references, or QuotaExceededError when a
 *   team would exceed its quota (`options.quotas`); nothing is written then.
 */
export async function applySpecDocuments(
  store: JobStore,
  documents: readonly SpecDocument[],
  caller: Caller,
  options: { quotas?: TeamQuotas } = {},
): Promise<ApplyResult> {
  const clusters: {
    document: FlinkCluster;
    current: Awaited<ReturnType<JobStore['getCluster']>>;
  }[] = [];
  const jobs: { document: FlinkJob; current: JobRecord | undefined }[] = [];
  const refused: FieldIssue[] = [];
  for (const [index, document] of documents.entries()) {
    try {
      if (document.kind === 'FlinkCluster') {
        authorizeClusterChange(caller, document.metadata.name);
        clusters.push({ document, current: await store.getCluster(document.metadata.name) });
      } else {
        jobs.push({ document, current: await authorizeJobChange(store, document, caller) });
      }
    } catch (error) {
      if (!(error instanceof ForbiddenError || error instanceof NotFoundError)) throw error;
      refused.push({ path: `documents[${index}]`, message: refusal(document, error) });
    }
  }
  const stored = new Map<string, boolean>();
  for (const name of undeclaredClusterRefs(documents)) {
    const record = await store.getCluster(name);
    if (record) stored.set(name, storedClusterHasSqlGateway(record));
  }
  const references = [
    ...clusterReferenceIssues(documents, (name) => stored.has(name)),
    ...sqlGatewayIssues(documents, (name) => stored.get(name)),
  ];
  if (refused.length > 0)
    throw new ForbiddenError('The spec changes what its author may not change', {
      issues: [...refused, ...references],
      remedy: 'Remove the documents listed, or have them applied by someone allowed to.',
    });
  if (references.length > 0)
    throw new ValidationError('The spec refers to clusters fjc does not know', references);
  await checkTeamQuotas(
    store,
    options.quotas,
    jobs.map(({ document }) => ({
      job: document,
      path: `documents[${documents.indexOf(document)}].`,
    })),
  );

  const result: ApplyResult = { clusters: [], jobs: [] };
  for (const { document, current } of clusters) {
    const written = await writeCluster(store, document, caller, current);
    result.clusters.push({ name: document.metadata.name, changed: written.changed });
  }
  for (const { document, current } of jobs) {
    const put = await writeJob(store, document, caller, current);
    result.jobs.push({
      name: document.metadata.name,
      generation: put.record.generation,
      created: put.created,
      changed: put.changed,
    });
  }
  return result;
}
