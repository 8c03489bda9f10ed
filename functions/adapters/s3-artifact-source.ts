import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FjcError, ValidationError } from '../commons/errors.js';
import type { ArtifactSource, OpenedArtifact } from '../core/ports/index.js';
import { ArtifactDigestMismatchError } from './file-artifact-source.js';

/** The artifact is larger than the function may stage (`FJC_ARTIFACT_MAX_MB`). */
export class ArtifactTooLargeError extends FjcError {
  override readonly code: string = 'ARTIFACT_TOO_LARGE';
}

/** Default staging limit: fits the deploy function's default 2,048 MiB /tmp with room to spare. */
export const DEFAULT_ARTIFACT_MAX_BYTES = 1536 * 1024 * 1024;

const MIB = 1024 * 1024;

/** Options of {@link S3ArtifactSource}. */
export interface S3ArtifactSourceOptions {
  /** Staging folder (default: `fjc-artifacts` under the system temporary directory). */
  dir?: string;
  /** Largest object staged, in bytes (default {@link DEFAULT_ARTIFACT_MAX_BYTES}). */
  maxBytes?: number;
}

/**
 * Artifacts from S3 (jars, and the Python and SQL files of the other job kinds). The object is
 * streamed to the function's temporary disk while its sha256 is computed, so a pinned digest is
 * verified before a single byte reaches Flink and the artifact is never held in memory (a jar of
 * several hundred MB costs its size on /tmp, not in the heap); the file is then streamed to the
 * cluster. Staging beats streaming S3 straight into the upload because Flink would otherwise hold
 * a jar whose digest turns out wrong, and because an upload that fails half-way can be retried
 * from disk. The staged copy is removed by `release` (a warm function's /tmp is reused), and an
 * object larger than `maxBytes` is refused before or while it is read, so /tmp never overflows.
 */
export class S3ArtifactSource implements ArtifactSource {
  private readonly dir: string;
  private readonly maxBytes: number;

  constructor(
    private readonly s3: S3Client,
    dirOrOptions: string | S3ArtifactSourceOptions = {},
  ) {
    const options = typeof dirOrOptions === 'string' ? { dir: dirOrOptions } : dirOrOptions;
    this.dir = options.dir ?? join(tmpdir(), 'fjc-artifacts');
    this.maxBytes = options.maxBytes ?? DEFAULT_ARTIFACT_MAX_BYTES;
  }

  private tooLarge(uri: string, size: string): ArtifactTooLargeError {
    return new ArtifactTooLargeError(
      `Artifact ${uri} is ${size}, more than the ${Math.floor(this.maxBytes / MIB)} MiB fjc may stage`,
      {
        remedy:
          'Raise FJC_ARTIFACT_MAX_MB (CDK context fjc:artifactMaxMb, which also sizes the deploy function’s /tmp), or ship a smaller artifact.',
      },
    );
  }

  async open(uri: string, sha256?: string): Promise<OpenedArtifact> {
    const match = /^s3:\/\/([^/]+)\/(.*[^/])$/.exec(uri);
    if (!match?.[1] || !match[2])
      throw new ValidationError('Artifacts must be S3 objects here', [
        { path: 'spec.artifact.uri', message: 'must be s3://bucket/key in the AWS deployment' },
      ]);
    const [, bucket, key] = match;
    let body: unknown;
    let length: number | undefined;
    try {
      ({ Body: body, ContentLength: length } = await this.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      ));
    } catch (error) {
      throw new FjcError(`Artifact ${uri} cannot be read from S3`, {
        cause: error,
        remedy: 'Check that the object exists and that fjc may read it.',
      });
    }
    if (!(body instanceof Readable)) throw new FjcError(`Artifact ${uri} has no readable body`);
    if (length !== undefined && length > this.maxBytes) {
      body.destroy();
      throw this.tooLarge(uri, `${Math.ceil(length / MIB)} MiB`);
    }
    await mkdir(this.dir, { recursive: true });
    const name = key.split('/').pop() ?? 'job.jar';
    // Unique per open: two submissions of the same URI in one process never share a file.
    const token = randomBytes(8).toString('hex');
    const partial = join(this.dir, `${token}.part`);
    const hash = createHash('sha256');
    const limit = this.maxBytes;
    let seen = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        // A missing or wrong Content-Length must not fill the disk either.
        if (seen > limit) done(new ArtifactTooLargeError('over the limit'));
        else {
          hash.update(chunk);
          done(null, chunk);
        }
      },
    });
    try {
      await pipeline(body, hashing, createWriteStream(partial));
    } catch (error) {
      await rm(partial, { force: true });
      if (error instanceof ArtifactTooLargeError) throw this.tooLarge(uri, 'larger');
      throw new FjcError(`Artifact ${uri} could not be staged from S3`, {
        cause: error,
        remedy: 'fjc tries again; if it persists, check the function’s /tmp size and S3.',
      });
    }
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
    const path = join(this.dir, `${actual.slice(0, 16)}-${token}-${name}`);
    await rename(partial, path);
    return { path, sha256: actual, release: () => rm(path, { force: true }) };
  }
}
