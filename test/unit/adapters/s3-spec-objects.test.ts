import { Readable } from 'node:stream';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3SpecObjects } from '../../../functions/adapters/s3-spec-objects.js';
import { ResultObjectUnreadableError } from '../../../functions/core/ports/index.js';
import { startS3rver, type LocalS3 } from '../../support/s3rver.js';

let s3: LocalS3;
let objects: S3SpecObjects;

beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'fjc-objects' });
  objects = new S3SpecObjects(s3.client);
});
afterAll(async () => {
  await s3.stop();
});

const put = (key: string, body: string | Uint8Array) =>
  s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));

/** A client answering every GetObject with `body` and no Content-Length (e.g. chunked). */
function chunkedClient(chunks: Buffer[]): S3Client {
  return {
    send: () => Promise.resolve({ Body: Readable.from(chunks) }),
  } as unknown as S3Client;
}

describe('S3SpecObjects', () => {
  it('reads the bytes as stored, with the ETag (the parser decodes them)', async () => {
    await put('specs/bom.yaml', '\uFEFFkind: FlinkJob\n');
    expect(await objects.get(s3.bucket, 'specs/bom.yaml')).toEqual({
      kind: 'bytes',
      bytes: Buffer.from('\uFEFFkind: FlinkJob\n'),
      size: 18,
      etag: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
    });
  });

  it('says missing for absent keys and versions', async () => {
    expect(await objects.get(s3.bucket, 'specs/none.yaml')).toEqual({ kind: 'missing' });
    expect(await objects.exists(s3.bucket, 'specs/none.yaml')).toBe(false);
    await put('specs/here.yaml', 'a: 1');
    expect(await objects.exists(s3.bucket, 'specs/here.yaml')).toBe(true);
  });

  it('refuses an object over the limit by its length, or while streaming it', async () => {
    await put('specs/big.yaml', 'x'.repeat(100));
    expect(await objects.get(s3.bucket, 'specs/big.yaml', { limit: 99 })).toEqual({
      kind: 'too-large',
      size: 100,
      limit: 99,
    });
    const chunked = new S3SpecObjects(chunkedClient([Buffer.alloc(60), Buffer.alloc(60)]));
    expect(await chunked.get('b', 'specs/k.yaml', { limit: 100, versionId: 'v1' })).toEqual({
      kind: 'too-large',
      size: undefined,
      limit: 100,
    });
    const empty = new S3SpecObjects({
      send: () => Promise.resolve({ VersionId: 'v1' }),
    } as unknown as S3Client);
    expect(await empty.get('b', 'specs/k.yaml')).toEqual({
      kind: 'bytes',
      bytes: Buffer.alloc(0),
      size: 0,
      versionId: 'v1',
    });
  });

  it('rethrows errors other than a missing object', async () => {
    await expect(objects.get('no-such-bucket', 'specs/a.yaml')).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
    const failing = new S3SpecObjects({
      send: () => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDenied' })),
    } as unknown as S3Client);
    await expect(failing.exists('b', 'specs/a.yaml')).rejects.toThrow('denied');
    await expect(failing.get('b', 'specs/a.yaml')).rejects.toThrow('denied');
  });

  it('writes and reads result objects as JSON', async () => {
    await objects.putResult(s3.bucket, 'results/a.yaml.result.json', { status: 'applied' });
    expect(await objects.getResult(s3.bucket, 'results/a.yaml.result.json')).toEqual({
      status: 'applied',
    });
    expect(await objects.getResult(s3.bucket, 'results/none.result.json')).toBeUndefined();
    await put('results/bad.result.json', 'not json');
    await expect(objects.getResult(s3.bucket, 'results/bad.result.json')).rejects.toThrow(
      ResultObjectUnreadableError,
    );
    await put('results/bin.result.json', new Uint8Array([0xff]));
    await expect(objects.getResult(s3.bucket, 'results/bin.result.json')).rejects.toThrow(
      ResultObjectUnreadableError,
    );
  });
});
