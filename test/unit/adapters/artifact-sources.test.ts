import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArtifactDigestMismatchError,
  FileArtifactSource,
} from '../../../functions/adapters/file-artifact-source.js';
import {
  ArtifactTooLargeError,
  S3ArtifactSource,
} from '../../../functions/adapters/s3-artifact-source.js';
import { FjcError, ValidationError } from '../../../functions/commons/errors.js';
import { startS3rver, type LocalS3 } from '../../support/s3rver.js';

const JAR = Buffer.from('PK\u0003\u0004 a tiny jar for tests');
const DIGEST = createHash('sha256').update(JAR).digest('hex');
const WRONG = '0'.repeat(64);

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fjc-artifacts-'));
  await mkdir(join(dir, 'jobs'));
  await writeFile(join(dir, 'jobs', 'app.jar'), JAR);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
}

describe('FileArtifactSource', () => {
  const source = () => new FileArtifactSource(dir);

  it('resolves relative paths against its folder and takes absolute ones as they are', async () => {
    // The digest is computed even when the spec pins none: it is the key of jar reuse.
    expect(await source().open('jobs/app.jar')).toEqual({
      path: join(dir, 'jobs', 'app.jar'),
      sha256: DIGEST,
    });
    const absolute = join(dir, 'jobs', 'app.jar');
    expect(await new FileArtifactSource('/nowhere').open(absolute)).toEqual({
      path: absolute,
      sha256: DIGEST,
    });
  });

  it('checks a pinned sha256', async () => {
    expect(await source().open('jobs/app.jar', DIGEST)).toEqual({
      path: join(dir, 'jobs', 'app.jar'),
      sha256: DIGEST,
    });
    const error = await refusal(source().open('jobs/app.jar', WRONG));
    expect(error).toBeInstanceOf(ArtifactDigestMismatchError);
    expect(error).toMatchObject({
      code: 'ARTIFACT_DIGEST_MISMATCH',
      message: `Artifact app.jar has sha256 ${DIGEST}, the spec pins ${WRONG}`,
    });
  });

  it('refuses a missing file and a directory, with a remedy', async () => {
    for (const uri of ['jobs/missing.jar', 'jobs']) {
      const error = await refusal(source().open(uri));
      expect(error).toBeInstanceOf(FjcError);
      expect(error).toMatchObject({
        message: `Artifact ${uri} cannot be read`,
        remedy: 'Build the jar or fix spec.artifact.uri.',
      });
    }
  });

  it('refuses s3:// artifacts, naming spec.artifact.uri', async () => {
    const error = await refusal(source().open('s3://bucket/app.jar'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'spec.artifact.uri', message: expect.stringContaining('s3://') as string },
    ]);
  });
});

describe('S3ArtifactSource', () => {
  let s3: LocalS3;
  let out: string;

  beforeAll(async () => {
    s3 = await startS3rver();
    out = await mkdtemp(join(tmpdir(), 'fjc-s3-artifacts-'));
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: 'jobs/v1/app.jar', Body: JAR }),
    );
  });
  afterAll(async () => {
    await s3.stop();
    await rm(out, { recursive: true, force: true });
  });

  const uri = () => `s3://${s3.bucket}/jobs/v1/app.jar`;

  it('downloads the object to disk, hashing it, under a digest-prefixed name; release removes it', async () => {
    const source = new S3ArtifactSource(s3.client, join(out, 'fresh'));
    const jar = await source.open(uri(), DIGEST);
    expect(jar).toMatchObject({ sha256: DIGEST });
    const path = (jar as { path: string }).path;
    expect(path.startsWith(join(out, 'fresh', `${DIGEST.slice(0, 16)}-`))).toBe(true);
    expect(path.endsWith('-app.jar')).toBe(true);
    expect(await readFile(path)).toEqual(JAR);
    // Without a pinned digest it is downloaded all the same, into a file of its own.
    const again = await source.open(uri());
    expect(again).toMatchObject({ sha256: DIGEST });
    expect((again as { path: string }).path).not.toBe(path);
    await jar.release?.();
    await again.release?.();
    expect(await readdir(join(out, 'fresh'))).toEqual([]);
  });

  it('refuses an object larger than its limit before reading it, leaving nothing on disk', async () => {
    const staging = join(out, 'small');
    const source = new S3ArtifactSource(s3.client, { dir: staging, maxBytes: JAR.length - 1 });
    const error = await refusal(source.open(uri()));
    expect(error).toBeInstanceOf(ArtifactTooLargeError);
    expect(error).toMatchObject({ code: 'ARTIFACT_TOO_LARGE' });
    expect((error as FjcError).remedy).toContain('FJC_ARTIFACT_MAX_MB');
    await expect(readdir(staging)).rejects.toThrow();
    // At the limit exactly it is staged.
    const fits = await new S3ArtifactSource(s3.client, {
      dir: staging,
      maxBytes: JAR.length,
    }).open(uri());
    await fits.release?.();
  });

  it('stops reading when the body outgrows the limit its length claimed', async () => {
    const staging = join(out, 'lying');
    const client = {
      send: () =>
        Promise.resolve({
          Body: Readable.from([Buffer.alloc(10), Buffer.alloc(10)]),
          ContentLength: 5,
        }),
    };
    const source = new S3ArtifactSource(client as never, { dir: staging, maxBytes: 15 });
    const error = await refusal(source.open(uri()));
    expect(error).toBeInstanceOf(ArtifactTooLargeError);
    expect(await readdir(staging)).toEqual([]);
  });

  it('explains a body that breaks off while staged, leaving nothing on disk', async () => {
    const staging = join(out, 'broken');
    async function* broken() {
      yield Buffer.alloc(3);
      await Promise.resolve();
      throw new Error('connection reset');
    }
    const client = { send: () => Promise.resolve({ Body: Readable.from(broken()) }) };
    const error = await refusal(new S3ArtifactSource(client as never, staging).open(uri()));
    expect(error).toBeInstanceOf(FjcError);
    expect((error as Error).message).toMatch(/could not be staged/);
    expect(await readdir(staging)).toEqual([]);
  });

  it('opens the other job kinds’ files (Python, SQL) as well', async () => {
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: 'jobs/v1/main.py', Body: 'print(1)' }),
    );
    const opened = await new S3ArtifactSource(s3.client, out).open(
      `s3://${s3.bucket}/jobs/v1/main.py`,
    );
    expect(await readFile((opened as { path: string }).path, 'utf8')).toBe('print(1)');
    await opened.release?.();
  });

  it('refuses an object whose sha256 differs from the pinned one, leaving nothing on disk', async () => {
    const staging = join(out, 'mismatch');
    const error = await refusal(new S3ArtifactSource(s3.client, staging).open(uri(), WRONG));
    expect(error).toBeInstanceOf(ArtifactDigestMismatchError);
    expect((error as Error).message).toContain(`has sha256 ${DIGEST}, the spec pins ${WRONG}`);
    expect(await readdir(staging)).toEqual([]);
  });

  it('explains a missing object', async () => {
    const missing = `s3://${s3.bucket}/jobs/none.jar`;
    const error = await refusal(new S3ArtifactSource(s3.client, out).open(missing));
    expect(error).toBeInstanceOf(FjcError);
    expect(error).toMatchObject({
      message: `Artifact ${missing} cannot be read from S3`,
      remedy: 'Check that the object exists and that fjc may read it.',
    });
    expect((error as Error).cause).toBeDefined();
  });

  it('refuses anything but s3://bucket/key.jar', async () => {
    for (const bad of ['jobs/app.jar', 's3://bucket', 's3://bucket/dir/', 's3:///app.jar']) {
      const error = await refusal(new S3ArtifactSource(s3.client, out).open(bad));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe('spec.artifact.uri');
    }
  });

  it('refuses a response without a readable body', async () => {
    const client = { send: () => Promise.resolve({ Body: 'not a stream' }) };
    const source = new S3ArtifactSource(client as never, out);
    await expect(source.open(uri())).rejects.toThrow(/has no readable body/);
  });

  it('defaults to a folder under the system temporary directory', async () => {
    const jar = await new S3ArtifactSource(s3.client).open(uri());
    const path = (jar as { path: string }).path;
    expect(path.startsWith(join(tmpdir(), 'fjc-artifacts', `${DIGEST.slice(0, 16)}-`))).toBe(true);
    await jar.release?.();
  });
});
