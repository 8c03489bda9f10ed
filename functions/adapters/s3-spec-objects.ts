import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type GetObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  MAX_SPEC_OBJECT_BYTES,
  ResultObjectUnreadableError,
  unquoteEtag,
  type SpecObjectRead,
  type SpecObjectStore,
} from '../core/ports/index.js';

/** S3 error names that mean "there is no such object (version)"; HEAD answers carry no code. */
const MISSING = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound']);

function isMissing(error: unknown, versioned: boolean): boolean {
  if (!(error instanceof Error)) return false;
  // GET of a delete marker by version id answers 405: that version holds no content.
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return MISSING.has(error.name) || (versioned && status === 405);
}

type Body = AsyncIterable<Uint8Array> & { destroy?: () => void };

/** Reads at most `limit + 1` bytes of `body`; `undefined` when there was more than `limit`. */
async function readLimited(body: Body, limit: number): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early closes the stream, so an oversized object is never read to the end.
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * {@link SpecObjectStore} on S3 (SDK v3). Bodies are streamed and abandoned as soon as they pass
 * the size limit, so memory stays bounded whatever was uploaded. Result objects are pretty JSON
 * with `application/json`, readable in the console or with `aws s3 cp … -`.
 */
export class S3SpecObjects implements SpecObjectStore {
  constructor(private readonly client: S3Client) {}

  async get(
    bucket: string,
    key: string,
    options: { versionId?: string; limit?: number } = {},
  ): Promise<SpecObjectRead> {
    const limit = options.limit ?? MAX_SPEC_OBJECT_BYTES;
    const versioned = options.versionId !== undefined;
    let out: GetObjectCommandOutput;
    try {
      out = await this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(options.versionId === undefined ? {} : { VersionId: options.versionId }),
        }),
      );
    } catch (error) {
      if (isMissing(error, versioned)) return { kind: 'missing' };
      throw error;
    }
    const body = out.Body as Body | undefined;
    if (out.ContentLength !== undefined && out.ContentLength > limit) {
      body?.destroy?.();
      return { kind: 'too-large', size: out.ContentLength, limit };
    }
    const bytes = body === undefined ? Buffer.alloc(0) : await readLimited(body, limit);
    if (bytes === undefined) return { kind: 'too-large', size: out.ContentLength, limit };
    return {
      kind: 'bytes',
      bytes,
      size: bytes.byteLength,
      ...(out.ETag ? { etag: unquoteEtag(out.ETag) } : {}),
      ...(out.VersionId ? { versionId: out.VersionId } : {}),
    };
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error, false)) return false;
      throw error;
    }
  }

  async putResult(bucket: string, key: string, value: unknown): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: `${JSON.stringify(value, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
  }

  async getResult(bucket: string, key: string): Promise<unknown> {
    const read = await this.get(bucket, key);
    if (read.kind === 'missing') return undefined;
    const remedy = 'Delete the object; ingest writes it again with the next change of the spec.';
    if (read.kind !== 'bytes')
      throw new ResultObjectUnreadableError(`s3://${bucket}/${key} is not a JSON result object`, {
        remedy,
      });
    try {
      return JSON.parse(utf8.decode(read.bytes)) as unknown;
    } catch (error) {
      throw new ResultObjectUnreadableError(`s3://${bucket}/${key} is not valid JSON`, {
        cause: error,
        remedy,
      });
    }
  }
}
