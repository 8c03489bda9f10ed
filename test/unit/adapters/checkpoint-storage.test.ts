import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FileCheckpointStorage,
  UnsupportedStorageError,
} from '../../../functions/adapters/file-checkpoint-storage.js';
import {
  CheckpointStorageByScheme,
  S3CheckpointStorage,
} from '../../../functions/adapters/s3-checkpoint-storage.js';
import { startS3rver, type LocalS3 } from '../../support/s3rver.js';

const JOB = 'a'.repeat(32);

describe('FileCheckpointStorage', () => {
  let dir: string;
  const storage = new FileCheckpointStorage();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fjc-chk-'));
    // chk-9 completed, chk-10 completed later, chk-11 still being written (no _metadata).
    for (const [n, at] of [
      [9, 1_000_000],
      [10, 2_000_000],
    ] as const) {
      await mkdir(join(dir, JOB, `chk-${n}`), { recursive: true });
      await writeFile(join(dir, JOB, `chk-${n}`, '_metadata'), 'meta');
      await utimes(join(dir, JOB, `chk-${n}`, '_metadata'), at / 1000, at / 1000);
    }
    await mkdir(join(dir, JOB, 'chk-11'), { recursive: true });
    await mkdir(join(dir, JOB, 'shared'), { recursive: true });
    await mkdir(join(dir, 'savepoint-1'), { recursive: true });
    await writeFile(join(dir, 'savepoint-1', '_metadata'), 'meta');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists completed checkpoints newest first, in each URI form Flink writes', async () => {
    for (const base of [`file:${dir}`, pathToFileURL(dir).href, dir]) {
      const found = await storage.listCompleted(`${base}/${JOB}`);
      expect(found).toEqual([
        { path: `${base}/${JOB}/chk-10`, id: 10, at: 2_000_000 },
        { path: `${base}/${JOB}/chk-9`, id: 9, at: 1_000_000 },
      ]);
    }
  });

  it('finds nothing in a directory that does not exist', async () => {
    expect(await storage.listCompleted(`file:${dir}/${'b'.repeat(32)}`)).toEqual([]);
  });

  it('says a snapshot is restorable only while its _metadata exists', async () => {
    expect(await storage.isRestorable(`file:${dir}/savepoint-1`)).toBe(true);
    expect(await storage.isRestorable(`file:${dir}/savepoint-1/_metadata`)).toBe(true);
    expect(await storage.isRestorable(`file:${dir}/${JOB}/chk-11`)).toBe(false);
    expect(await storage.isRestorable(`file:${dir}/gone`)).toBe(false);
  });

  it('refuses URIs it cannot read, naming them', async () => {
    await expect(storage.isRestorable('hdfs://nn/x')).rejects.toBeInstanceOf(
      UnsupportedStorageError,
    );
  });
});

describe('S3CheckpointStorage (s3rver)', () => {
  let s3: LocalS3;
  let storage: S3CheckpointStorage;
  const put = (key: string) =>
    s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'x' }));

  beforeAll(async () => {
    s3 = await startS3rver();
    storage = new S3CheckpointStorage(s3.client);
    await put(`checkpoints/${JOB}/chk-3/_metadata`);
    await put(`checkpoints/${JOB}/chk-3/state-file`);
    await put(`checkpoints/${JOB}/chk-12/_metadata`);
    await put(`checkpoints/${JOB}/chk-13/state-file`);
    await put(`checkpoints/${JOB}/shared/blob`);
    await put('savepoints/savepoint-1/_metadata');
  });
  afterAll(() => s3.stop());

  it('lists completed checkpoints newest first, keeping the scheme', async () => {
    const found = await storage.listCompleted(`s3a://${s3.bucket}/checkpoints/${JOB}`);
    expect(found.map((c) => c.path)).toEqual([
      `s3a://${s3.bucket}/checkpoints/${JOB}/chk-12`,
      `s3a://${s3.bucket}/checkpoints/${JOB}/chk-3`,
    ]);
    expect(found[0]?.at).toBeGreaterThan(0);
    expect(await storage.listCompleted(`s3://${s3.bucket}/checkpoints/none`)).toEqual([]);
  });

  it('says a snapshot is restorable only while its _metadata exists', async () => {
    expect(await storage.isRestorable(`s3://${s3.bucket}/savepoints/savepoint-1`)).toBe(true);
    expect(await storage.isRestorable(`s3://${s3.bucket}/checkpoints/${JOB}/chk-13`)).toBe(false);
  });

  it('is chosen by scheme; without S3 access an S3 URI is refused plainly', async () => {
    const routed = new CheckpointStorageByScheme(new FileCheckpointStorage(), storage);
    expect(await routed.isRestorable(`s3://${s3.bucket}/savepoints/savepoint-1`)).toBe(true);
    const fileOnly = new CheckpointStorageByScheme(new FileCheckpointStorage(), undefined);
    await expect(fileOnly.isRestorable(`s3://${s3.bucket}/x`)).rejects.toMatchObject({
      code: 'STORAGE_UNSUPPORTED',
    });
  });
});
