import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ArtifactDigestMismatchError } from '../../../../functions/adapters/file-artifact-source.js';
import { FileArtifactSource } from '../../../../functions/adapters/file-artifact-source.js';
import { advanceOperation } from '../../../../functions/core/operations/advance.js';
import {
  collectUnusedJars,
  jarFileName,
  parseJarFileName,
  runArtifact,
  unusedJars,
  uriTag,
} from '../../../../functions/core/operations/jar-cache.js';
import type { JobRecord } from '../../../../functions/core/model/index.js';
import {
  ClusterUnavailableError,
  JarNotOnClusterError,
  type ArtifactSource,
  type UploadedJar,
} from '../../../../functions/core/ports/index.js';
import {
  NAME,
  OWNER,
  begin,
  flinkStub,
  job,
  seed,
  useBench,
  type Bench,
  type FlinkStub,
} from './harness.js';
import { view } from '../plan/fixtures.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const D1 = sha('one');
const D2 = sha('two');
const D3 = sha('three');

/** A stub cluster that keeps what is uploaded until it is deleted, as Flink does. */
function keepingJars(flink: FlinkStub): UploadedJar[] {
  const jars: UploadedJar[] = [];
  let n = 0;
  flink.listJars.mockImplementation(() => Promise.resolve([...jars]));
  flink.uploadJar.mockImplementation((source) => {
    const name = source.fileName ?? ('path' in source ? basename(source.path) : 'x.jar');
    const jarId = `${String(++n)}_${name}`;
    jars.push({ jarId, name, uploadedAt: n });
    return Promise.resolve({ jarId });
  });
  flink.deleteJar.mockImplementation((jarId) => {
    const at = jars.findIndex((jar) => jar.jarId === jarId);
    if (at >= 0) jars.splice(at, 1);
    return Promise.resolve();
  });
  flink.runJar.mockImplementation((jarId, request) =>
    jars.some((jar) => jar.jarId === jarId)
      ? Promise.resolve({ jobId: request.jobId })
      : Promise.reject(
          new JarNotOnClusterError(
            'Flink rejected jar run (HTTP 400)',
            `Jar file /tmp/${jarId} does not exist`,
          ),
        ),
  );
  return jars;
}

describe('jar names', () => {
  it('carry the content digest and a tag of the URI, and are read back; others are not fjc’s', () => {
    const name = jarFileName(D1, 's3://bucket/teams/a/My App (1).jar');
    expect(name).toBe(`fjc-${D1}-${uriTag('s3://bucket/teams/a/My App (1).jar')}-My_App__1_.jar`);
    expect(parseJarFileName(name)).toEqual({
      sha256: D1,
      uriTag: uriTag('s3://bucket/teams/a/My App (1).jar'),
    });
    expect(parseJarFileName('counter.jar')).toBeUndefined();
    expect(parseJarFileName(`fjc-${D1.slice(1)}-00000000-x.jar`)).toBeUndefined();
    expect(uriTag('a.jar')).not.toBe(uriTag('b.jar'));
  });
});

describe('runArtifact', () => {
  let dir: string;
  let artifacts: FileArtifactSource;
  let flink: FlinkStub;
  let jars: UploadedJar[];
  const request = (jobId: string) => ({ jobId });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fjc-jar-cache-'));
    await writeFile(join(dir, 'app.jar'), 'one');
    artifacts = new FileArtifactSource(dir);
    flink = flinkStub();
    jars = keepingJars(flink);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uploads once per content: later runs of the same bytes reuse the jar', async () => {
    const first = await runArtifact(flink, artifacts, { uri: 'app.jar' }, request('1'.repeat(32)));
    expect(first).toMatchObject({ sha256: D1, uploads: 1 });
    expect(flink.uploadJar).toHaveBeenCalledWith({
      path: join(dir, 'app.jar'),
      fileName: jarFileName(D1, 'app.jar'),
    });
    const second = await runArtifact(flink, artifacts, { uri: 'app.jar' }, request('2'.repeat(32)));
    const third = await runArtifact(
      flink,
      artifacts,
      { uri: 'app.jar', sha256: D1 },
      request('3'.repeat(32)),
    );
    expect([second.uploads, third.uploads]).toEqual([0, 0]);
    expect(flink.uploadJar).toHaveBeenCalledTimes(1);
    expect(flink.runJar.mock.calls.map(([jarId]) => jarId)).toEqual([
      first.jarId,
      first.jarId,
      first.jarId,
    ]);
  });

  it('releases what opening took once the bytes are handed over, after a failed upload too', async () => {
    const release = vi.fn(() => Promise.resolve());
    const staged: ArtifactSource = {
      open: async (uri, sha256) => ({ ...(await artifacts.open(uri, sha256)), release }),
    };
    const run = await runArtifact(flink, staged, { uri: 'app.jar' }, request('4'.repeat(32)));
    expect(run.uploads).toBe(1);
    // The upload gets the bytes, never the release hook.
    expect(flink.uploadJar.mock.calls[0]?.[0]).not.toHaveProperty('release');
    expect(release).toHaveBeenCalledTimes(1);
    // Kept by the cluster (unpinned: opened to learn its digest): released without an upload.
    await runArtifact(flink, staged, { uri: 'app.jar' }, request('5'.repeat(32)));
    expect(release).toHaveBeenCalledTimes(2);
    flink.uploadJar.mockRejectedValueOnce(new Error('upload broke'));
    await writeFile(join(dir, 'app.jar'), 'two');
    await expect(
      runArtifact(flink, staged, { uri: 'app.jar' }, request('6'.repeat(32))),
    ).rejects.toThrow('upload broke');
    expect(release).toHaveBeenCalledTimes(3);
  });

  it('with a pinned digest the cluster keeps, does not even open the artifact', async () => {
    await runArtifact(flink, artifacts, { uri: 'app.jar' }, request('1'.repeat(32)));
    const opened = vi.fn<ArtifactSource['open']>(() => Promise.reject(new Error('not read')));
    const run = await runArtifact(
      flink,
      { open: opened },
      { uri: 's3://fjc-jars/elsewhere/app.jar', sha256: D1 },
      request('2'.repeat(32)),
    );
    expect(run.uploads).toBe(0);
    expect(opened).not.toHaveBeenCalled();
  });

  it('keys on the content, never the name: a rebuilt jar under the same name is uploaded', async () => {
    await runArtifact(flink, artifacts, { uri: 'app.jar' }, request('1'.repeat(32)));
    await writeFile(join(dir, 'app.jar'), 'two');
    const rebuilt = await runArtifact(
      flink,
      artifacts,
      { uri: 'app.jar' },
      request('2'.repeat(32)),
    );
    expect(rebuilt).toMatchObject({ sha256: D2, uploads: 1 });
    expect(jars.map((jar) => parseJarFileName(jar.name)?.sha256)).toEqual([D1, D2]);
  });

  it('still verifies a pinned digest the cluster does not have: nothing uploaded on a mismatch', async () => {
    await expect(
      runArtifact(flink, artifacts, { uri: 'app.jar', sha256: D2 }, request('1'.repeat(32))),
    ).rejects.toBeInstanceOf(ArtifactDigestMismatchError);
    expect(flink.uploadJar).not.toHaveBeenCalled();
    expect(flink.runJar).not.toHaveBeenCalled();
  });

  it('uploads again and runs when the jar vanished between the list and the run', async () => {
    const first = await runArtifact(flink, artifacts, { uri: 'app.jar' }, request('1'.repeat(32)));
    flink.listJars.mockResolvedValueOnce([...jars]);
    jars.splice(0); // deleted behind fjc's back after the list was read
    const again = await runArtifact(flink, artifacts, { uri: 'app.jar' }, request('2'.repeat(32)));
    expect(again.uploads).toBe(1);
    expect(again.jarId).not.toBe(first.jarId);
    // What collection may consider: not the vanished jar, and the new one as the newest.
    expect(again.jars.map((jar) => jar.jarId)).toEqual([again.jarId]);
    expect(flink.runJar).toHaveBeenLastCalledWith(again.jarId, request('2'.repeat(32)));
  });

  it('a jar lost right after its upload is a transient fault, never a refusal of the spec', async () => {
    flink.runJar.mockRejectedValue(
      new JarNotOnClusterError('Flink rejected jar run', 'Jar file /tmp/x.jar does not exist'),
    );
    await expect(
      runArtifact(flink, artifacts, { uri: 'app.jar' }, request('1'.repeat(32))),
    ).rejects.toBeInstanceOf(ClusterUnavailableError);
    expect(flink.uploadJar).toHaveBeenCalledTimes(2);
  });
});

describe('unusedJars', () => {
  const jar = (sha256: string, uri: string, uploadedAt: number): UploadedJar => ({
    jarId: `${String(uploadedAt)}_${jarFileName(sha256, uri)}`,
    name: jarFileName(sha256, uri),
    uploadedAt,
  });
  const record = (uri: string, sha256?: string, clusterRef = 'local'): JobRecord =>
    view(job({ clusterRef, artifact: { uri, ...(sha256 ? { sha256 } : {}) } }), {}).record;

  it('deletes fjc jars no job references; never a jar fjc did not name', () => {
    const kept = jar(D1, 's3://fjc-jars/app.jar', 1);
    const orphan = jar(D2, 's3://fjc-jars/app.jar', 2);
    const foreign = { jarId: '3_someone.jar', name: 'someone.jar', uploadedAt: 3 };
    expect(
      unusedJars([kept, orphan, foreign], [record('s3://fjc-jars/app.jar', D1)], 'local'),
    ).toEqual([orphan]);
  });

  it('keeps what desired, last applied, last stable and an operation target reference', () => {
    const base = record('s3://fjc-jars/app.jar', D1);
    const other = view(job({ artifact: { uri: 's3://fjc-jars/app.jar', sha256: D2 } }), {}).record;
    const withStatus: JobRecord = {
      ...base,
      status: {
        ...base.status,
        lastApplied: { spec: other.spec, specHash: 'h2', generation: 2 },
        lastStable: { spec: base.spec, specHash: 'h1', generation: 1 },
        operation: {
          id: 'op',
          kind: 'upgrade',
          step: 'submit',
          startedAt: '2026-11-26T12:00:00Z',
          data: {
            target: {
              spec: view(job({ artifact: { uri: 's3://fjc-jars/x.jar', sha256: D3 } }), {}).record
                .spec,
              specHash: 'h3',
              generation: 3,
            },
          },
        },
      },
    };
    const jars = [
      jar(D1, 's3://fjc-jars/app.jar', 1),
      jar(D2, 's3://fjc-jars/app.jar', 2),
      jar(D3, 'x', 3),
    ];
    expect(unusedJars(jars, [withStatus], 'local')).toEqual([]);
    expect(unusedJars(jars, [], 'local')).toEqual(jars);
    expect(unusedJars(jars, [], 'local', [D2])).toEqual([jars[0], jars[2]]);
  });

  it('an unpinned reference keeps the newest upload from its URI only', () => {
    const older = jar(D1, 'jobs/app.jar', 1);
    const newer = jar(D2, 'jobs/app.jar', 2);
    const otherUri = jar(D3, 'other/app.jar', 3);
    expect(unusedJars([older, newer, otherUri], [record('jobs/app.jar')], 'local')).toEqual([
      older,
      otherUri,
    ]);
  });

  it('keeps the newest copy of a referenced digest (two submissions uploaded at once)', () => {
    const older = jar(D1, 's3://fjc-jars/app.jar', 1);
    const newer = jar(D1, 's3://fjc-jars/app.jar', 2);
    expect(unusedJars([older, newer], [record('s3://fjc-jars/app.jar', D1)], 'local')).toEqual([
      older,
    ]);
  });

  it('ignores specs of another cluster', () => {
    const j = jar(D1, 's3://fjc-jars/app.jar', 1);
    expect(unusedJars([j], [record('s3://fjc-jars/app.jar', D1, 'elsewhere')], 'local')).toEqual([
      j,
    ]);
  });
});

describe('submit with jar reuse, and collection after it', () => {
  let b: Bench;
  useBench((fresh) => (b = fresh));
  const step = (opId: string) => advanceOperation(b.ctx, NAME, opId, OWNER, 0);

  it('a second upgrade of the same artifact uploads nothing and deletes no jar in use', async () => {
    const jars = keepingJars(b.flink);
    const v1 = job({ upgradeMode: 'stateless' });
    const v2 = job({ upgradeMode: 'stateless', args: ['--rate', '5'] });
    const v3 = job({ upgradeMode: 'stateless', args: ['--rate', '6'] });
    await seed(b, v1);
    const deploy = await begin(b, 'deploy', v1);
    expect(await step(deploy)).toMatchObject({ event: 'job-submitted' });
    expect(b.flink.uploadJar).toHaveBeenCalledTimes(1);
    for (const next of [v2, v3]) {
      await seed(b, next, v1, { operation: null });
      const opId = await begin(b, 'upgrade', next);
      await step(opId); // cancel
      await step(opId); // await-stopped: gone
      expect(await step(opId)).toMatchObject({ event: 'job-submitted' });
    }
    expect(b.flink.uploadJar).toHaveBeenCalledTimes(1);
    expect(b.flink.runJar).toHaveBeenCalledTimes(3);
    expect(b.flink.deleteJar).not.toHaveBeenCalled();
    expect(jars).toHaveLength(1);
  });

  it('deletes the previous upload of a rebuilt unpinned jar right after the new one runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fjc-rebuilt-'));
    try {
      const jars = keepingJars(b.flink);
      const artifacts = new FileArtifactSource(dir);
      const uri = join(dir, 'app.jar');
      await seed(b, job({ artifact: { uri } }));
      await writeFile(uri, 'one');
      await runArtifact(b.flink, artifacts, { uri }, { jobId: '1'.repeat(32) });
      await writeFile(uri, 'two');
      const rebuilt = await runArtifact(b.flink, artifacts, { uri }, { jobId: '2'.repeat(32) });
      expect(rebuilt.uploads).toBe(1);
      expect(
        await collectUnusedJars(b.flink, b.store, 'local', rebuilt.jars, [rebuilt.sha256]),
      ).toHaveLength(1);
      expect(jars.map((jar) => parseJarFileName(jar.name)?.sha256)).toEqual([D2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('deletes fjc jars the cluster’s jobs no longer reference, and reads nothing when none', async () => {
    await seed(b, job({ artifact: { uri: 's3://fjc-jars/app.jar', sha256: D1 } }));
    const inUse = { jarId: '1_x', name: jarFileName(D1, 's3://fjc-jars/app.jar'), uploadedAt: 1 };
    const orphan = { jarId: '2_x', name: jarFileName(D2, 's3://fjc-jars/app.jar'), uploadedAt: 2 };
    const foreign = { jarId: '3_x', name: 'theirs.jar', uploadedAt: 3 };
    const listed = vi.spyOn(b.store, 'listJobsByCluster');
    expect(
      await collectUnusedJars(b.flink, b.store, 'local', [inUse, orphan, foreign], [D3]),
    ).toEqual(['2_x']);
    expect(b.flink.deleteJar.mock.calls).toEqual([['2_x']]);
    expect(await collectUnusedJars(b.flink, b.store, 'local', [foreign], [D3])).toEqual([]);
    expect(listed).toHaveBeenCalledTimes(1);
  });
});
