/**
 * What a reconcile cycle plans from, loaded lean: the planning projection of every job
 * (`JobStore.listJobsForPlanning`), and the specs it names by hash, parsed once per hash and
 * cached across the cycles of a warm process ({@link SpecCache}). Only specs not cached yet are
 * read (`JobStore.getStoredSpecs`): in a steady fleet, after the first cycle, none. A job whose
 * desired spec is its applied one and carries a spec summary is planned from the summary
 * ({@link SummaryView}) when its spec is not cached: so even the first cycle of a cold process
 * reads and parses only the specs of jobs that changed, and of jobs whose plan is an operation
 * ({@link fullViews}).
 */
import type { JobRecord, PlanningRecord, StoredSpecs } from '../model/index.js';
import type { FlinkJob } from '../spec/index.js';
import type { JobStore } from '../ports/index.js';
import type { JobView, PlanView, SummaryView } from './plan-actions.js';
import { processSpecCache, type ParsedSpec, type SpecCache } from './spec-cache.js';
import { planSpecOf, usableSummary } from './spec-summary.js';

/** The views a cycle plans, and the jobs it cannot plan this cycle, with the reason. */
export interface LoadedViews {
  views: PlanView[];
  skipped: { jobName: string; reason: string }[];
}

/** The views of every job, in the order the store lists them. */
export async function loadViews(
  store: Pick<JobStore, 'listJobsForPlanning' | 'getStoredSpecs'>,
  cache: SpecCache = processSpecCache,
): Promise<LoadedViews> {
  const records = await store.listJobsForPlanning();
  // First from the cache alone, holding on to what it gives: parsing the misses below may evict
  // entries when the fleet has more specs than the cache holds.
  const jobs = records.map((record) => {
    const appliedHash = record.status.lastApplied?.specHash;
    const hit: Hits = {
      desired: cache.get(record.specHash),
      applied: appliedHash === undefined ? undefined : cache.get(appliedHash),
    };
    return { record, hit };
  });
  const complete = (record: PlanningRecord, hit: Hits) =>
    summaryViewOf(record, hit) !== undefined ||
    (hit.desired !== undefined &&
      (record.status.lastApplied === undefined || hit.applied !== undefined));
  // The last applied spec is read only when it is another spec than the desired one and not
  // cached: at rest they are the same, and reading it too would double the bytes.
  const needsApplied = (record: PlanningRecord, hit: Hits) => {
    const appliedHash = record.status.lastApplied?.specHash;
    return appliedHash !== undefined && appliedHash !== record.specHash && !hit.applied;
  };
  const withApplied: string[] = [];
  const desiredOnly: string[] = [];
  jobs.forEach(({ record, hit }) => {
    if (complete(record, hit)) return;
    (needsApplied(record, hit) ? withApplied : desiredOnly).push(record.name);
  });
  const answers = await Promise.all([
    withApplied.length > 0 ? store.getStoredSpecs(withApplied, { lastApplied: true }) : [],
    desiredOnly.length > 0 ? store.getStoredSpecs(desiredOnly) : [],
  ]);
  const read = new Map<string, StoredSpecs>();
  for (const specs of answers.flat()) read.set(specs.name, specs);

  const views: PlanView[] = [];
  const skipped: LoadedViews['skipped'] = [];
  jobs.forEach(({ record, hit }) => {
    const v = summaryViewOf(record, hit) ?? viewOf(record, hit, read.get(record.name), cache);
    if (typeof v === 'string') skipped.push({ jobName: record.name, reason: v });
    else views.push(v);
  });
  return { views, skipped };
}

/**
 * The summary view of a job whose desired spec is not cached, is its last applied one (or none
 * was applied) and has a usable summary; otherwise undefined. A cached spec is used as it is.
 */
function summaryViewOf(record: PlanningRecord, hit: Hits): SummaryView | undefined {
  if (hit.desired !== undefined) return undefined;
  const appliedHash = record.status.lastApplied?.specHash;
  if (appliedHash !== undefined && appliedHash !== record.specHash) return undefined;
  const summary = usableSummary(record);
  if (summary === undefined) return undefined;
  const desired = planSpecOf(summary);
  return {
    record,
    summary: true,
    desired,
    lastApplied: appliedHash === undefined ? undefined : desired,
  };
}

/**
 * The full views of jobs planned from a summary, for the operations their plans start: their
 * desired specs read (only those not cached) and parsed through the cycle's cache. A job whose
 * spec changed since it was listed maps to the reason it is skipped, as in {@link loadViews}.
 */
export async function fullViews(
  store: Pick<JobStore, 'getStoredSpecs'>,
  records: readonly PlanningRecord[],
  cache: SpecCache = processSpecCache,
): Promise<Map<string, JobView | string>> {
  // Held before reading, so parsing the misses cannot evict them (as in loadViews).
  const hits = new Map(records.map((r) => [r.name, cache.get(r.specHash)]));
  const misses = records.filter((r) => hits.get(r.name) === undefined).map((r) => r.name);
  // A summary view's last applied spec, when it has one, is its desired spec: one read is enough.
  const answers = misses.length > 0 ? await store.getStoredSpecs(misses) : [];
  const read = new Map(answers.map((specs) => [specs.name, specs]));
  return new Map(
    records.map((r) => {
      const hit: Hits = { desired: hits.get(r.name), applied: undefined };
      return [r.name, viewOf(r, hit, read.get(r.name), cache)];
    }),
  );
}

/** What the cache held for a job before anything was parsed. */
interface Hits {
  desired: FlinkJob | undefined;
  applied: FlinkJob | undefined;
}

/** A spec of the job: the cache's, else parsed from what was read if its hash matches. */
function specOf(
  cache: SpecCache,
  hash: string,
  hit: FlinkJob | undefined,
  read: { specHash: string; spec: StoredSpecs['spec'] } | undefined,
): ParsedSpec | undefined {
  if (hit !== undefined) return { ok: true, job: hit };
  // The spec was read after the listing: if it changed in between, the hash says so.
  if (read?.specHash !== hash) return undefined;
  return cache.parse(hash, read.spec);
}

function viewOf(
  record: PlanningRecord,
  hit: Hits,
  read: StoredSpecs | undefined,
  cache: SpecCache,
): JobView | string {
  const desired = specOf(cache, record.specHash, hit.desired, read);
  // Changed (or deleted) since it was listed: planning it from a mix would be wrong, and its next
  // cycle plans it whole; every write of a plan is conditional on the version anyway.
  if (desired === undefined) return 'changed concurrently';
  if (!desired.ok) return `stored spec no longer valid: ${desired.reason}`;
  const appliedHash = record.status.lastApplied?.specHash;
  if (appliedHash === undefined) return { record, desired: desired.job, lastApplied: undefined };
  const applied =
    appliedHash === record.specHash
      ? desired
      : specOf(cache, appliedHash, hit.applied, read?.lastApplied);
  if (applied === undefined) return 'changed concurrently';
  // A last applied spec that no longer parses is planned without one (as before): a redeploy.
  return { record, desired: desired.job, lastApplied: applied.ok ? applied.job : undefined };
}

/**
 * The view of one whole stored job (the targeted reconcile reads jobs whole, strongly
 * consistently), its specs parsed through the same cache as the cycle's.
 */
export function viewOfRecord(
  record: JobRecord,
  cache: SpecCache = processSpecCache,
): JobView | string {
  const applied = record.status.lastApplied;
  const read: StoredSpecs = {
    name: record.name,
    specHash: record.specHash,
    spec: record.spec,
    ...(applied ? { lastApplied: { specHash: applied.specHash, spec: applied.spec } } : {}),
  };
  return viewOf(record, { desired: undefined, applied: undefined }, read, cache);
}
