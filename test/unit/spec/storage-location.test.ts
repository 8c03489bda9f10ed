import { describe, expect, it } from 'vitest';
import {
  canonicalStorageLocation,
  sameStorageLocation,
} from '../../../functions/core/storage-location.js';
import { validateSpecDocuments } from '../../../functions/core/spec/index.js';
import { minimalCluster, minimalJob } from './fixtures.js';

/** A job whose every savepoint/checkpoint path field holds `path`, and a cluster likewise. */
function documentsWith(path: string): Record<string, unknown>[] {
  const job = minimalJob();
  const cluster = minimalCluster();
  return [
    {
      ...job,
      spec: {
        ...(job.spec as Record<string, unknown>),
        restore: { initialSavepointPath: path, from: { path, nonce: 1 } },
        savepointPolicy: { targetDirectory: path },
      },
    },
    {
      ...cluster,
      spec: { ...(cluster.spec as Record<string, unknown>), defaultSavepointDirectory: path },
    },
  ];
}

function verdict(path: string): string[] {
  const result = validateSpecDocuments(documentsWith(path));
  return result.ok ? [] : result.issues.map((issue) => issue.path);
}

describe('savepoint and checkpoint locations', () => {
  it.each([
    // Flink prints local paths with one slash; pasting one into the spec must work.
    'file:/tmp/flink-savepoints/savepoint-8f1a2b-0123456789ab',
    'file:///tmp/flink-savepoints/savepoint-8f1a2b-0123456789ab',
    '/tmp/flink-savepoints',
    's3://bucket/savepoints/orders',
    'hdfs://namenode:8020/flink/sp',
  ])('accepts %s in every path field', (path) => {
    expect(verdict(path)).toEqual([]);
  });

  it.each([
    'relative/savepoint',
    'file:relative/savepoint',
    'file:',
    'file:/',
    'ftp://host/savepoint',
    'http://169.254.169.254/latest',
    'file:/tmp/with space',
  ])('refuses %j in every path field, naming each', (path) => {
    expect(verdict(path)).toEqual([
      'documents[0].spec.restore.initialSavepointPath',
      'documents[0].spec.restore.from.path',
      'documents[0].spec.savepointPolicy.targetDirectory',
      'documents[1].spec.defaultSavepointDirectory',
    ]);
  });

  it('names both local spellings in its message', () => {
    const result = validateSpecDocuments(documentsWith('relative/savepoint'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toMatch(/file:\/\/\/… or file:\/…/);
  });

  it('compares file:/x and file:///x as one location, and nothing else', () => {
    expect(canonicalStorageLocation('file:///tmp/sp-1')).toBe('file:/tmp/sp-1');
    expect(canonicalStorageLocation('file://localhost/tmp/sp-1')).toBe('file:/tmp/sp-1');
    expect(canonicalStorageLocation('file:/tmp/sp-1')).toBe('file:/tmp/sp-1');
    expect(canonicalStorageLocation('s3://b/sp-1')).toBe('s3://b/sp-1');
    expect(sameStorageLocation('file:/tmp/sp-1', 'file:///tmp/sp-1')).toBe(true);
    expect(sameStorageLocation('file:///tmp/sp-1', 'file:/tmp/sp-1')).toBe(true);
    // A bare path is resolved against the cluster's default file system, which need not be local.
    expect(sameStorageLocation('/tmp/sp-1', 'file:/tmp/sp-1')).toBe(false);
    // file://host/x names a host, not a local path.
    expect(sameStorageLocation('file://tmp/sp-1', 'file:/tmp/sp-1')).toBe(false);
    expect(sameStorageLocation('file:/tmp/sp-1', 'file:/tmp/sp-2')).toBe(false);
    expect(sameStorageLocation(undefined, 'file:/tmp/sp-1')).toBe(false);
    expect(sameStorageLocation(undefined, undefined)).toBe(false);
  });
});
