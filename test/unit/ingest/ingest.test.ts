import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../../functions/core/ports/index.js';
import { NotFoundError, ValidationError } from '../../../functions/commons/errors.js';
import { VersionConflictError } from '../../../functions/core/ports/index.js';
import { INGEST_METRIC } from '../../../functions/handlers/ingest-handler.js';
import type { JobStore } from '../../../functions/core/ports/index.js';
import type { LocalS3 } from '../../support/s3rver.js';
import {
  ACCOUNT,
  clusterYaml,
  jobYaml,
  useBench,
  s3Event,
  snapshot,
  specKey,
  yamlFile,
  type Bench,
} from './fixtures.js';

let s3: LocalS3;
let bench: Bench;

useBench((b, s) => {
  bench = b;
  s3 = s;
});

/** A cluster and two jobs, the second with `keep-running`. */
const FLEET = yamlFile(
  clusterYaml('eu-1'),
  jobYaml('orders', 'eu-1'),
  jobYaml('payments', 'eu-1', '  deletionPolicy: keep-running\n'),
);

/** A store whose putDesired fails for `failing` (as DynamoDB throttling would). */
function failingStore(store: JobStore, failing: string): JobStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'putDesired')
        return (job: { name: string }, ...rest: unknown[]) =>
          job.name === failing
            ? Promise.reject(new StoreUnavailableError('DynamoDB is throttling'))
            : (target.putDesired as (...args: unknown[]) => unknown).call(target, job, ...rest);
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

describe('Object Created', () => {
  it('applies a multi-document file: cluster and jobs stored at generation 1, result applied', async () => {
    const key = specKey('fleet.yaml');
    const addMetric = vi.spyOn(bench.observability.metrics, 'addMetric');
    const info = vi.spyOn(bench.observability.logger, 'info');

    const outcome = await bench.handler(await bench.upload(key, FLEET));

    expect(outcome).toMatchObject({ status: 'applied', key });
    const orders = await bench.store.getJob('orders');
    expect(orders).toMatchObject({ generation: 1, clusterRef: 'eu-1', team: 'platform' });
    expect(orders?.recentHistory[0]?.actor).toBe(`s3://${s3.bucket}/${key} by ${ACCOUNT}`);
    expect(await bench.store.getJob('payments')).toMatchObject({ generation: 1 });
    expect(await bench.store.getCluster('eu-1')).toBeDefined();

    const result = await bench.result(key);
    expect(result).toMatchObject({
      source: { bucket: s3.bucket, key, etag: expect.stringMatching(/^[0-9a-f]{32}$/) as string },
      status: 'applied',
      at: '2025-06-01T12:00:00.000Z',
      clusters: [{ name: 'eu-1', changed: true }],
      jobs: [
        { name: 'orders', outcome: 'created', generation: 1 },
        { name: 'payments', outcome: 'created', generation: 1 },
      ],
      declared: [
        { name: 'orders', generation: 1, specHash: orders?.specHash },
        { name: 'payments', generation: 1 },
      ],
    });
    expect(result).not.toHaveProperty('issues');
    expect(addMetric).toHaveBeenCalledWith(INGEST_METRIC.SpecFilesApplied, 'Count', 1);
    expect(info).toHaveBeenCalledWith(
      'spec file applied',
      expect.objectContaining({ key, jobs: ['orders:created', 'payments:created'] }),
    );
  });

  it('re-applying an unchanged file writes no new generation', async () => {
    const key = specKey('fleet.yaml');
    await bench.handler(await bench.upload(key, FLEET));
    const before = await snapshot(bench.store, ['orders', 'payments']);

    const again = await bench.handler(await bench.upload(key, FLEET));

    expect(again).toMatchObject({ status: 'applied' });
    expect(await snapshot(bench.store, ['orders', 'payments'])).toEqual(before);
    expect(await bench.result(key)).toMatchObject({
      clusters: [{ name: 'eu-1', changed: false }],
      jobs: [
        { name: 'orders', outcome: 'unchanged', generation: 1 },
        { name: 'payments', outcome: 'unchanged', generation: 1 },
      ],
    });
  });

  it('a changed job gets the next generation and the file lists jobs it no longer declares', async () => {
    const key = specKey('fleet.yaml');
    await bench.handler(await bench.upload(key, FLEET));

    await bench.handler(
      await bench.upload(
        key,
        yamlFile(clusterYaml('eu-1'), jobYaml('orders', 'eu-1', '  parallelism: 3\n')),
      ),
    );

    expect(await bench.store.getJob('orders')).toMatchObject({ generation: 2 });
    // Dropping a job from a file does not delete it (moving it to another file must be safe).
    expect(await bench.store.getJob('payments')).toMatchObject({ generation: 1 });
    expect(await bench.result(key)).toMatchObject({
      status: 'applied',
      jobs: [{ name: 'orders', outcome: 'updated', generation: 2 }],
      declared: [{ name: 'orders', generation: 2 }],
      undeclared: ['payments'],
    });
  });

  it('rejects a file with several mistakes: store untouched, every issue in the result', async () => {
    const key = specKey('fleet.yaml');
    await bench.handler(await bench.upload(key, FLEET));
    const before = await snapshot(bench.store, ['orders', 'payments', 'broken']);
    const addMetric = vi.spyOn(bench.observability.metrics, 'addMetric');
    const warn = vi.spyOn(bench.observability.logger, 'warn');
    const broken = yamlFile(
      clusterYaml('eu-1'),
      jobYaml('orders', 'eu-1', '  parallelism: 0\n'),
      jobYaml('broken', 'eu-1', '  upgradeMode: sometimes\n  deletionPolicy: never\n'),
    );

    const outcome = await bench.handler(await bench.upload(key, broken));

    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(await snapshot(bench.store, ['orders', 'payments', 'broken'])).toEqual(before);
    const result = await bench.result(key);
    const issues = result.issues as { path: string; message: string }[];
    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([
        'documents[1].spec.parallelism',
        'documents[2].spec.upgradeMode',
        'documents[2].spec.deletionPolicy',
      ]),
    );
    for (const issue of issues) expect(issue.message).toMatch(/line \d+, column \d+/);
    expect(result).toMatchObject({ status: 'rejected' });
    // The previously applied version stays in force, so its jobs stay declared.
    expect(result.declared).toEqual([
      expect.objectContaining({ name: 'orders' }),
      expect.objectContaining({ name: 'payments' }),
    ]);
    expect(addMetric).toHaveBeenCalledWith(INGEST_METRIC.SpecFilesRejected, 'Count', 1);
    expect(warn).toHaveBeenCalledWith(
      'spec file rejected',
      expect.objectContaining({ key, issueCount: issues.length }),
    );
  });

  it('rejects a file that refers to an unknown cluster and writes nothing at all', async () => {
    const key = specKey('orphans.yaml');
    const file = yamlFile(clusterYaml('eu-1'), jobYaml('a', 'eu-1'), jobYaml('b', 'nowhere'));

    const outcome = await bench.handler(await bench.upload(key, file));

    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(await bench.store.getJob('a')).toBeUndefined();
    expect(await bench.store.getCluster('eu-1')).toBeUndefined();
    expect(await bench.result(key)).toMatchObject({
      status: 'rejected',
      declared: [],
      issues: [
        {
          path: 'documents[2].spec.clusterRef',
          message: expect.stringContaining('"nowhere"') as string,
        },
      ],
    });
  });

  it('rejects a file larger than 1 MiB without reading it', async () => {
    const key = specKey('huge.yaml');
    const huge = `# ${'x'.repeat(1_048_576)}\n${clusterYaml('eu-1')}`;
    const get = vi.spyOn(bench.objects, 'get');

    const outcome = await bench.handler(await bench.upload(key, huge));

    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(get).not.toHaveBeenCalledWith(s3.bucket, key, expect.anything());
    expect(await bench.store.getCluster('eu-1')).toBeUndefined();
    expect(await bench.result(key)).toMatchObject({
      status: 'rejected',
      issues: [
        {
          path: 'documents',
          message: 'is larger than 1 MiB (1048576 bytes); split it into several files',
        },
      ],
    });
  });

  it('rejects a file larger than 1 MiB even when the event does not say its size', async () => {
    const key = specKey('huge.yaml');
    const event = await bench.upload(key, 'y'.repeat(1_048_577));
    delete (event.detail as { object: Record<string, unknown> }).object.size;

    expect(await bench.handler(event)).toMatchObject({ status: 'rejected' });
    expect(await bench.result(key)).toMatchObject({
      issues: [
        { path: 'documents', message: expect.stringContaining('larger than 1 MiB') as string },
      ],
    });
  });

  it('rejects a file that is not UTF-8 text, and a document over the store limit', async () => {
    const binary = specKey('binary.yaml');
    await bench.handler(await bench.upload(binary, new Uint8Array([0x41, 0xff, 0xfe, 0x00])));
    expect(await bench.result(binary)).toMatchObject({
      status: 'rejected',
      issues: [
        {
          path: 'documents',
          message: 'is not valid UTF-8 (byte 1): spec files are YAML or JSON text in UTF-8',
        },
      ],
    });

    const big = specKey('big.yaml');
    const config = Array.from(
      { length: 2_000 },
      (_, i) => `    key.${i}.${'k'.repeat(40)}: "${'v'.repeat(20)}"\n`,
    ).join('');
    const file = yamlFile(
      clusterYaml('eu-1'),
      jobYaml('small', 'eu-1'),
      jobYaml('large', 'eu-1', `  flinkConfiguration:\n${config}`),
    );
    await bench.handler(await bench.upload(big, file));
    expect(await bench.store.getJob('small')).toBeUndefined();
    expect(await bench.result(big)).toMatchObject({
      status: 'rejected',
      issues: [
        {
          path: 'documents[2]',
          message: expect.stringMatching(
            /bytes as stored JSON; the store accepts at most 102400 bytes per document/,
          ) as string,
        },
      ],
    });
  });

  it('reads JSON files too, and finds a key whose event form is URL-encoded', async () => {
    const key = specKey('my fleet+v2.json');
    const json = JSON.stringify([
      {
        apiVersion: 'fjc.dev/v1',
        kind: 'FlinkCluster',
        metadata: { name: 'eu-1' },
        spec: { url: 'http://127.0.0.1:8081' },
      },
    ]);
    const event = await bench.upload(key, json);
    const object = (event.detail as { object: { key: string } }).object;
    object.key = encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

    const outcome = await bench.handler(event);

    expect(outcome).toMatchObject({ status: 'applied', key });
    expect(await bench.result(key)).toMatchObject({
      source: { key },
      clusters: [{ name: 'eu-1' }],
    });
  });

  it('ignores an event whose object is already gone, writing nothing', async () => {
    const key = specKey('gone.yaml');
    const event = await bench.upload(key, clusterYaml('eu-1'));
    await bench.remove(key);

    expect(await bench.handler(event)).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('no longer exists') as string,
    });
    expect(await bench.store.getCluster('eu-1')).toBeUndefined();
  });

  it('ignores an event older than the change already ingested for the key', async () => {
    const key = specKey('fleet.yaml');
    const older = await bench.upload(key, yamlFile(clusterYaml('eu-1'), jobYaml('orders', 'eu-1')));
    const newer = await bench.upload(key, FLEET);
    await bench.handler(newer);

    const outcome = await bench.handler(older);

    expect(outcome).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('later change') as string,
    });
    expect(await bench.result(key)).toMatchObject({
      declared: [{ name: 'orders' }, { name: 'payments' }],
    });
  });

  it('ignores events of other buckets, outside specs/ and of folder markers', async () => {
    const other = s3Event('Object Created', 'someone-else', 'specs/a.yaml');
    const outside = s3Event('Object Created', s3.bucket, 'artifacts/a.jar');
    const folder = s3Event('Object Created', s3.bucket, 'specs/team/');
    for (const event of [other, outside, folder])
      expect(await bench.handler(event)).toMatchObject({ status: 'ignored' });
  });

  it('reports a store failure midway as failed, rethrows, and converges on retry', async () => {
    const key = specKey('fleet.yaml');
    const event = await bench.upload(key, FLEET);
    const error = vi.spyOn(bench.observability.logger, 'error');

    await expect(bench.handlerWith(failingStore(bench.store, 'payments'))(event)).rejects.toThrow(
      StoreUnavailableError,
    );

    // No transactions: what was written before the failure stays; the result says so.
    expect(await bench.store.getJob('orders')).toMatchObject({ generation: 1 });
    expect(await bench.store.getJob('payments')).toBeUndefined();
    expect(await bench.result(key)).toMatchObject({
      status: 'failed',
      declared: [],
      issues: [
        { path: 'file', message: expect.stringContaining('DynamoDB is throttling') as string },
      ],
    });
    expect(error).toHaveBeenCalledWith('spec change not ingested', expect.anything());

    expect(await bench.handler(event)).toMatchObject({ status: 'applied' });
    expect(await bench.store.getJob('orders')).toMatchObject({ generation: 1 });
    expect(await bench.store.getJob('payments')).toMatchObject({ generation: 1 });
  });

  it('treats a result object that is not its own as absent', async () => {
    const key = specKey('fleet.yaml');
    const resultKey = `results/${key.slice('specs/'.length)}.result.json`;
    const warn = vi.spyOn(bench.observability.logger, 'warn');
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: resultKey, Body: 'not json' }),
    );
    expect(await bench.handler(await bench.upload(key, FLEET))).toMatchObject({
      status: 'applied',
    });

    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: resultKey, Body: '{"a":1}' }),
    );
    expect(await bench.handler(await bench.upload(key, FLEET))).toMatchObject({
      status: 'applied',
    });
    expect(warn).toHaveBeenCalledWith('ignoring an unreadable result object', expect.anything());
    expect(warn).toHaveBeenCalledWith(
      'ignoring a result object of an unknown shape',
      expect.anything(),
    );
  });
});

describe('Object Deleted', () => {
  it('suspends default-policy jobs keeping history and savepoints, releases keep-running ones', async () => {
    const key = specKey('fleet.yaml');
    await bench.handler(await bench.upload(key, FLEET));
    await bench.store.addSavepoint({
      jobName: 'orders',
      triggerKind: 'periodic',
      generation: 1,
      flinkJobId: 'a'.repeat(32),
      status: 'COMPLETED',
      path: 's3://sp/orders/savepoint-1',
    });

    const outcome = await bench.handler(await bench.remove(key));

    expect(outcome).toMatchObject({ status: 'deleted' });
    const orders = await bench.store.getJob('orders');
    expect(orders).toMatchObject({ generation: 2, spec: { spec: { state: 'suspended' } } });
    expect(orders?.recentHistory.at(-1)).toMatchObject({
      actor: `s3://${s3.bucket}/${key} by ${ACCOUNT}`,
      details: { deletion: 'suspend-with-savepoint' },
    });
    expect((await bench.store.listSavepoints('orders')).items).toHaveLength(1);
    expect((await bench.store.listHistory('orders')).items.length).toBeGreaterThanOrEqual(2);
    expect(await bench.store.getJob('payments')).toBeUndefined();
    expect((await bench.store.listHistory('payments')).items.map((e) => e.action)).toContain(
      'job.deleted',
    );
    expect(await bench.store.getCluster('eu-1')).toBeDefined();
    expect(await bench.result(key)).toMatchObject({
      status: 'deleted',
      declared: [],
      jobs: [
        { name: 'orders', outcome: 'suspending', generation: 2 },
        { name: 'payments', outcome: 'released' },
      ],
    });
  });

  it('leaves jobs alone that a newer file re-declared', async () => {
    const older = specKey('old.yaml');
    const newer = specKey('new.yaml');
    await bench.handler(await bench.upload(older, FLEET));
    await bench.handler(await bench.upload(newer, jobYaml('orders', 'eu-1', '  parallelism: 4\n')));
    const before = await snapshot(bench.store, ['orders']);

    await bench.handler(await bench.remove(older));

    expect(await snapshot(bench.store, ['orders'])).toEqual(before);
    expect(await bench.store.getJob('orders')).toMatchObject({
      generation: 2,
      spec: { spec: { parallelism: 4, state: 'running' } },
    });
    expect(await bench.result(older)).toMatchObject({
      jobs: [
        {
          name: 'orders',
          outcome: 'kept',
          reason: expect.stringContaining('generation 1, now 2') as string,
        },
        { name: 'payments', outcome: 'released' },
      ],
    });
  });

  it('deletes what the last applied version declared, even after a rejected upload', async () => {
    const key = specKey('fleet.yaml');
    await bench.handler(await bench.upload(key, FLEET));
    await bench.handler(await bench.upload(key, 'kind: Nonsense\n'));

    await bench.handler(await bench.remove(key));

    expect(await bench.store.getJob('orders')).toMatchObject({
      spec: { spec: { state: 'suspended' } },
    });
    expect(await bench.store.getJob('payments')).toBeUndefined();
  });

  it('changes nothing when no result records what the file declared', async () => {
    const key = specKey('unknown.yaml');
    await bench.store.putCluster({ name: 'eu-1', spec: {} });

    const outcome = await bench.handler(s3Event('Object Deleted', s3.bucket, key));

    expect(outcome).toMatchObject({ status: 'deleted' });
    expect(await bench.result(key)).toMatchObject({
      status: 'deleted',
      declared: [],
      issues: [{ path: 'file', message: expect.stringContaining('no job was changed') as string }],
    });
  });

  it('applies the current object when the key still exists (an older version was deleted)', async () => {
    const key = specKey('fleet.yaml');
    await bench.handler(await bench.upload(key, FLEET));

    const outcome = await bench.handler(
      s3Event('Object Deleted', s3.bucket, key, { versionId: 'old-version' }),
    );

    expect(outcome).toMatchObject({ status: 'applied' });
    expect(await bench.store.getJob('orders')).toMatchObject({ generation: 1 });
  });

  it('a job gone or changed in between is reported, and a failure midway is retried safely', async () => {
    const key = specKey('fleet.yaml');
    await bench.handler(await bench.upload(key, yamlFile(FLEET, jobYaml('billing', 'eu-1'))));
    await bench.store.deleteJob('payments', { actor: 'api' });
    const event = await bench.remove(key);

    await expect(bench.handlerWith(failingStore(bench.store, 'billing'))(event)).rejects.toThrow(
      StoreUnavailableError,
    );
    expect(await bench.result(key)).toMatchObject({
      status: 'failed',
      jobs: [
        { name: 'orders', outcome: 'suspending' },
        { name: 'payments', outcome: 'missing' },
      ],
      declared: [{ name: 'orders' }, { name: 'payments' }, { name: 'billing' }],
    });

    await bench.handler(event);

    expect(await bench.result(key)).toMatchObject({
      status: 'deleted',
      jobs: [
        {
          name: 'orders',
          outcome: 'suspending',
          reason: expect.stringContaining('earlier attempt') as string,
        },
        { name: 'payments', outcome: 'missing' },
        { name: 'billing', outcome: 'suspending', generation: 2 },
      ],
    });
    expect(await bench.store.getJob('orders')).toMatchObject({ generation: 2 });
  });
});

describe('Object Deleted, racing with other writers', () => {
  it('keeps a job changed concurrently and reports one deleted concurrently', async () => {
    const key = specKey('my fleet.yaml');
    await bench.handler(await bench.upload(key, FLEET));
    const racing = new Proxy(bench.store, {
      get(target, property, receiver) {
        if (property === 'putDesired')
          return () => Promise.reject(new VersionConflictError('changed meanwhile', {}));
        if (property === 'deleteJob')
          return () => Promise.reject(new NotFoundError('deleted meanwhile'));
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    await bench.remove(key);
    // The event names the key URL-encoded, as S3's classic notifications do.
    const event = s3Event('Object Deleted', s3.bucket, key.replace(/ /g, '+'));

    expect(await bench.handlerWith(racing)(event)).toMatchObject({ status: 'deleted', key });
    expect(await bench.result(key)).toMatchObject({
      jobs: [
        { name: 'orders', outcome: 'kept', reason: 'its desired spec changed concurrently' },
        { name: 'payments', outcome: 'missing', reason: 'deleted concurrently' },
      ],
    });
  });
});

describe('malformed events', () => {
  it('are refused with a ValidationError naming every bad field', async () => {
    const error = vi.spyOn(bench.observability.logger, 'error');
    const event = s3Event('Object Created', s3.bucket, 'specs/a.yaml');
    event['detail-type'] = 'Object Restored';
    (event.detail as { object: Record<string, unknown> }).object.key = 42;

    const thrown = await bench.handler(event).catch((e: unknown) => e);

    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues).toEqual([
      { path: 'detail-type', message: 'must be one of "Object Created", "Object Deleted"' },
      { path: 'detail.object.key', message: 'must be a non-empty string' },
    ]);
    expect(error).toHaveBeenCalledWith(
      'spec change not ingested',
      expect.objectContaining({
        error: expect.objectContaining({ code: 'VALIDATION_FAILED' }) as unknown,
      }),
    );
    await expect(bench.handler('not an event')).rejects.toMatchObject({
      issues: [{ path: 'event' }],
    });
  });
});
