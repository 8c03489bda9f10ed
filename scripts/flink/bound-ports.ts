/**
 * The ports a JobManager really bound, read from what it logs at start-up. The test cluster lets
 * the kernel choose its ports at bind time (port 0) instead of probing for a free port and handing
 * the number over: between a probe's close and the JVM's bind, anything (our own TaskManager
 * included) could take that port, and the JobManager then died with a BindException.
 */

/** The JobManager's bound ports, as far as its log has told yet. */
export interface JobManagerPorts {
  /** The RPC port of its actor system (`flink@host:port`), which a TaskManager must be told. */
  rpc?: number;
  /** The REST endpoint's port. */
  rest?: number;
}

// `flink@` and not `flink-metrics@`: the metrics query service runs an actor system of its own.
const RPC_BOUND =
  /Remoting started; listening on addresses :\[pekko\.tcp:\/\/flink@[^\]:]+:(\d+)\]/;
const REST_BOUND = /Rest endpoint listening at [^\s:]+:(\d+)/;

function port(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  if (match?.[1] === undefined) return undefined;
  const value = Number(match[1]);
  return Number.isInteger(value) && value > 0 && value < 65_536 ? value : undefined;
}

/**
 * The ports a JobManager's log output reports it bound. Give it only the output of one start
 * (e.g. the console log from the offset it had when the JVM was spawned): an earlier run's lines
 * would name that run's ports.
 */
export function jobManagerPorts(logText: string): JobManagerPorts {
  const rpc = port(logText, RPC_BOUND);
  const rest = port(logText, REST_BOUND);
  return {
    ...(rpc === undefined ? {} : { rpc }),
    ...(rest === undefined ? {} : { rest }),
  };
}
