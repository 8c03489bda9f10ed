/**
 * The pre-flight verdict on a new version's job graph, as a pure function of what Flink said:
 * whether the program built, and which running vertices' state would have nowhere to go.
 *
 * Flink restores operator state by operator id. `/jars/:id/plan` and `/jobs/:id/plan` show job
 * vertices, whose id is the id of the chain's first operator; the operators chained behind it
 * are not listed by id. So the comparison is by vertex: a running vertex whose id the new graph
 * lacks is state that would be dropped (its first operator is gone, or renamed by a new `uid`);
 * a new vertex id is an operator chain that starts empty. A changed operator inside a chain whose
 * first operator stays is not seen (docs/upgrades.md says so).
 */
import type { GraphVertex, JobGraphPlan } from '../ports/index.js';
import type { JsonObject } from '../model/index.js';

/** A vertex as the pre-flight reports it. */
export interface PreflightVertex {
  id: string;
  name: string;
  /** Bytes of state at the running job's newest completed checkpoint; absent: not known. */
  stateBytes?: number;
}

/** How the new graph compares with the running one. */
export interface GraphComparison {
  /** Running vertices the new graph lacks that hold state (or may: no checkpoint to tell). */
  dropped: PreflightVertex[];
  /** Running vertices the new graph lacks that held no state at the newest checkpoint. */
  removedStateless: PreflightVertex[];
  /** New vertices: their operators start with empty state. */
  startsEmpty: PreflightVertex[];
  /** Vertices in both graphs (their state is restored). */
  kept: number;
}

/** The result of a pre-flight, recorded in the job's history and shown by `fjc plan --preflight`. */
export interface PreflightResult {
  /** `refused`: the operation stops here and nothing running is touched. */
  verdict: 'passed' | 'refused';
  /**
   * `built`: Flink built the new job graph (a SQL job: the gateway planned its statements);
   * `failed`: it could not; `not-checked`: this job type or script is not planned before the stop.
   */
  program: 'built' | 'failed' | 'not-checked';
  /** Vertices of the new graph, when it was built. */
  vertices?: number;
  /** The graph comparison, when there is a running job whose state the new version restores. */
  state?: GraphComparison;
  /** One sentence: what was found (Flink's root cause when the program failed). */
  summary: string;
}

/** Compares the running graph with the new one; `stateBytes` by vertex id, when known. */
export function compareGraphs(
  running: JobGraphPlan,
  next: JobGraphPlan,
  stateBytes: Readonly<Record<string, number>> | undefined,
): GraphComparison {
  const nextIds = new Set(next.vertices.map((vertex) => vertex.id));
  const runningIds = new Set(running.vertices.map((vertex) => vertex.id));
  const described = (vertex: GraphVertex): PreflightVertex => {
    const bytes = stateBytes?.[vertex.id];
    return {
      id: vertex.id,
      name: vertex.name,
      ...(bytes === undefined ? {} : { stateBytes: bytes }),
    };
  };
  const gone = running.vertices.filter((vertex) => !nextIds.has(vertex.id)).map(described);
  return {
    // Unknown size counts as state: refusing needlessly costs a flag, dropping state costs data.
    dropped: gone.filter((vertex) => vertex.stateBytes !== 0),
    removedStateless: gone.filter((vertex) => vertex.stateBytes === 0),
    startsEmpty: next.vertices.filter((vertex) => !runningIds.has(vertex.id)).map(described),
    kept: next.vertices.filter((vertex) => runningIds.has(vertex.id)).length,
  };
}

const names = (vertices: readonly PreflightVertex[]): string =>
  vertices.map((vertex) => `${vertex.name} (${vertex.id})`).join(', ');

/**
 * The verdict on a built graph: dropping state is refused unless the spec allows non-restored
 * state; operators that start empty are reported, never refused (adding an operator is normal).
 */
export function judgeGraph(
  vertices: number,
  comparison: GraphComparison | undefined,
  allowNonRestoredState: boolean,
): PreflightResult {
  const built = { program: 'built' as const, vertices };
  if (!comparison)
    return {
      ...built,
      verdict: 'passed',
      summary: `the new job graph builds (${String(vertices)} vertices); no running state to compare`,
    };
  const empty =
    comparison.startsEmpty.length === 0 ? '' : `; starting empty: ${names(comparison.startsEmpty)}`;
  if (comparison.dropped.length > 0 && !allowNonRestoredState)
    return {
      ...built,
      state: comparison,
      verdict: 'refused',
      summary:
        `the new version has no operator for the state of ${names(comparison.dropped)}` +
        `${empty}; refused before the stop (set spec.restore.allowNonRestoredState: true to drop that state)`,
    };
  const dropped =
    comparison.dropped.length === 0
      ? ''
      : `; state dropped as allowed by restore.allowNonRestoredState: ${names(comparison.dropped)}`;
  return {
    ...built,
    state: comparison,
    verdict: 'passed',
    summary: `the new job graph builds; ${String(comparison.kept)} of ${String(vertices)} vertices keep their state${dropped}${empty}`,
  };
}

/** How the reason of a spec the pre-flight rejected begins (`status.rejected.reason`). */
export const PREFLIGHT_REASON_PREFIX = 'pre-flight: ';

/** The verdict when Flink could not build the new graph: `reason` is Flink's root cause. */
export function programFailed(reason: string): PreflightResult {
  return {
    verdict: 'refused',
    program: 'failed',
    summary: `Flink could not build the new job graph: ${reason}`,
  };
}

/** A job whose graph Flink cannot plan without running something (PyFlink; some SQL scripts). */
export function notChecked(why: string): PreflightResult {
  return { verdict: 'passed', program: 'not-checked', summary: why };
}

const MAX_LISTED = 20;

/** The result as audit details: lists capped so that a huge graph cannot bloat the item. */
export function preflightDetails(result: PreflightResult): JsonObject {
  const cap = (vertices: readonly PreflightVertex[]) =>
    vertices.slice(0, MAX_LISTED).map((vertex) => ({ ...vertex }));
  return {
    verdict: result.verdict,
    program: result.program,
    summary: result.summary,
    ...(result.vertices === undefined ? {} : { vertices: result.vertices }),
    ...(result.state
      ? {
          dropped: cap(result.state.dropped),
          startsEmpty: cap(result.state.startsEmpty),
          removedStateless: cap(result.state.removedStateless),
          kept: result.state.kept,
        }
      : {}),
  };
}
