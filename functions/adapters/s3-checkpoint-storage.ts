import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { FjcError } from '../commons/errors.js';
import {
  UnsupportedStorageError,
  type CheckpointStorage,
  type StoredCheckpoint,
} from '../core/ports/index.js';
import { metadataOf } from './file-checkpoint-storage.js';

// Flink's S3 file systems answer to s3://, s3a:// (Hadoop) and s3p:// (Presto): the same objects.
const S3_URI = /^s3[ap]?:\/\/([^/]+)\/?(.*)$/;
const METADATA_KEY = /\/chk-(\d+)\/_metadata$/;

function locate(uri: string): { bucket: string; key: string; scheme: string } {
  const match = S3_URI.exec(uri);
  if (!match?.[1])
    throw new UnsupportedStorageError(`${uri} is not an S3 location`, {
      remedy: 'Use s3:// checkpoint and savepoint directories in the AWS deployment.',
    });
  return { bucket: match[1], key: match[2] ?? '', scheme: uri.slice(0, uri.indexOf('://')) };
}

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/** Checkpoint storage in S3: `_metadata` objects are listed and probed, never read. */
export class S3CheckpointStorage implements CheckpointStorage {
  constructor(private readonly s3: S3Client) {}

  async listCompleted(jobCheckpointDir: string): Promise<StoredCheckpoint[]> {
    const { bucket, key, scheme } = locate(jobCheckpointDir);
    const prefix = `${key.replace(/\/+$/, '')}/chk-`;
    const found: StoredCheckpoint[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          const id = object.Key === undefined ? undefined : METADATA_KEY.exec(object.Key)?.[1];
          if (id === undefined || object.Key === undefined) continue;
          found.push({
            path: `${scheme}://${bucket}/${object.Key.slice(0, -'/_metadata'.length)}`,
            id: Number(id),
            at: object.LastModified?.getTime() ?? 0,
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw new FjcError(`Checkpoints under ${jobCheckpointDir} cannot be listed`, {
        cause: error,
        remedy: 'Check that the bucket exists and that fjc may list it (s3:ListBucket).',
      });
    }
    return found.sort((a, b) => b.id - a.id);
  }

  async isRestorable(path: string): Promise<boolean> {
    const { bucket, key } = locate(metadataOf(path));
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw new FjcError(`Whether ${path} still exists cannot be read from S3`, {
        cause: error,
        remedy: 'Check that fjc may read the object (s3:GetObject).',
      });
    }
  }
}

/** Routes each URI to the storage of its scheme: files locally, S3 objects in AWS. */
export class CheckpointStorageByScheme implements CheckpointStorage {
  constructor(
    private readonly file: CheckpointStorage | undefined,
    private readonly s3: CheckpointStorage | undefined,
  ) {}

  private storageOf(uri: string): CheckpointStorage {
    const onS3 = /^s3[ap]?:\/\//.test(uri);
    const storage = onS3 ? this.s3 : this.file;
    if (storage) return storage;
    throw new UnsupportedStorageError(
      `${uri} is on ${onS3 ? 'S3' : 'a file system'}, which this runtime cannot read`,
      {
        remedy: onS3
          ? 'Give the runtime S3 access, or keep checkpoints on a file system it can read.'
          : 'Keep checkpoints and savepoints on S3 (s3://) when fjc runs in AWS.',
      },
    );
  }

  async listCompleted(jobCheckpointDir: string): Promise<StoredCheckpoint[]> {
    return this.storageOf(jobCheckpointDir).listCompleted(jobCheckpointDir);
  }

  async isRestorable(path: string): Promise<boolean> {
    return this.storageOf(path).isRestorable(path);
  }
}
