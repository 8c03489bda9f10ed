import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { FjcError, ValidationError } from '../commons/errors.js';
import type { ArtifactSource, OpenedArtifact } from '../core/ports/index.js';

/** The artifact's bytes do not match the sha256 the spec pins. */
export class ArtifactDigestMismatchError extends FjcError {
  override readonly code: string = 'ARTIFACT_DIGEST_MISMATCH';
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Jars from the local file system (the local runtime). Relative paths resolve against `baseDir`.
 * The file's sha256 is computed by streaming it before it is handed over: a pinned digest is
 * checked, so a rebuilt jar under the same name never reaches the cluster unnoticed, and an
 * unpinned one still names the content (the key under which a cluster's upload is reused).
 */
export class FileArtifactSource implements ArtifactSource {
  constructor(private readonly baseDir: string) {}

  async open(uri: string, sha256?: string): Promise<OpenedArtifact> {
    if (uri.startsWith('s3://'))
      throw new ValidationError('This runtime reads artifacts from files only', [
        {
          path: 'spec.artifact.uri',
          message: 'an s3:// artifact needs the AWS deployment (or a local file path)',
        },
      ]);
    const path = isAbsolute(uri) ? uri : resolve(this.baseDir, uri);
    try {
      if (!(await stat(path)).isFile()) throw new Error('not a file');
    } catch (error) {
      throw new FjcError(`Artifact ${uri} cannot be read`, {
        cause: error,
        remedy: 'Build the jar or fix spec.artifact.uri.',
      });
    }
    const actual = await sha256Of(path);
    if (sha256 !== undefined && actual !== sha256)
      throw new ArtifactDigestMismatchError(
        `Artifact ${basename(path)} has sha256 ${actual}, the spec pins ${sha256}`,
        {
          remedy: 'Upload the jar the spec names, or update spec.artifact.sha256.',
        },
      );
    return { path, sha256: actual };
  }
}
