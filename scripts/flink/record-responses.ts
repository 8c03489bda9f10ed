/**
 * Records what a real Flink cluster answers to every REST call fjc makes, in the states fjc meets
 * (INITIALIZING, RUNNING, FAILED, CANCELED, FINISHED, refused submissions, forgotten triggers),
 * as fixtures under `test/fixtures/flink/<version>/`. The unit tests check fjc's response schemas
 * against all of them, so a shape Flink really sends can never blind the control loop again.
 *
 * Run as a CLI: `tsx scripts/flink/record-responses.ts [flinkVersion]` (starts its own cluster).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FjcError } from '../../functions/commons/errors.js';
import { startFlinkCluster } from './cluster.js';
import { buildExampleJar, exampleEntryClass } from './example-jar.js';
import { log, repoRoot, resolveFlinkVersion } from './paths.js';

/** One recorded exchange, as stored in a fixture file. */
export interface RecordedResponse {
  /** `METHOD /path`, with ids replaced by `:jobId`, `:triggerId`, `:jarId`. */
  request: string;
  status: number;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
}

type Json = Record<string, unknown>;

const newId = (): string => randomBytes(16).toString('hex');

async function exchange(
  base: string,
  method: string,
  path: string,
  body?: Json | FormData,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    signal: AbortSignal.timeout(120_000),
    ...(body === undefined
      ? {}
      : body instanceof FormData
        ? { body }
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // Kept as text: a non-JSON answer is a shape worth recording too.
  }
  return { status: response.status, body: parsed };
}

async function until<T>(what: string, look: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await look();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new FjcError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Records exchanges with one cluster as fixture files, with ids replaced by their role. */
function recorder(base: string, outDir: string) {
  const ids = new Map<string, string>();
  const generic = (path: string): string => {
    let out = path;
    for (const [id, name] of ids) out = out.split(id).join(name);
    return out;
  };
  const call = async (
    name: string,
    method: string,
    path: string,
    body?: Json | FormData,
  ): Promise<{ status: number; body: unknown }> => {
    const answer = await exchange(base, method, path, body);
    const fixture: RecordedResponse = {
      request: `${method} ${generic(path)}`,
      status: answer.status,
      body: answer.body,
    };
    await writeFile(join(outDir, `${name}.json`), JSON.stringify(fixture, null, 2) + '\n');
    return answer;
  };
  const get = (path: string) => exchange(base, 'GET', path);
  const state = async (jobId: string) => {
    const detail = await get(`/jobs/${jobId}`);
    return detail.status === 200 ? String((detail.body as Json).state) : undefined;
  };
  const runBody = (jobId: string, args: string[], extra: Json = {}): Json => ({
    jobId,
    entryClass: exampleEntryClass,
    programArgsList: args,
    parallelism: 1,
    ...extra,
  });
  const upload = async (name: string, jar: string): Promise<string> => {
    const form = new FormData();
    form.append(
      'jarfile',
      new Blob([await readFile(jar)], { type: 'application/java-archive' }),
      basename(jar),
    );
    const answer = await call(name, 'POST', '/jars/upload', form);
    const jarId = basename(String((answer.body as Json).filename));
    ids.set(jarId, ':jarId');
    return jarId;
  };
  return { ids, call, get, state, runBody, upload };
}

/** Records a cluster under the adaptive scheduler: what a rescale in place reads and sends. */
async function recordAdaptive(base: string, jar: string, outDir: string): Promise<void> {
  const { ids, call, state, runBody, upload } = recorder(base, outDir);
  const jarId = await upload('jar-upload-adaptive', jar);
  const e = newId();
  ids.set(e, ':jobId');
  await call('jar-run-adaptive', 'POST', `/jars/${jarId}/run`, runBody(e, []));
  await until('job E RUNNING', async () => ((await state(e)) === 'RUNNING' ? true : undefined));
  await call('jobs-overview-adaptive', 'GET', '/jobs/overview');
  await call('job-detail-adaptive', 'GET', `/jobs/${e}`);
  const requirements = await call(
    'resource-requirements-adaptive',
    'GET',
    `/jobs/${e}/resource-requirements`,
  );
  const wanted = Object.fromEntries(
    Object.entries(requirements.body as Json).map(([vertex, requirement]) => [
      vertex,
      { ...(requirement as Json), parallelism: { lowerBound: 1, upperBound: 2 } },
    ]),
  );
  await call('resource-requirements-update', 'PUT', `/jobs/${e}/resource-requirements`, wanted);
  await call('job-cancel-adaptive', 'PATCH', `/jobs/${e}?mode=cancel`);
  await until('job E CANCELED', async () => ((await state(e)) === 'CANCELED' ? true : undefined));
  await call('jobs-overview-adaptive-canceled', 'GET', '/jobs/overview');
}

/** Records every fixture of a session cluster under the default scheduler into `outDir`. */
async function record(base: string, jar: string, outDir: string): Promise<void> {
  const { ids, call, get, state, runBody, upload } = recorder(base, outDir);
  await call('config', 'GET', '/config');
  await call('overview', 'GET', '/overview');
  await call('jobs-overview-empty', 'GET', '/jobs/overview');
  const jarId = await upload('jar-upload', jar);

  // A: runs, savepoints, stops with a savepoint.
  const a = newId();
  ids.set(a, ':jobId');
  // The job is INITIALIZING or CREATED for well under a second: look as fast as possible while
  // the run request is still under way, and keep the first answers that show it so.
  const run = { submitted: false };
  const sighting = (async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (!run.submitted || (await state(a)) !== 'RUNNING')) {
      const overview = await get('/jobs/overview');
      const entry = ((overview.body as { jobs?: Json[] }).jobs ?? []).find((j) => j.jid === a);
      if (entry !== undefined && entry.state !== 'RUNNING') {
        await call('jobs-overview-starting', 'GET', '/jobs/overview');
        await call('job-detail-starting', 'GET', `/jobs/${a}`);
        await call('job-checkpoints-starting', 'GET', `/jobs/${a}/checkpoints`);
        return;
      }
    }
    log('the job was RUNNING at the first look: no INITIALIZING fixtures this time');
  })();
  await call('jar-run-accepted', 'POST', `/jars/${jarId}/run`, runBody(a, ['--rate', '50']));
  run.submitted = true;
  await sighting;
  await until('job A RUNNING', async () => ((await state(a)) === 'RUNNING' ? true : undefined));
  await until('a completed checkpoint of A', async () => {
    const stats = (await get(`/jobs/${a}/checkpoints`)).body as { counts?: { completed?: number } };
    return (stats.counts?.completed ?? 0) >= 1 ? true : undefined;
  });
  await call('job-detail-running', 'GET', `/jobs/${a}`);
  await call('jobs-overview-running', 'GET', '/jobs/overview');
  await call('job-checkpoints-running', 'GET', `/jobs/${a}/checkpoints`);
  await call('job-exceptions-running', 'GET', `/jobs/${a}/exceptions`);
  await call('job-accumulators-running', 'GET', `/jobs/${a}/accumulators`);
  await call('resource-requirements-default-scheduler', 'GET', `/jobs/${a}/resource-requirements`);

  const savepoint = newId();
  ids.set(savepoint, ':triggerId');
  await call('savepoint-trigger', 'POST', `/jobs/${a}/savepoints`, {
    'cancel-job': false,
    triggerId: savepoint,
  });
  await call('savepoint-status-first-look', 'GET', `/jobs/${a}/savepoints/${savepoint}`);
  await until('the savepoint of A', async () => {
    const status = (await get(`/jobs/${a}/savepoints/${savepoint}`)).body as {
      status?: { id?: string };
    };
    return status.status?.id === 'COMPLETED' ? true : undefined;
  });
  await call('savepoint-status-completed', 'GET', `/jobs/${a}/savepoints/${savepoint}`);
  const unknownTrigger = newId();
  ids.set(unknownTrigger, ':unknownTriggerId');
  await call('savepoint-status-unknown-trigger', 'GET', `/jobs/${a}/savepoints/${unknownTrigger}`);
  const failedSavepoint = newId();
  ids.set(failedSavepoint, ':failedTriggerId');
  await call('savepoint-trigger-unwritable', 'POST', `/jobs/${a}/savepoints`, {
    'cancel-job': false,
    triggerId: failedSavepoint,
    'target-directory': 'file:///proc/fjc-cannot-write-here',
  });
  await until('the unwritable savepoint to end', async () => {
    const status = (await get(`/jobs/${a}/savepoints/${failedSavepoint}`)).body as {
      status?: { id?: string };
    };
    return status.status?.id === 'COMPLETED' ? true : undefined;
  });
  await call('savepoint-status-failed', 'GET', `/jobs/${a}/savepoints/${failedSavepoint}`);

  // Refused submissions: main() throws, the class does not exist, the id is taken, the restore
  // path does not exist. On some versions each leaves a FAILED job on the cluster.
  await call(
    'jar-run-refused-main-failed',
    'POST',
    `/jars/${jarId}/run`,
    runBody(newId(), ['--fail-on-start']),
  );
  await call(
    'jar-run-refused-no-such-class',
    'POST',
    `/jars/${jarId}/run`,
    runBody(newId(), [], { entryClass: 'dev.fjc.examples.NoSuchClass' }),
  );
  await call('jar-run-refused-duplicate-id', 'POST', `/jars/${jarId}/run`, runBody(a, []));
  await call(
    'jar-run-refused-missing-restore-path',
    'POST',
    `/jars/${jarId}/run`,
    runBody(newId(), [], {
      savepointPath: pathToFileURL('/nonexistent/fjc/savepoint-0000').href,
      allowNonRestoredState: false,
      claimMode: 'NO_CLAIM',
    }),
  );
  const afterRefusals = await call('jobs-overview-after-refusals', 'GET', '/jobs/overview');
  const refused = ((afterRefusals.body as { jobs?: Json[] }).jobs ?? []).find(
    (job) => job.jid !== a,
  );
  if (refused !== undefined) {
    const id = String(refused.jid);
    ids.set(id, ':refusedJobId');
    await call('job-detail-refused', 'GET', `/jobs/${id}`);
    await call('job-checkpoints-refused', 'GET', `/jobs/${id}/checkpoints`);
    await call('job-exceptions-refused', 'GET', `/jobs/${id}/exceptions`);
  }

  // C: cancelled.
  const c = newId();
  ids.set(c, ':canceledJobId');
  await call('jar-run-for-cancel', 'POST', `/jars/${jarId}/run`, runBody(c, []));
  await until('job C RUNNING', async () => ((await state(c)) === 'RUNNING' ? true : undefined));
  await call('job-cancel', 'PATCH', `/jobs/${c}?mode=cancel`);
  await until('job C CANCELED', async () => ((await state(c)) === 'CANCELED' ? true : undefined));
  await call('job-detail-canceled', 'GET', `/jobs/${c}`);
  await call('job-checkpoints-canceled', 'GET', `/jobs/${c}/checkpoints`);
  await call('job-exceptions-canceled', 'GET', `/jobs/${c}/exceptions`);

  // D: fails at run time with no restart left.
  const d = newId();
  ids.set(d, ':failedJobId');
  await call(
    'jar-run-for-failure',
    'POST',
    `/jars/${jarId}/run`,
    runBody(d, ['--fail-after-seconds', '2', '--restart-attempts', '0']),
  );
  await until('job D FAILED', async () => ((await state(d)) === 'FAILED' ? true : undefined));
  await call('job-detail-failed', 'GET', `/jobs/${d}`);
  await call('job-checkpoints-failed', 'GET', `/jobs/${d}/checkpoints`);
  await call('job-exceptions-failed', 'GET', `/jobs/${d}/exceptions`);

  // A again: stop with a savepoint, then ask about the finished job.
  const stop = newId();
  ids.set(stop, ':stopTriggerId');
  await call('stop-with-savepoint-trigger', 'POST', `/jobs/${a}/stop`, {
    drain: false,
    triggerId: stop,
  });
  await until('the stop of A', async () => {
    const status = (await get(`/jobs/${a}/savepoints/${stop}`)).body as {
      status?: { id?: string };
    };
    return status.status?.id === 'COMPLETED' ? true : undefined;
  });
  const stopped = await call('stop-with-savepoint-status', 'GET', `/jobs/${a}/savepoints/${stop}`);
  await until('job A FINISHED', async () => ((await state(a)) === 'FINISHED' ? true : undefined));
  await call('job-detail-finished', 'GET', `/jobs/${a}`);
  await call('job-checkpoints-finished', 'GET', `/jobs/${a}/checkpoints`);
  const late = newId();
  ids.set(late, ':lateTriggerId');
  await call('savepoint-trigger-finished-job', 'POST', `/jobs/${a}/savepoints`, {
    'cancel-job': false,
    triggerId: late,
  });
  await until('the savepoint of a finished job to end', async () => {
    const answer = await get(`/jobs/${a}/savepoints/${late}`);
    const status = answer.body as { status?: { id?: string } };
    return answer.status !== 200 || status.status?.id === 'COMPLETED' ? true : undefined;
  });
  await call('savepoint-status-finished-job', 'GET', `/jobs/${a}/savepoints/${late}`);
  await call('job-cancel-finished', 'PATCH', `/jobs/${a}?mode=cancel`);
  const missing = newId();
  ids.set(missing, ':missingJobId');
  await call('job-detail-not-found', 'GET', `/jobs/${missing}`);
  await call('job-checkpoints-not-found', 'GET', `/jobs/${missing}/checkpoints`);
  await call('job-cancel-not-found', 'PATCH', `/jobs/${missing}?mode=cancel`);
  await call('jobs-overview-final', 'GET', '/jobs/overview');

  const location = (stopped.body as { operation?: { location?: string } }).operation?.location;
  if (location !== undefined) {
    const disposal = await call('savepoint-disposal-trigger', 'POST', '/savepoint-disposal', {
      'savepoint-path': location,
    });
    const disposalId = String((disposal.body as Json)['request-id']);
    ids.set(disposalId, ':disposalTriggerId');
    await until('the disposal', async () => {
      const status = (await get(`/savepoint-disposal/${disposalId}`)).body as {
        status?: { id?: string };
      };
      return status.status?.id === 'COMPLETED' ? true : undefined;
    });
    await call('savepoint-disposal-status', 'GET', `/savepoint-disposal/${disposalId}`);
    const again = await exchange(base, 'POST', '/savepoint-disposal', {
      'savepoint-path': location,
    });
    const againId = String((again.body as Json)['request-id']);
    ids.set(againId, ':disposalTriggerId');
    await until('the disposal of a missing savepoint', async () => {
      const status = (await get(`/savepoint-disposal/${againId}`)).body as {
        status?: { id?: string };
      };
      return status.status?.id === 'COMPLETED' ? true : undefined;
    });
    await call('savepoint-disposal-status-missing', 'GET', `/savepoint-disposal/${againId}`);
  }
  await call('jar-delete', 'DELETE', `/jars/${jarId}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const version = resolveFlinkVersion(process.argv[2]);
  const outDir = join(repoRoot, 'test', 'fixtures', 'flink', version);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const jar = await buildExampleJar(version);
  for (const adaptive of [false, true]) {
    const cluster = await startFlinkCluster({
      version,
      ...(adaptive ? { extraConfig: { 'jobmanager.scheduler': 'adaptive' } } : {}),
    });
    try {
      await (adaptive
        ? recordAdaptive(cluster.url, jar, outDir)
        : record(cluster.url, jar, outDir));
    } finally {
      await cluster.stop();
    }
  }
  log(`recorded Flink ${version} responses into ${outDir}`);
}
