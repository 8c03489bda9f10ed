import { S3Client } from '@aws-sdk/client-s3';
import { S3ArtifactSource } from '../adapters/s3-artifact-source.js';
import {
  CheckpointStorageByScheme,
  S3CheckpointStorage,
} from '../adapters/s3-checkpoint-storage.js';
import type { ControlContext } from '../core/ports/index.js';

/** The ports of the control context that read S3. */
export type StoragePorts = Pick<ControlContext, 'artifacts' | 'checkpoints'>;

/**
 * Artifacts and checkpoints on S3, for the functions that run operation steps (deploy, verify).
 * In a module of its own, importing nothing else, so that a function composed without it
 * (reconcile: no-storage.ts) bundles and loads no S3 client (lib/bundling/handler-bundle.ts).
 */
export function awsStoragePorts(options: { artifactMaxBytes?: number } = {}): StoragePorts {
  const s3 = new S3Client({});
  return {
    artifacts: new S3ArtifactSource(
      s3,
      options.artifactMaxBytes === undefined ? {} : { maxBytes: options.artifactMaxBytes },
    ),
    // A Lambda sees no cluster's file system: only S3 checkpoints can be found and checked.
    checkpoints: new CheckpointStorageByScheme(undefined, new S3CheckpointStorage(s3)),
  };
}
