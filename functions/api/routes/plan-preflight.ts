/**
 * `POST /v1/plan?preflight=true`: each FlinkJob's upgrade pre-flight, run on its cluster. It uploads
 * the jar and runs the program's `main()` on the JobManager, so it asks for the right to change
 * the job (`job:write` for the spec's team), not only to read it.
 */
import type { JobRecord } from '../../core/model/index.js';
import type { PlanEntry } from '../../core/plan/preview.js';
import type { SpecDocument } from '../../core/spec/index.js';
import { ClusterUnavailableError } from '../../core/ports/index.js';
import type { RouteContext } from '../router.js';

const UNAVAILABLE =
  'this fjc API cannot reach the clusters; run the pre-flight through a deployment that can (npm run local)';

/** The plan's entries, each FlinkJob's with its pre-flight, one job at a time (each runs user code). */
export async function withPreflight(
  context: RouteContext,
  documents: readonly SpecDocument[],
  jobs: ReadonlyMap<string, JobRecord>,
  entries: readonly PlanEntry[],
): Promise<PlanEntry[]> {
  const out: PlanEntry[] = [];
  for (const [index, entry] of entries.entries()) {
    const document = documents[index];
    if (document?.kind !== 'FlinkJob' || document.spec.state === 'suspended') {
      out.push(entry);
      continue;
    }
    const name = document.metadata.name;
    context.authorize({
      permission: 'job:write',
      resource: `job/${name}`,
      teams: [document.spec.team],
    });
    const run = context.deps.preflight;
    out.push({
      ...entry,
      preflight: run
        ? await attempt(() => run(document, jobs.get(name)))
        : { unavailable: UNAVAILABLE },
    });
  }
  return out;
}

/** A cluster that cannot be reached now is an answer of the plan, not a failure of the request. */
async function attempt(
  run: () => ReturnType<NonNullable<RouteContext['deps']['preflight']>>,
): Promise<NonNullable<PlanEntry['preflight']>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ClusterUnavailableError)
      return { unavailable: `the cluster could not be reached: ${error.message}` };
    throw error;
  }
}
