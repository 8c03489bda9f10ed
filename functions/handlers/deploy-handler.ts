import type { ProbeEvent, ProbeRefusal, ProbeReport } from '../core/cluster-probe.js';
import { createAdvanceHandler, type AdvanceHandlerDeps } from './advance-handler.js';
import { answerProbe, isProbeEvent, refusedProbe, type ProbeHandlerDeps } from './probe-handler.js';
import type { StepReply } from './step-state.js';

/** What the deploy function reads: the control context, and what a probe reads. */
export type DeployHandlerDeps = AdvanceHandlerDeps & ProbeHandlerDeps;

/** The deploy Lambda's handler: a probe event gets a probe report, a state a step. */
export interface DeployHandler {
  (event: ProbeEvent): Promise<ProbeReport | ProbeRefusal>;
  (event: unknown): Promise<StepReply | ProbeReport | ProbeRefusal>;
}

/**
 * The deploy function: one step of a job's operation per state machine state; and the cluster
 * probe (`POST /v1/clusters/probe` invokes its `probe` alias synchronously), as it is the
 * Flink-facing function that may also list the checkpoint locations. A probe it cannot run is
 * answered with a refusal, never a failed invocation: deploy's Errors alarm rolls a control-loop
 * release back, and an admin's probe must not.
 */
export function createDeployHandler(deps: DeployHandlerDeps): DeployHandler {
  const advance = createAdvanceHandler(deps);
  const handler = (event: unknown): Promise<StepReply | ProbeReport | ProbeRefusal> =>
    isProbeEvent(event)
      ? answerProbe(deps, event).catch((error: unknown) => refusedProbe(deps, error))
      : advance(event);
  // One implementation behind the overloads: the event decides which answer comes back.
  return handler as DeployHandler;
}
