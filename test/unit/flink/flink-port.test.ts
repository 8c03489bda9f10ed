/**
 * The Flink port adapter over a loopback server answering as Flink does: Flink's JSON turned into
 * the core's terms, and Flink's refusals into the core's errors. The real cluster covers the same
 * adapter through the control-loop scenarios (test/flink/control-loop.test.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  ClusterRefusedError,
  ClusterUnavailableError,
  DuplicateJobIdError,
  JarNotOnClusterError,
  JobNotOnClusterError,
} from '../../../functions/core/ports/index.js';
import {
  FlinkRestClient,
  FlinkUnreachableError,
  flinkPortOf,
} from '../../../functions/flink/index.js';
import { json, useCannedFlink, type Responder } from './canned-server.js';

const JOB = '0123456789abcdef0123456789abcdef';
const TRIGGER = 'fedcba9876543210fedcba9876543210';
const { portFor, afterTest } = useCannedFlink();

const notFound: Responder = (_req, res) => {
  json(res, 404, {
    errors: ['org.apache.flink.runtime.rest.NotFoundException: Job 0123 not found'],
  });
};

describe('FlinkClusterPort: answers in the core’s terms', () => {
  it('lists jobs with id, state, start time and scheduler type', async () => {
    const { port } = await portFor((_req, res) => {
      json(res, 200, {
        jobs: [
          { jid: JOB, name: 'a', state: 'RUNNING', 'start-time': 5, 'end-time': -1 },
          {
            jid: TRIGGER,
            name: 'b',
            state: 'FAILED',
            'start-time': 7,
            'end-time': 9,
            schedulerType: 'Adaptive',
          },
        ],
      });
    });
    expect(await port.listJobs()).toEqual({
      jobs: [
        { jobId: JOB, state: 'RUNNING', startTime: 5 },
        { jobId: TRIGGER, state: 'FAILED', startTime: 7, schedulerType: 'Adaptive' },
      ],
      unreadable: [],
    });
  });

  it('lists what it can read: a malformed entry is set aside, naming the job and the field', async () => {
    const other = 'abcdefabcdefabcdefabcdefabcdef01';
    const { port } = await portFor((_req, res) => {
      json(res, 200, {
        jobs: [
          { jid: JOB, name: 'a', state: 'RUNNING', 'start-time': 5, 'end-time': -1 },
          // Flink 2.3 lists a job refused at submission with a null scheduler type: readable.
          {
            jid: other,
            name: 'refused',
            state: 'FAILED',
            'start-time': 6,
            'end-time': 7,
            schedulerType: null,
          },
          { jid: TRIGGER, name: 'b', state: 'DANCING', 'start-time': 7, 'end-time': -1 },
          { name: 'no id', state: 'RUNNING', 'start-time': 8, 'end-time': -1 },
          null,
        ],
      });
    });
    const listed = await port.listJobs();
    expect(listed.jobs).toEqual([
      { jobId: JOB, state: 'RUNNING', startTime: 5 },
      { jobId: other, state: 'FAILED', startTime: 6 },
    ]);
    expect(listed.unreadable).toEqual([
      { jobId: TRIGGER, reason: expect.stringMatching(/^state: /) as string },
      { reason: expect.stringMatching(/^jid: /) as string },
      { reason: expect.stringMatching(/object/) as string },
    ]);
  });

  it('reads a job’s state and when it started RUNNING', async () => {
    const detail = (timestamps?: Record<string, number>) => ({
      jid: JOB,
      name: 'a',
      state: 'RUNNING',
      'start-time': 1,
      'end-time': -1,
      vertices: [],
      ...(timestamps ? { timestamps } : {}),
    });
    let body = detail({ RUNNING: 42, CREATED: 1 });
    const { port } = await portFor((_req, res) => {
      json(res, 200, body);
    });
    expect(await port.getJob(JOB)).toEqual({ jobId: JOB, state: 'RUNNING', runningSince: 42 });
    body = detail();
    expect(await port.getJob(JOB)).toEqual({ jobId: JOB, state: 'RUNNING' });
  });

  it('reads the highest parallelism the job’s vertices run at', async () => {
    const { port } = await portFor((_req, res) => {
      json(res, 200, {
        jid: JOB,
        name: 'a',
        state: 'RUNNING',
        'start-time': 1,
        'end-time': -1,
        vertices: [
          { id: 'v1', name: 'source', parallelism: 3 },
          { id: 'v2', name: 'sink', parallelism: 1 },
        ],
      });
    });
    expect(await port.getJob(JOB)).toMatchObject({ parallelism: 3 });
  });

  it('tells whether checkpointing is enabled for a job, in each way Flink says it is not', async () => {
    let answer: [number, unknown] = [200, { mode: 'exactly_once', interval: 1000 }];
    const { port } = await portFor((req, res) => {
      expect(req.url).toBe(`/jobs/${JOB}/checkpoints/config`);
      json(res, answer[0], answer[1]);
    });
    expect(await port.isCheckpointingEnabled(JOB)).toBe(true);
    // Periodic checkpointing off: Flink keeps a coordinator (for savepoints) at interval Long.MAX.
    answer = [200, { mode: 'exactly_once', interval: 2 ** 63 }]; // Long.MAX as JSON.parse reads it
    expect(await port.isCheckpointingEnabled(JOB)).toBe(false);
    answer = [404, { errors: [`Checkpointing is not enabled for this job (${JOB}).`] }];
    expect(await port.isCheckpointingEnabled(JOB)).toBe(false);
  });

  it('summarizes failures, newest first', async () => {
    const { port } = await portFor((_req, res) => {
      json(res, 200, {
        exceptionHistory: {
          entries: [
            {
              exceptionName: 'java.lang.IllegalStateException',
              stacktrace: 'java.lang.IllegalStateException: old\n\tat x.y(Z.java:1)',
              timestamp: 1,
            },
            {
              exceptionName: 'java.lang.RuntimeException',
              stacktrace:
                'java.lang.RuntimeException: new\n\tat x.y(Z.java:1)\nCaused by: java.io.IOException: disk\n',
              timestamp: 2,
            },
          ],
        },
      });
    });
    expect(await port.getFailures(JOB)).toEqual([
      { at: 2, summary: 'RuntimeException: new (root cause: IOException: disk)' },
      { at: 1, summary: 'IllegalStateException: old' },
    ]);
  });

  it('reads the checkpoint count and the newest completed checkpoint', async () => {
    let latest: unknown = { id: 7, external_path: 'file:///c/chk-7', latest_ack_timestamp: 99 };
    const { port } = await portFor((_req, res) => {
      json(res, 200, {
        counts: { completed: 7, failed: 0, in_progress: 0, restored: 0, total: 7 },
        latest: { completed: latest },
      });
    });
    expect(await port.getCheckpoints(JOB)).toEqual({
      completed: 7,
      latest: { path: 'file:///c/chk-7', completedAt: 99 },
    });
    latest = { id: 8, external_path: null };
    expect(await port.getCheckpoints(JOB)).toEqual({ completed: 7, latest: { completedAt: 0 } });
    latest = null;
    expect(await port.getCheckpoints(JOB)).toEqual({ completed: 7 });
  });

  it.each([
    [{ status: { id: 'IN_PROGRESS' } }, { state: 'IN_PROGRESS' }],
    [
      { status: { id: 'COMPLETED' }, operation: { location: 'file:///sp/1' } },
      { state: 'COMPLETED', location: 'file:///sp/1' },
    ],
    [
      {
        status: { id: 'COMPLETED' },
        operation: {
          'failure-cause': {
            class: 'java.io.IOException',
            'stack-trace': 'java.io.IOException: No space left on device\n\tat a.b(C.java:1)',
          },
        },
      },
      { state: 'FAILED', cause: 'IOException: No space left on device' },
    ],
    [
      { status: { id: 'COMPLETED' }, operation: { 'failure-cause': {} } },
      { state: 'FAILED', cause: 'unknown cause' },
    ],
    [
      { status: { id: 'COMPLETED' }, operation: null },
      { state: 'FAILED', cause: 'Flink reported no savepoint location' },
    ],
  ])('maps savepoint status %j', async (body, progress) => {
    const { port } = await portFor((_req, res) => {
      json(res, 200, body);
    });
    expect(await port.getSavepointStatus(JOB, TRIGGER)).toEqual(progress);
  });

  it('rescales every vertex to the new upper bound, lower bound 1', async () => {
    const { port, server } = await portFor((req, res) => {
      if (req.method === 'GET')
        json(res, 200, {
          source: { parallelism: { lowerBound: 1, upperBound: 2 } },
          sink: { parallelism: { lowerBound: 2, upperBound: 2 } },
        });
      else json(res, 200, {});
    });
    await port.rescale(JOB, 4);
    const put = server.requests.find((r) => r.method === 'PUT');
    expect(put?.url).toBe(`/jobs/${JOB}/resource-requirements`);
    expect(JSON.parse(put?.body.toString() ?? '')).toEqual({
      source: { parallelism: { lowerBound: 1, upperBound: 4 } },
      sink: { parallelism: { lowerBound: 1, upperBound: 4 } },
    });
  });

  it('reads the cluster’s checkpoint directory, by its 2.x name or the older one', async () => {
    const configs = [
      [
        { key: 'state.checkpoints.dir', value: 'file:/old' },
        { key: 'execution.checkpointing.dir', value: 's3://bucket/chk/' },
      ],
      [{ key: 'state.checkpoints.dir', value: 'file:/old' }],
      [{ key: 'jobmanager.rpc.port', value: '6123' }],
    ];
    const answers: (string | undefined)[] = [];
    for (const config of configs) {
      const { port } = await portFor((req, res) => {
        expect(req.url).toBe('/jobmanager/config');
        json(res, 200, config);
      });
      answers.push(await port.checkpointDirectory());
    }
    expect(answers).toEqual(['s3://bucket/chk', 'file:/old', undefined]);
  });

  it('reads the version the cluster reports (GET /config) although the client declares one', async () => {
    const asked: (string | undefined)[] = [];
    const { port } = await portFor((req, res) => {
      asked.push(req.url);
      json(res, 200, { 'flink-version': '1.20.1', features: {} });
    });
    // The declared 2.3.0 is what requests are built for; the report is what the probe checks.
    expect(await port.flinkVersion()).toBe('2.3.0');
    expect(await port.reportedFlinkVersion()).toBe('1.20.1');
    expect(asked).toEqual(['/config']);
  });
});

describe('FlinkClusterPort: refusals become the core’s errors', () => {
  it('a job the cluster does not know is JobNotOnClusterError, with Flink’s words', async () => {
    const { port } = await portFor(notFound);
    const error = await port.getJob(JOB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobNotOnClusterError);
    expect(error).toMatchObject({
      code: 'FLINK_JOB_NOT_FOUND',
      reason: expect.stringMatching(/not found/) as string,
    });
  });

  it('a taken job id is DuplicateJobIdError; any other refusal ClusterRefusedError', async () => {
    let status = 409;
    const { port } = await portFor((_req, res) => {
      json(res, status, {
        errors: [
          status === 409
            ? 'org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted.'
            : 'org.apache.flink.client.program.ProgramInvocationException: bad args',
        ],
      });
    });
    const duplicate = await port.runJar('x.jar', { jobId: JOB }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(DuplicateJobIdError);
    status = 400;
    const refused = await port.runJar('x.jar', { jobId: JOB }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClusterRefusedError);
    expect(refused).not.toBeInstanceOf(DuplicateJobIdError);
    expect((refused as ClusterRefusedError).reason).toMatch(/bad args/);
  });

  it('a run of a jar the cluster no longer has is JarNotOnClusterError (nothing submitted)', async () => {
    let status = 500;
    const { port } = await portFor((_req, res) => {
      // Flink 2.3's answer (HTTP 500), as recorded by test/flink/jar-reuse.test.ts.
      json(res, status, {
        errors: [
          'Internal server error.',
          '<Exception on server side:\njava.util.concurrent.CompletionException: org.apache.flink.runtime.rest.handler.RestHandlerException: Jar file /tmp/flink-web-1/flink-web-upload/3f2a_x.jar does not exist\n\tat org.apache.flink.runtime.webmonitor.handlers.utils.JarHandlerUtils$JarHandlerContext.toPackagedProgram(JarHandlerUtils.java:197)',
        ],
      });
    });
    for (const answer of [500, 400]) {
      status = answer;
      const gone = await port.runJar('3f2a_x.jar', { jobId: JOB }).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(JarNotOnClusterError);
      expect(gone).toMatchObject({ code: 'FLINK_JAR_NOT_FOUND' });
    }
  });

  it('lists the cluster’s jars with the names they were uploaded as', async () => {
    const { port, server } = await portFor((_req, res) => {
      json(res, 200, {
        address: 'http://localhost:8081',
        files: [
          { id: '3f2a_fjc-x.jar', name: 'fjc-x.jar', uploaded: 1_700_000_000_000, entry: [] },
        ],
      });
    });
    expect(await port.listJars()).toEqual([
      { jarId: '3f2a_fjc-x.jar', name: 'fjc-x.jar', uploadedAt: 1_700_000_000_000 },
    ]);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /jars']);
  });

  it('turns transient faults into ClusterUnavailableError, the adapter’s error as cause', async () => {
    const { port, server } = await portFor(notFound);
    await server.close();
    const error = await port.cancelJob(JOB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterUnavailableError);
    expect((error as Error).cause).toBeInstanceOf(FlinkUnreachableError);
    expect(error).toMatchObject({ code: 'FLINK_UNREACHABLE' });
  });

  it('an HTTP 500 without a named refusal is transient, never a refusal (savepoint status)', async () => {
    const { port } = await portFor((_req, res) => {
      json(res, 500, { errors: ['Internal server error.'] });
    });
    const error = await port.getSavepointStatus(JOB, TRIGGER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterUnavailableError);
    expect(error).not.toBeInstanceOf(ClusterRefusedError);
    expect(error).toMatchObject({ code: 'FLINK_SERVER_ERROR' });
    const trigger = await port
      .stopWithSavepoint(JOB, { triggerId: TRIGGER, drain: false })
      .catch((e: unknown) => e);
    expect(trigger).toBeInstanceOf(ClusterUnavailableError);
  });

  it('an HTTP 500 naming Flink’s refusal of the program is a refusal (failed main(), no class)', async () => {
    const { port } = await portFor((_req, res) => {
      json(res, 500, {
        errors: [
          'Internal server error.',
          '<Exception on server side:\njava.util.concurrent.CompletionException: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: Failing on start',
        ],
      });
    });
    const error = await port.runJar('x.jar', { jobId: JOB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterRefusedError);
  });

  it('keeps one port per client', () => {
    const client = new FlinkRestClient({ baseUrl: 'http://127.0.0.1:1' });
    afterTest(() => client.close());
    expect(flinkPortOf(client)).toBe(flinkPortOf(client));
  });
});
