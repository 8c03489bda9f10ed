import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FjcError, ValidationError } from '../commons/errors.js';
import type { ArtifactSource, OpenedArtifact } from '../core/ports/index.js';
import { ArtifactDigestMismatchError } from './file-artifact-source.js';

/**
 * Jars from S3. The object is streamed to the function's temporary disk while its sha256 is
 * computed, so a pinned digest is verified before a single byte reaches Flink and the jar is
 * never held in memory; the file is then streamed to the cluster.
 */
export class S3ArtifactSource implements ArtifactSource {
  constructor(
    private readonly s3: S3Client,
    private readonly dir: string = join(tmpdir(), 'fjc-artifacts'),
  ) {}

  async open(uri: string, sha256?: string): Promise<OpenedArtifact> {
    const match = /^s3:\/\/([^/]+)\/(.+\.jar)$/.exec(uri);
    if (!match?.[1] || !match[2])
      throw new ValidationError('Artifacts must be S3 objects here', [
        { path: 'spec.artifact.uri', message: 'must be s3://bucket/key.jar in the AWS deployment' },
      ]);
    const [, bucket, key] = match;
    let body: unknown;
    try {
      ({ Body: body } = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
    } catch (error) {
      throw new FjcError(`Artifact ${uri} cannot be read from S3`, {
        cause: error,
        remedy: 'Check that the object exists and that fjc may read it.',
      });
    }
    if (!(body instanceof Readable)) throw new FjcError(`Artifact ${uri} has no readable body`);
    await mkdir(this.dir, { recursive: true });
    const name = key.split('/').pop() ?? 'job.jar';
    const partial = join(
      this.dir,
      `${createHash('sha256').update(uri).digest('hex').slice(0, 16)}.part`,
    );
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(body, hashing, createWriteStream(partial));
    const actual = hash.digest('hex');
    if (sha256 !== undefined && actual !== sha256) {
      // The function's disk is small and reused by warm invocations: no wrong bytes left on it.
      await rm(partial, { force: true });
      throw new ArtifactDigestMismatchError(
        `Artifact ${uri} has sha256 ${actual}, the spec pins ${sha256}`,
        {
          remedy: 'Upload the jar the spec names, or update spec.artifact.sha256.',
        },
      );
    }
    const path = join(this.dir, `${actual.slice(0, 16)}-${name}`);
    await rename(partial, path);
    return { path, sha256: actual };
  }
}
