import { describe, expect, it } from 'vitest';
import { jobManagerPorts } from '../../../scripts/flink/bound-ports.js';

// As a JobManager started with port 0 for RPC and REST logs them (2.3.0 and 1.20.5 alike).
const STARTUP = [
  '2026-11-27 10:29:43,957 INFO  org.apache.pekko.remote.Remoting                             [] - Remoting started; listening on addresses :[pekko.tcp://flink@127.0.0.1:42403]',
  '2026-11-27 10:29:44,785 INFO  org.apache.pekko.remote.Remoting                             [] - Remoting started; listening on addresses :[pekko.tcp://flink-metrics@127.0.0.1:32939]',
  '2026-11-27 10:29:46,685 INFO  org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint   [] - Rest endpoint listening at 127.0.0.1:38363',
  '2026-11-27 10:29:46,691 INFO  org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint   [] - Web frontend listening at http://127.0.0.1:38363.',
];

describe('the ports a JobManager reports it bound', () => {
  it('reads the RPC port of its own actor system, not the metrics one, and the REST port', () => {
    expect(jobManagerPorts(STARTUP.join('\n'))).toEqual({ rpc: 42403, rest: 38363 });
  });

  it('reads the metrics actor system only as what it is, whatever the order', () => {
    const reordered = [STARTUP[1], STARTUP[0]].join('\n');
    expect(jobManagerPorts(reordered)).toEqual({ rpc: 42403 });
  });

  it('knows nothing before the lines are written, or from a port that cannot be one', () => {
    expect(jobManagerPorts('')).toEqual({});
    expect(jobManagerPorts(STARTUP[0]?.slice(0, 120) ?? '')).toEqual({});
    expect(jobManagerPorts('Rest endpoint listening at 127.0.0.1:70000')).toEqual({});
  });
});
