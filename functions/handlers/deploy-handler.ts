import type { ProbeEvent, ProbeReport } from '../core/cluster-probe.js';
import { createAdvanceHandler, type AdvanceHandlerDeps } from './advance-handler.js';
import { answerProbe, isProbeEvent, type ProbeHandlerDeps } from './probe-handler.js';
import type { StepReply } from './step-state.js';

/** What the deploy function reads: the control context, and what a probe reads. */
export type DeployHandlerDeps = AdvanceHandlerDeps & ProbeHandlerDeps;

/** The deploy Lambda's handler: a probe event gets a probe report, a state a step. */
export interface DeployHandler {
  (event: ProbeEvent): Promise<ProbeReport>;
  (event: unknown): Promise<StepReply | ProbeReport>;
}

/**
 * The deploy function: one step of a job's operation per state machine state; and the cluster
 * probe (`POST /v1/clusters/probe` invokes its `probe` alias synchronously), as it is the
 * Flink-facing function that may also list the checkpoint locations.
 */
export function createDeployHandler(deps: DeployHandlerDeps): DeployHandler {
  const advance = createAdvanceHandler(deps);
  const handler = (event: unknown): Promise<StepReply | ProbeReport> =>
    isProbeEvent(event) ? answerProbe(deps, event) : advance(event);
  // One implementation behind the overloads: the event decides which answer comes back.
  return handler as DeployHandler;
}
