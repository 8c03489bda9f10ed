/**
 * The pre-flight calls of the Flink port over a loopback server answering with what Flink 2.3
 * answered on the real cluster (examples/jobs/stateful-counter): the jar plan, the running job's
 * plan and the state size per vertex, and a `main()` that throws as Flink reports it.
 */
import { describe, expect, it } from 'vitest';
import { ClusterRefusedError, JarNotOnClusterError } from '../../../functions/core/ports/index.js';
import { json, useCannedFlink } from './canned-server.js';

const JOB = '0123456789abcdef0123456789abcdef';
const SOURCE = 'f421c7059e6771b9a595acc02e87aaef';
const COUNTER = '0da08f51eaa85fc298e176a139b3649a';
const PLAN = {
  plan: {
    jid: 'ddefdfcd92e231208eed34c6d8b07f78',
    name: 'stateful-counter',
    type: 'STREAMING',
    nodes: [
      {
        id: COUNTER,
        operator: '',
        parallelism: 1,
        operator_strategy: '',
        description: 'counter<br/>+- discard: Writer<br/>',
        optimizer_properties: {},
        inputs: [{ id: SOURCE, num: 0, exchange: 'pipelined_bounded', ship_strategy: 'HASH' }],
      },
      {
        id: SOURCE,
        operator: '',
        parallelism: 1,
        operator_strategy: '',
        description: 'Source: sequence-source<br/>+- rate-limiter<br/>',
        optimizer_properties: {},
      },
    ],
  },
};
const GRAPH = {
  vertices: [
    { id: COUNTER, name: 'counter → discard: Writer', parallelism: 1 },
    { id: SOURCE, name: 'Source: sequence-source → rate-limiter', parallelism: 1 },
  ],
};

const { portFor } = useCannedFlink();

describe('FlinkClusterPort: the pre-flight calls', () => {
  it('plans a jar with the program fields of a run, and names each vertex by its chain', async () => {
    const { port, server } = await portFor((_req, res) => {
      json(res, 200, PLAN);
    });
    const plan = await port.planJar('abc_job.jar', {
      entryClass: 'dev.fjc.examples.StatefulCounter',
      args: ['--rate', '20'],
      parallelism: 2,
      flinkConfiguration: { 'pipeline.name': 'counter' },
    });
    expect(plan).toEqual(GRAPH);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/jars/abc_job.jar/plan');
    expect(JSON.parse(request?.body.toString() ?? '')).toEqual({
      entryClass: 'dev.fjc.examples.StatefulCounter',
      programArgsList: ['--rate', '20'],
      parallelism: 2,
      flinkConfiguration: { 'pipeline.name': 'counter' },
    });
  });

  it('turns a main() that throws into a refusal with Flink’s root cause', async () => {
    const { port } = await portFor((_req, res) => {
      json(res, 500, {
        errors: [
          'Internal server error.',
          '<Exception on server side:\norg.apache.flink.client.program.ProgramInvocationException: The main method caused an error: Failing on start as asked by --fail-on-start\n\tat org.apache.flink.client.program.PackagedProgram.callMainMethod(PackagedProgram.java:376)\nCaused by: java.lang.IllegalStateException: Failing on start as asked by --fail-on-start\n\tat dev.fjc.examples.StatefulCounter.main(StatefulCounter.java:60)\n\nEnd of exception on server side>',
        ],
      });
    });
    const refusal = await port.planJar('abc_job.jar', {}).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ClusterRefusedError);
    expect((refusal as ClusterRefusedError).reason).toMatch(
      /ProgramInvocationException: The main method caused an error.*IllegalStateException: Failing on start/,
    );
  });

  it('says a jar that is gone is gone, so that it is uploaded again', async () => {
    const { port } = await portFor((_req, res) => {
      json(res, 400, { errors: ['Jar file /tmp/flink-web/abc_job.jar does not exist'] });
    });
    await expect(port.planJar('abc_job.jar', {})).rejects.toBeInstanceOf(JarNotOnClusterError);
  });

  it('reads the running job’s graph and its state size per vertex at the newest checkpoint', async () => {
    const { port, server } = await portFor((req, res) => {
      if (req.url === `/jobs/${JOB}/plan`) json(res, 200, PLAN);
      else if (req.url === `/jobs/${JOB}/checkpoints`)
        json(res, 200, {
          counts: { completed: 6, failed: 0, in_progress: 0, restored: 0, total: 6 },
          latest: { completed: { id: 6, external_path: 'file:/chk-6' } },
        });
      else
        json(res, 200, {
          id: 6,
          tasks: { [COUNTER]: { state_size: 3992 }, [SOURCE]: { state_size: 265 } },
        });
    });
    expect(await port.getJobPlan(JOB)).toEqual(GRAPH);
    expect(await port.getVertexStateSizes(JOB)).toEqual({ [COUNTER]: 3992, [SOURCE]: 265 });
    expect(server.requests.at(-1)?.url).toBe(`/jobs/${JOB}/checkpoints/details/6`);
  });

  it('knows no state sizes before the first completed checkpoint', async () => {
    const { port, server } = await portFor((_req, res) => {
      json(res, 200, {
        counts: { completed: 0, failed: 0, in_progress: 0, restored: 0, total: 0 },
        latest: { completed: null },
      });
    });
    expect(await port.getVertexStateSizes(JOB)).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });
});
