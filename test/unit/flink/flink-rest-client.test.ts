import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  awaitDisposal,
  awaitJobState,
  awaitSavepoint,
  DeadlineExceededError,
  FlinkClientInputError,
  FlinkDuplicateJobError,
  FlinkJobFailedError,
  FlinkJobNotFoundError,
  FlinkProtocolError,
  FlinkRequestRejectedError,
  FlinkRestClient,
  type FlinkRestClientOptions,
  FlinkServerError,
  FlinkUnreachableError,
  SavepointFailedError,
} from '../../../functions/flink/index.js';
import { cannedServer, json, type Responder } from './canned-server.js';

const JOB = '0123456789abcdef0123456789abcdef';
const TRIGGER = 'fedcba9876543210fedcba9876543210';
const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function clientFor(respond: Responder, options: Partial<FlinkRestClientOptions> = {}) {
  const server = await cannedServer(respond);
  const client = new FlinkRestClient({
    baseUrl: server.url,
    flinkVersion: '2.3.0',
    retry: fast,
    timeoutMs: 2_000,
    ...options,
  });
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return { client, server };
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('FlinkRestClient input checks', () => {
  it.each([
    ['not a url', /not a URL/],
    ['ftp://host:21', /http or https/],
    ['http://user:secret@host:8081', /must not contain credentials/],
    ['http://host:8081/?x=1', /query or fragment/],
  ])('refuses baseUrl %s', (baseUrl, message) => {
    let error: unknown;
    try {
      new FlinkRestClient({ baseUrl });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlinkClientInputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('secret');
  });

  it('refuses an unreadable version and malformed ids before any request', async () => {
    expect(() => new FlinkRestClient({ baseUrl: 'http://h:1', flinkVersion: 'new' })).toThrow(
      FlinkClientInputError,
    );
    const { client, server } = await clientFor((_req, res) => {
      json(res, 200, {});
    });
    await expect(client.getJob('nope')).rejects.toThrow(/jobId must be 32 lowercase hex digits/);
    await expect(client.triggerSavepoint(JOB, { triggerId: 'x' })).rejects.toThrow(
      FlinkClientInputError,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('FlinkRestClient transport failures', () => {
  it('reports an unreachable cluster after bounded retries', async () => {
    const port = await closedPort();
    const client = new FlinkRestClient({
      baseUrl: `http://127.0.0.1:${port}`,
      retry: fast,
      timeoutMs: 1_000,
    });
    cleanups.push(() => client.close());
    const error = await client.listJobs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkUnreachableError);
    expect((error as FlinkUnreachableError).message).toContain(`127.0.0.1:${port}`);
    expect((error as FlinkUnreachableError).remedy).toMatch(/cluster is up/);
  });

  it('never hangs past the deadline of a call that gets no answer, and retries only safe calls', async () => {
    const { client, server } = await clientFor(() => undefined /* never answers */, {
      timeoutMs: 200,
      runTimeoutMs: 300,
    });
    const started = Date.now();
    const error = await client.getOverview().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).outcomeUnknown).toBe(false);
    expect(Date.now() - started).toBeLessThan(3 * 200 + 1_000);
    expect(server.requests.filter((r) => r.url === '/overview')).toHaveLength(3);

    server.requests.length = 0;
    const run = await client.runJar('x.jar', { jobId: JOB }).catch((e: unknown) => e);
    expect(run).toBeInstanceOf(DeadlineExceededError);
    expect((run as DeadlineExceededError).outcomeUnknown).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('retries 503 for reads and succeeds', async () => {
    let calls = 0;
    const { client } = await clientFor((_req, res) => {
      calls++;
      if (calls < 3) json(res, 503, { errors: ['busy'] });
      else json(res, 200, { jobs: [] });
    });
    await expect(client.listJobs()).resolves.toEqual({ jobs: [], unreadable: [] });
    expect(calls).toBe(3);
  });

  it('does not retry a jar run on 503', async () => {
    const { client, server } = await clientFor((_req, res) => {
      json(res, 503, { errors: ['busy'] });
    });
    await expect(client.runJar('x.jar', { jobId: JOB })).rejects.toThrow(FlinkServerError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('FlinkRestClient response mapping', () => {
  it('turns a proxy page into a protocol error', async () => {
    const { client } = await clientFor((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    await expect(client.getOverview()).rejects.toThrow(FlinkProtocolError);
  });

  it('names the field of a response it cannot read', async () => {
    const { client } = await clientFor((_req, res) => {
      json(res, 200, { jobs: { jid: JOB } });
    });
    await expect(client.listJobs()).rejects.toThrow(/jobs: /);
  });

  it('reads a job list entry by entry: one it cannot read is set aside with the reason', async () => {
    const { client } = await clientFor((_req, res) => {
      json(res, 200, {
        jobs: [
          { jid: JOB, name: 'x', state: 'DANCING' },
          { jid: TRIGGER, name: 'y', state: 'RUNNING', 'start-time': 1, 'end-time': -1 },
        ],
      });
    });
    const listed = await client.listJobs();
    expect(listed.jobs.map((j) => j.jid)).toEqual([TRIGGER]);
    expect(listed.unreadable).toEqual([
      { jid: JOB, reason: expect.stringMatching(/state: .*start-time: /) as string },
    ]);
  });

  it('maps 404 on a job to FlinkJobNotFoundError and an unknown route to a rejection', async () => {
    const { client } = await clientFor((req, res) => {
      if (req.url.endsWith('/resource-requirements'))
        json(res, 404, { errors: [`Not found: ${req.url}`] });
      else
        json(res, 404, {
          errors: [`org.apache.flink.runtime.rest.NotFoundException: Job ${JOB} not found`],
        });
    });
    const missing = await client.getJob(JOB).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(FlinkJobNotFoundError);
    expect((missing as FlinkJobNotFoundError).message).toContain(`Job ${JOB} not found`);
    const route = await client.getResourceRequirements(JOB).catch((e: unknown) => e);
    expect(route).toBeInstanceOf(FlinkRequestRejectedError);
    expect(route).not.toBeInstanceOf(FlinkJobNotFoundError);
  });

  it('maps a duplicate submission to FlinkDuplicateJobError', async () => {
    const { client } = await clientFor((_req, res) => {
      json(res, 400, {
        errors: [
          'Internal server error.',
          `<Exception on server side:\norg.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted.\n\tat x.y(Z.java:1)\n\nEnd of exception on server side>`,
        ],
      });
    });
    const error = await client.runJar('x.jar', { jobId: JOB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkDuplicateJobError);
    expect((error as FlinkDuplicateJobError).message).toContain(
      'DuplicateJobSubmissionException: Job has already been submitted.',
    );
    expect((error as FlinkDuplicateJobError).message).not.toContain('\tat ');
  });

  it('gives a credentials remedy on 401 without echoing the credentials', async () => {
    const { client, server } = await clientFor(
      (_req, res) => {
        json(res, 401, { errors: ['unauthorized'] });
      },
      {
        auth: { type: 'bearer', token: 'tok-very-secret' },
      },
    );
    const error = await client.getOverview().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkRequestRejectedError);
    expect((error as FlinkRequestRejectedError).remedy).toMatch(/credentials/);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok-very-secret');
    expect(JSON.stringify(error)).not.toContain('tok-very-secret');
    expect(String((error as Error).stack)).not.toContain('tok-very-secret');
    expect(inspect(client)).not.toContain('tok-very-secret');
    expect(JSON.stringify(client)).not.toContain('tok-very-secret');
  });

  it('sends basic credentials and honours a path prefix', async () => {
    const server = await cannedServer((_req, res) => {
      json(res, 200, { 'flink-version': '1.20.5' });
    });
    const client = new FlinkRestClient({
      baseUrl: `${server.url}/flink/`,
      auth: { type: 'basic', username: 'ops', password: 'pw' },
    });
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    await expect(client.getVersion()).resolves.toMatchObject({ major: 1, minor: 20 });
    await client.getVersion(); // cached: no second request
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.url).toBe('/flink/config');
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('ops:pw').toString('base64')}`,
    );
    expect(client.url).toBe(`${server.url}/flink`);
  });
});

describe('FlinkRestClient jar upload', () => {
  it('streams a file as multipart with its length and returns the jar id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fjc-'));
    const jar = join(dir, 'job.jar');
    await writeFile(jar, Buffer.alloc(300_000, 7));
    const { client, server } = await clientFor((_req, res) => {
      json(res, 200, { filename: '/tmp/flink-web/upload/3f2a_job.jar', status: 'success' });
    });
    await expect(client.uploadJar({ path: jar })).resolves.toEqual({ jarId: '3f2a_job.jar' });
    const req = server.requests[0];
    expect(req?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(Number(req?.headers['content-length'])).toBe(req?.body.length);
    expect(req?.body.toString('latin1')).toContain('name="jarfile"; filename="job.jar"');
    expect(req?.body.length).toBeGreaterThan(300_000);
  });

  it('uploads a file under the name the caller chose (fjc names its jars by digest)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fjc-'));
    const jar = join(dir, 'job.jar');
    await writeFile(jar, 'PK');
    const { client, server } = await clientFor((_req, res) => {
      json(res, 200, { filename: '/tmp/flink-web/upload/3f2a_fjc-abc-job.jar', status: 'success' });
    });
    await expect(client.uploadJar({ path: jar, fileName: 'fjc-abc-job.jar' })).resolves.toEqual({
      jarId: '3f2a_fjc-abc-job.jar',
    });
    expect(server.requests[0]?.body.toString('latin1')).toContain('filename="fjc-abc-job.jar"');
  });

  it('streams from an iterable of unknown size', async () => {
    const { client, server } = await clientFor((_req, res) => {
      json(res, 200, { filename: 'abc_x.jar', status: 'success' });
    });
    const chunks = () => Readable.from([Buffer.from('PK'), Buffer.from('rest')]);
    await expect(client.uploadJar({ stream: chunks(), fileName: 'x.jar' })).resolves.toEqual({
      jarId: 'abc_x.jar',
    });
    expect(server.requests[0]?.body.toString()).toContain('PKrest');
  });

  it('refuses a missing file and a name Flink would refuse', async () => {
    const { client, server } = await clientFor((_req, res) => {
      json(res, 200, {});
    });
    await expect(client.uploadJar({ path: '/nonexistent/job.jar' })).rejects.toThrow(
      /Cannot read jar/,
    );
    await expect(client.uploadJar({ path: tmpdir() })).rejects.toThrow(/Cannot read jar/);
    async function* none() {
      // empty
    }
    await expect(client.uploadJar({ stream: none(), fileName: 'job.zip' })).rejects.toThrow(
      /ending in .jar/,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('FlinkRestClient async operations', () => {
  it('returns the savepoint location once completed', async () => {
    let polls = 0;
    const { client, server } = await clientFor((req, res) => {
      if (req.method === 'POST') json(res, 202, { 'request-id': TRIGGER });
      else if (++polls < 2) json(res, 200, { status: { id: 'IN_PROGRESS' } });
      else
        json(res, 200, {
          status: { id: 'COMPLETED' },
          operation: { location: 'file:/sp/savepoint-1' },
        });
    });
    const { triggerId } = await client.triggerSavepoint(JOB, {
      triggerId: TRIGGER,
      targetDirectory: 'file:/sp',
    });
    expect(JSON.parse(server.requests[0]?.body.toString() ?? '')).toEqual({
      'cancel-job': false,
      triggerId: TRIGGER,
      'target-directory': 'file:/sp',
    });
    await expect(
      awaitSavepoint(client, JOB, triggerId, { deadlineMs: 5_000, intervalMs: 10 }),
    ).resolves.toEqual({
      triggerId: TRIGGER,
      location: 'file:/sp/savepoint-1',
    });
  });

  it('surfaces the failure cause of a savepoint and of a completion without location', async () => {
    const { client } = await clientFor((req, res) => {
      if (req.url.includes('/stop')) json(res, 202, { 'request-id': TRIGGER });
      else if (req.url.endsWith(TRIGGER))
        json(res, 200, {
          status: { id: 'COMPLETED' },
          operation: {
            'failure-cause': {
              class: 'java.util.concurrent.CompletionException',
              'stack-trace':
                'java.util.concurrent.CompletionException: x\n\tat a.b(C.java:1)\nCaused by: org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint Coordinator is suspending.',
            },
          },
        });
      else json(res, 200, { status: { id: 'COMPLETED' }, operation: {} });
    });
    const { triggerId } = await client.stopWithSavepoint(JOB, { triggerId: TRIGGER, drain: false });
    const error = await awaitSavepoint(client, JOB, triggerId, { deadlineMs: 1_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SavepointFailedError);
    expect((error as Error).message).toContain(
      'CheckpointException: Checkpoint Coordinator is suspending.',
    );
    await expect(
      awaitSavepoint(client, JOB, 'a'.repeat(32), { deadlineMs: 1_000 }),
    ).rejects.toThrow(/without a location/);
  });

  it('gives up polling at the deadline', async () => {
    const { client } = await clientFor((_req, res) => {
      json(res, 200, { status: { id: 'IN_PROGRESS' } });
    });
    const started = Date.now();
    await expect(
      awaitSavepoint(client, JOB, TRIGGER, { deadlineMs: 150, intervalMs: 40 }),
    ).rejects.toThrow(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('reports a job that fails while awaited with its latest exception', async () => {
    const { client } = await clientFor((req, res) => {
      if (req.url.endsWith('/exceptions'))
        json(res, 200, {
          exceptionHistory: {
            entries: [
              { exceptionName: 'old', stacktrace: 'java.lang.Exception: old', timestamp: 1 },
              {
                exceptionName: 'x',
                stacktrace:
                  "org.apache.flink.runtime.client.JobInitializationException: Could not start the JobMaster.\nCaused by: java.io.FileNotFoundException: Cannot find checkpoint or savepoint file/directory 'file:/nope'",
                timestamp: 2,
              },
            ],
          },
        });
      else
        json(res, 200, {
          jid: JOB,
          name: 'j',
          state: 'FAILED',
          'start-time': 1,
          'end-time': 2,
          vertices: [],
        });
    });
    const error = await awaitJobState(client, JOB, ['RUNNING'], { deadlineMs: 2_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlinkJobFailedError);
    expect((error as Error).message).toContain(
      "FileNotFoundException: Cannot find checkpoint or savepoint file/directory 'file:/nope'",
    );
  });

  it('disposes a savepoint and reports a failed disposal', async () => {
    let failed = false;
    const { client } = await clientFor((req, res) => {
      if (req.method === 'POST') json(res, 200, { 'request-id': TRIGGER });
      else if (failed)
        json(res, 200, {
          status: { id: 'COMPLETED' },
          operation: { 'failure-cause': { class: 'java.io.IOException' } },
        });
      else json(res, 200, { status: { id: 'COMPLETED' }, operation: {} });
    });
    const { triggerId } = await client.disposeSavepoint('file:/sp/1');
    await expect(awaitDisposal(client, triggerId, { deadlineMs: 1_000 })).resolves.toBeUndefined();
    failed = true;
    await expect(awaitDisposal(client, triggerId, { deadlineMs: 1_000 })).rejects.toThrow(
      /java.io.IOException/,
    );
  });
});

describe('FlinkRestClient missing jobs', () => {
  it('recognises a missing job by Flink’s exception, whatever the status', async () => {
    const { client } = await clientFor((req, res) => {
      if (req.method === 'POST') json(res, 202, { 'request-id': TRIGGER });
      else if (req.url.includes('/savepoints/'))
        json(res, 200, {
          status: { id: 'COMPLETED' },
          operation: {
            'failure-cause': {
              class: 'java.util.concurrent.CompletionException',
              'stack-trace': `java.util.concurrent.CompletionException: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (${JOB})\n\tat a.b(C.java:1)`,
            },
          },
        });
      else
        json(res, 500, {
          errors: [
            `org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (${JOB})`,
          ],
        });
    });
    await expect(client.getResourceRequirements(JOB)).rejects.toThrow(FlinkJobNotFoundError);
    const { triggerId } = await client.triggerSavepoint(JOB);
    await expect(awaitSavepoint(client, JOB, triggerId, { deadlineMs: 1_000 })).rejects.toThrow(
      FlinkJobNotFoundError,
    );
  });
});
