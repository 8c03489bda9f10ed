/**
 * What `fjc ACTION NAME --wait` waits for, and what it reports the action produced:
 *
 * - `savepoint`: the manual savepoint it asked for is COMPLETED (its path) or FAILED (the cause);
 * - `suspend`: the job is SUSPENDED (and the savepoint it stopped with, if any);
 * - `resume`, `redeploy`, `rollback`, `restore`: the job is STABLE on the spec the action made
 *   desired (the Flink job it runs as, and any savepoint taken on the way), or the spec was
 *   rejected; a restore recorded for a job that stays suspended: the job is SUSPENDED.
 *
 * Savepoints count as produced by the action when they are not in the catalog as read before the
 * request was sent, so an older (or periodic) one is never reported as the answer.
 */
import type { ApiClient } from './api-client.js';
import type { JobAction, JobView, Page, SavepointView } from './api-types.js';
import { judge, type AppliedJob, type Verdict, type WaitTarget } from './wait.js';

/** Catalog entries read at once: far more than a job takes while one action is carried out. */
const CATALOG_PAGE = 100;

function catalogPath(name: string): string {
  return `/v1/jobs/${encodeURIComponent(name)}/savepoints`;
}

/** The ids of the job's newest catalog entries: what existed before the action. */
export async function catalogBefore(client: ApiClient, name: string): Promise<Set<string>> {
  const page = await client.request<Page<SavepointView>>('GET', catalogPath(name), {
    query: { limit: CATALOG_PAGE },
  });
  return new Set(page.body.items.map((s) => s.id));
}

async function newEntries(
  client: ApiClient,
  name: string,
  before: ReadonlySet<string>,
): Promise<SavepointView[]> {
  const page = await client.request<Page<SavepointView>>('GET', catalogPath(name), {
    query: { limit: CATALOG_PAGE },
  });
  return page.body.items.filter((s) => !before.has(s.id));
}

/** `; savepoint PATH` for the newest completed savepoint among `entries`, else nothing. */
function producedSavepoint(entries: readonly SavepointView[]): string {
  const path = entries.find((s) => s.status === 'COMPLETED' && s.path !== undefined)?.path;
  return path === undefined ? '' : `; savepoint ${path}`;
}

/** What an action is waited on for. */
export interface ActionWait {
  target: WaitTarget;
  /** Ends the closing line when the action did not get there. */
  failure: string;
}

/**
 * The wait of an action on job `job` (as read right after the request), given the catalog ids
 * read before it.
 */
export function actionWait(
  action: JobAction,
  job: JobView,
  before: ReadonlySet<string>,
): ActionWait {
  const name = job.name;
  const applied: AppliedJob = {
    name,
    generation: job.generation,
    specHash: job.specHash,
    // A restore of a job desired suspended only records the choice: nothing starts.
    suspended:
      action === 'suspend' || (action === 'restore' && job.spec.spec.state === 'suspended'),
  };
  if (action === 'savepoint')
    return {
      failure: 'did not get the savepoint asked for',
      target: {
        name,
        goal: 'the savepoint',
        judge: async (_job, client): Promise<Verdict> => {
          const entries = await newEntries(client, name, before);
          const mine = entries.findLast((s) => s.triggerKind === 'manual');
          if (mine?.status === 'COMPLETED' || mine?.status === 'DISPOSED')
            return { state: 'done', summary: `savepoint completed: ${mine.path ?? '(no path)'}` };
          if (mine?.status === 'FAILED')
            return {
              state: 'failed',
              summary: `the savepoint failed: ${mine.failureCause ?? 'no cause recorded'}`,
            };
          return { state: 'pending' };
        },
      },
    };
  if (action === 'suspend')
    return {
      failure: 'was not suspended',
      target: {
        name,
        goal: 'SUSPENDED',
        judge: async (current, client): Promise<Verdict> => {
          const entries = await newEntries(client, name, before);
          const failed = entries.find((s) => s.triggerKind === 'suspend' && s.status === 'FAILED');
          if (failed !== undefined)
            return {
              state: 'failed',
              summary: `the savepoint to suspend with failed (the job keeps running): ${failed.failureCause ?? 'no cause recorded'}`,
            };
          const verdict = judge(current, applied);
          return verdict.state === 'done'
            ? { state: 'done', summary: `${verdict.summary}${producedSavepoint(entries)}` }
            : verdict;
        },
      },
    };
  return {
    failure: 'did not become stable',
    target: {
      name,
      goal: `generation ${job.generation}`,
      judge: async (current, client): Promise<Verdict> => {
        const verdict = judge(current, applied);
        if (verdict.state !== 'done') return verdict;
        const entries = await newEntries(client, name, before);
        const flinkJob =
          current.status.jobId === undefined ? '' : ` as Flink job ${current.status.jobId}`;
        return {
          state: 'done',
          summary: `${verdict.summary}${flinkJob}${producedSavepoint(entries)}`,
        };
      },
    },
  };
}
