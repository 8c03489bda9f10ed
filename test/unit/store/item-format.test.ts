/**
 * The item format of the fjc table, attribute by attribute. Existing tables hold items in this
 * format, so a change here is a data migration, not a refactoring: these snapshots were taken of
 * the store as it was before it was split by concern, and must keep matching.
 */
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoIdempotencyStore } from '../../../functions/store/idempotency.js';
import type { DynamoJobStore } from '../../../functions/store/index.js';
import type { LocalDynamo } from '../../support/dynalite.js';
import { at, desired, useStore } from './fixtures.js';

let dynamo: LocalDynamo;
let store: DynamoJobStore;
let tableName: string;

useStore((fixture) => {
  ({ dynamo, store, tableName } = fixture);
});

/**
 * Every item of the table as DynamoDB holds it, in key order. Scalars are written `<type>:<value>`
 * (`N:1`, `S:JOB`) so the snapshot keeps each attribute's DynamoDB type while staying readable.
 */
async function rawItems(): Promise<unknown[]> {
  const out = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
  const key = (item: Record<string, AttributeValue>) => `${item.pk?.S ?? ''} ${item.sk?.S ?? ''}`;
  return (out.Items ?? []).sort((a, b) => key(a).localeCompare(key(b))).map(typedMap);
}

function typedMap(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, typed(value)]));
}

function typed(value: AttributeValue): unknown {
  if (value.S !== undefined) return `S:${value.S}`;
  if (value.N !== undefined) return `N:${value.N}`;
  if (value.M !== undefined) return typedMap(value.M);
  if (value.L !== undefined) return value.L.map(typed);
  // Not written by the store today; shown whole so a new type would stand out.
  return value;
}

describe('item format', () => {
  it('of a job with every status field, a lease and its recent history', async () => {
    await store.putDesired(desired('orders'), {
      actor: 'alice',
      details: { source: 's3://specs/orders.yaml' },
    });
    await store.transition(
      'orders',
      1,
      {
        phase: 'UPGRADING',
        attempt: 2,
        jobId: 'a'.repeat(32),
        lastApplied: { spec: { v: 1 }, specHash: 'hash-1', generation: 1 },
        lastStable: { spec: { v: 0 }, specHash: 'hash-0', generation: 0 },
        operation: {
          id: 'op-1',
          kind: 'upgrade',
          step: 'savepoint',
          startedAt: at(1000).toISOString(),
          data: { triggerId: 't-1' },
        },
        lastError: { code: 'FLINK_DOWN', message: 'no answer', at: at(1000).toISOString() },
        observed: { state: 'RUNNING', at: at(1000).toISOString() },
        jobStartedAt: at(500).toISOString(),
        restoredFrom: 's3://sp/0',
        newestSavepoint: { id: 'sp-1', path: 's3://sp/1', at: at(900).toISOString() },
        rejected: {
          specHash: 'hash-x',
          reason: 'did not become stable',
          at: at(800).toISOString(),
        },
        savepointNonce: 3,
      },
      { actor: 'worker-a', action: 'operation.started', details: { operationId: 'op-1' } },
      at(1000),
      { lease: { owner: 'worker-a', ttlMs: 60_000 } },
    );
    expect(await rawItems()).toMatchInlineSnapshot(`
      [
        {
          "action": "S:job.created",
          "actor": "S:alice",
          "at": "S:2025-03-01T10:00:00.000Z",
          "detailsJson": "S:{"source":"s3://specs/orders.yaml","specHash":"hash-1"}",
          "expiresAt": "N:1748599200",
          "jobName": "S:orders",
          "pk": "S:JOB#orders",
          "sk": "S:AUDIT#2025-03-01T10:00:00.000Z#0000000001",
          "type": "S:audit",
          "version": "N:1",
        },
        {
          "action": "S:operation.started",
          "actor": "S:worker-a",
          "at": "S:2025-03-01T10:00:01.000Z",
          "detailsJson": "S:{"operationId":"op-1"}",
          "expiresAt": "N:1748599201",
          "jobName": "S:orders",
          "pk": "S:JOB#orders",
          "sk": "S:AUDIT#2025-03-01T10:00:01.000Z#0000000002",
          "type": "S:audit",
          "version": "N:2",
        },
        {
          "clusterRef": "S:eu-1",
          "createdAt": "S:2025-03-01T10:00:00.000Z",
          "generation": "N:1",
          "gsi1pk": "S:CLUSTER#eu-1",
          "gsi1sk": "S:JOB#orders",
          "gsi2pk": "S:TEAM#payments",
          "gsi2sk": "S:JOB#orders",
          "gsi3pk": "S:JOBS#12",
          "gsi3sk": "S:JOB#orders",
          "leaseExpiresAt": "N:1740823261000",
          "leaseOwner": "S:worker-a",
          "listing": {
            "jobId": "S:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "lastError": {
              "at": "S:2025-03-01T10:00:01.000Z",
              "code": "S:FLINK_DOWN",
              "message": "S:no answer",
            },
            "newestSavepoint": {
              "at": "S:2025-03-01T10:00:00.900Z",
              "id": "S:sp-1",
              "path": "S:s3://sp/1",
            },
            "phase": "S:UPGRADING",
          },
          "name": "S:orders",
          "pk": "S:JOB#orders",
          "recentHistory": [
            {
              "action": "S:job.created",
              "actor": "S:alice",
              "at": "S:2025-03-01T10:00:00.000Z",
              "detailsJson": "S:{"source":"s3://specs/orders.yaml","specHash":"hash-1"}",
              "version": "N:1",
            },
            {
              "action": "S:operation.started",
              "actor": "S:worker-a",
              "at": "S:2025-03-01T10:00:01.000Z",
              "detailsJson": "S:{"operationId":"op-1"}",
              "version": "N:2",
            },
          ],
          "sk": "S:JOB",
          "specHash": "S:hash-1",
          "specJson": "S:{"jar":"s3://jars/app.jar","parallelism":2}",
          "status": {
            "attempt": "N:2",
            "jobId": "S:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "jobStartedAt": "S:2025-03-01T10:00:00.500Z",
            "lastApplied": {
              "generation": "N:1",
              "specHash": "S:hash-1",
              "specJson": "S:{"v":1}",
            },
            "lastError": {
              "at": "S:2025-03-01T10:00:01.000Z",
              "code": "S:FLINK_DOWN",
              "message": "S:no answer",
            },
            "lastStable": {
              "generation": "N:0",
              "specHash": "S:hash-0",
              "specJson": "S:{"v":0}",
            },
            "newestSavepoint": {
              "at": "S:2025-03-01T10:00:00.900Z",
              "id": "S:sp-1",
              "path": "S:s3://sp/1",
            },
            "observed": {
              "at": "S:2025-03-01T10:00:01.000Z",
              "state": "S:RUNNING",
            },
            "operation": {
              "dataJson": "S:{"triggerId":"t-1"}",
              "id": "S:op-1",
              "kind": "S:upgrade",
              "startedAt": "S:2025-03-01T10:00:01.000Z",
              "step": "S:savepoint",
            },
            "phase": "S:UPGRADING",
            "rejected": {
              "at": "S:2025-03-01T10:00:00.800Z",
              "reason": "S:did not become stable",
              "specHash": "S:hash-x",
            },
            "restoredFrom": "S:s3://sp/0",
            "savepointNonce": "N:3",
          },
          "team": "S:payments",
          "type": "S:job",
          "updatedAt": "S:2025-03-01T10:00:01.000Z",
          "version": "N:2",
        },
      ]
    `);
  });

  it('of a job whose lease was taken over, released, re-owned and re-specified', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    await store.acquireLease('orders', 'worker-a', 1000, at(0));
    await store.acquireLease('orders', 'worker-b', 1000, at(5000));
    await store.releaseLease('orders', 'worker-b', at(6000));
    await store.putDesired(desired('orders', { team: 'billing' }), {
      actor: 'bob',
      now: at(7000),
    });
    await store.putDesired(desired('orders', { team: 'billing', specHash: 'hash-2' }), {
      actor: 'bob',
      now: at(8000),
      expectedGeneration: 1,
    });
    expect(await rawItems()).toMatchInlineSnapshot(`
      [
        {
          "action": "S:job.created",
          "actor": "S:alice",
          "at": "S:2025-03-01T10:00:00.000Z",
          "detailsJson": "S:{"specHash":"hash-1"}",
          "expiresAt": "N:1748599200",
          "jobName": "S:orders",
          "pk": "S:JOB#orders",
          "sk": "S:AUDIT#2025-03-01T10:00:00.000Z#0000000001",
          "type": "S:audit",
          "version": "N:1",
        },
        {
          "action": "S:lease.takeover",
          "actor": "S:worker-b",
          "at": "S:2025-03-01T10:00:05.000Z",
          "detailsJson": "S:{"previousOwner":"worker-a","previousExpiresAt":"2025-03-01T10:00:01.000Z"}",
          "expiresAt": "N:1748599205",
          "jobName": "S:orders",
          "pk": "S:JOB#orders",
          "sk": "S:AUDIT#2025-03-01T10:00:05.000Z#0000000003",
          "type": "S:audit",
          "version": "N:3",
        },
        {
          "action": "S:desired.owner-changed",
          "actor": "S:bob",
          "at": "S:2025-03-01T10:00:07.000Z",
          "detailsJson": "S:{"specHash":"hash-1"}",
          "expiresAt": "N:1748599207",
          "jobName": "S:orders",
          "pk": "S:JOB#orders",
          "sk": "S:AUDIT#2025-03-01T10:00:07.000Z#0000000005",
          "type": "S:audit",
          "version": "N:5",
        },
        {
          "action": "S:desired.updated",
          "actor": "S:bob",
          "at": "S:2025-03-01T10:00:08.000Z",
          "detailsJson": "S:{"specHash":"hash-2"}",
          "expiresAt": "N:1748599208",
          "jobName": "S:orders",
          "pk": "S:JOB#orders",
          "sk": "S:AUDIT#2025-03-01T10:00:08.000Z#0000000006",
          "type": "S:audit",
          "version": "N:6",
        },
        {
          "clusterRef": "S:eu-1",
          "createdAt": "S:2025-03-01T10:00:00.000Z",
          "generation": "N:2",
          "gsi1pk": "S:CLUSTER#eu-1",
          "gsi1sk": "S:JOB#orders",
          "gsi2pk": "S:TEAM#billing",
          "gsi2sk": "S:JOB#orders",
          "gsi3pk": "S:JOBS#12",
          "gsi3sk": "S:JOB#orders",
          "listing": {
            "phase": "S:PENDING",
          },
          "name": "S:orders",
          "pk": "S:JOB#orders",
          "recentHistory": [
            {
              "action": "S:job.created",
              "actor": "S:alice",
              "at": "S:2025-03-01T10:00:00.000Z",
              "detailsJson": "S:{"specHash":"hash-1"}",
              "version": "N:1",
            },
            {
              "action": "S:lease.takeover",
              "actor": "S:worker-b",
              "at": "S:2025-03-01T10:00:05.000Z",
              "detailsJson": "S:{"previousOwner":"worker-a","previousExpiresAt":"2025-03-01T10:00:01.000Z"}",
              "version": "N:3",
            },
            {
              "action": "S:desired.owner-changed",
              "actor": "S:bob",
              "at": "S:2025-03-01T10:00:07.000Z",
              "detailsJson": "S:{"specHash":"hash-1"}",
              "version": "N:5",
            },
            {
              "action": "S:desired.updated",
              "actor": "S:bob",
              "at": "S:2025-03-01T10:00:08.000Z",
              "detailsJson": "S:{"specHash":"hash-2"}",
              "version": "N:6",
            },
          ],
          "sk": "S:JOB",
          "specHash": "S:hash-2",
          "specJson": "S:{"jar":"s3://jars/app.jar","parallelism":2}",
          "status": {
            "attempt": "N:0",
            "phase": "S:PENDING",
          },
          "team": "S:billing",
          "type": "S:job",
          "updatedAt": "S:2025-03-01T10:00:08.000Z",
          "version": "N:6",
        },
      ]
    `);
  });

  it('of a deleted job: its audit entries stay', async () => {
    await store.putDesired(desired('orders'), { actor: 'alice' });
    await store.deleteJob('orders', { actor: 'alice', now: at(1000) });
    expect(await rawItems()).toMatchInlineSnapshot(`
      [
        {
          "action": "S:job.created",
          "actor": "S:alice",
          "at": "S:2025-03-01T10:00:00.000Z",
          "detailsJson": "S:{"specHash":"hash-1"}",
          "expiresAt": "N:1748599200",
          "jobName": "S:orders",
          "pk": "S:JOB#orders",
          "sk": "S:AUDIT#2025-03-01T10:00:00.000Z#0000000001",
          "type": "S:audit",
          "version": "N:1",
        },
        {
          "action": "S:job.deleted",
          "actor": "S:alice",
          "at": "S:2025-03-01T10:00:01.000Z",
          "detailsJson": "S:{"generation":1,"specHash":"hash-1"}",
          "expiresAt": "N:1748599201",
          "jobName": "S:orders",
          "pk": "S:JOB#orders",
          "sk": "S:AUDIT#2025-03-01T10:00:01.000Z#0000000002",
          "type": "S:audit",
          "version": "N:2",
        },
      ]
    `);
  });

  it('of savepoints through their lifecycle', async () => {
    await store.addSavepoint({
      jobName: 'orders',
      idSuffix: 'trigger-1',
      triggerKind: 'upgrade',
      triggerId: 'trigger-1',
      generation: 2,
      artifactDigest: 'sha256:abc',
      flinkVersion: '1.20',
      flinkJobId: 'b'.repeat(32),
      restoredFrom: 's3://sp/0',
      parentId: 'sp-0',
      createdAt: at(0),
    });
    await store.updateSavepoint(
      'orders',
      `20250301T100000000Z-trigger-1`,
      { status: 'COMPLETED', path: 's3://sp/1' },
      at(1000),
    );
    await store.addSavepoint({
      jobName: 'orders',
      idSuffix: 'trigger-2',
      triggerKind: 'periodic',
      generation: 2,
      flinkJobId: 'b'.repeat(32),
      createdAt: at(2000),
    });
    await store.updateSavepoint(
      'orders',
      '20250301T100002000Z-trigger-2',
      { status: 'FAILED', failureCause: 'java.io.IOException: disk full' },
      at(3000),
    );
    await store.markSavepointDisposed('orders', '20250301T100002000Z-trigger-2', at(4000));
    await store.addSavepoint({
      jobName: 'orders',
      idSuffix: 'trigger-3',
      triggerKind: 'manual',
      generation: 2,
      flinkJobId: 'b'.repeat(32),
      status: 'COMPLETED',
      path: 's3://sp/3',
      createdAt: at(5000),
    });
    expect(await rawItems()).toMatchInlineSnapshot(`
      [
        {
          "artifactDigest": "S:sha256:abc",
          "createdAt": "S:2025-03-01T10:00:00.000Z",
          "flinkJobId": "S:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
          "flinkVersion": "S:1.20",
          "generation": "N:2",
          "id": "S:20250301T100000000Z-trigger-1",
          "jobName": "S:orders",
          "parentId": "S:sp-0",
          "path": "S:s3://sp/1",
          "pk": "S:JOB#orders",
          "restoredFrom": "S:s3://sp/0",
          "sk": "S:SAVEPOINT#20250301T100000000Z-trigger-1",
          "status": "S:COMPLETED",
          "triggerId": "S:trigger-1",
          "triggerKind": "S:upgrade",
          "type": "S:savepoint",
          "updatedAt": "S:2025-03-01T10:00:01.000Z",
        },
        {
          "createdAt": "S:2025-03-01T10:00:02.000Z",
          "failureCause": "S:java.io.IOException: disk full",
          "flinkJobId": "S:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
          "generation": "N:2",
          "id": "S:20250301T100002000Z-trigger-2",
          "jobName": "S:orders",
          "pk": "S:JOB#orders",
          "sk": "S:SAVEPOINT#20250301T100002000Z-trigger-2",
          "status": "S:DISPOSED",
          "triggerKind": "S:periodic",
          "type": "S:savepoint",
          "updatedAt": "S:2025-03-01T10:00:04.000Z",
        },
        {
          "createdAt": "S:2025-03-01T10:00:05.000Z",
          "flinkJobId": "S:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
          "generation": "N:2",
          "id": "S:20250301T100005000Z-trigger-3",
          "jobName": "S:orders",
          "path": "S:s3://sp/3",
          "pk": "S:JOB#orders",
          "sk": "S:SAVEPOINT#20250301T100005000Z-trigger-3",
          "status": "S:COMPLETED",
          "triggerKind": "S:manual",
          "type": "S:savepoint",
          "updatedAt": "S:2025-03-01T10:00:05.000Z",
        },
      ]
    `);
  });

  it('of a cluster created and replaced', async () => {
    await store.putCluster({ name: 'eu-1', spec: { flinkVersion: '1.20' } }, { now: at(0) });
    await store.putCluster(
      { name: 'eu-1', spec: { flinkVersion: '2.0' } },
      { expectedVersion: 1, now: at(1000) },
    );
    expect(await rawItems()).toMatchInlineSnapshot(`
      [
        {
          "gsi3pk": "S:CLUSTERS",
          "gsi3sk": "S:CLUSTER#eu-1",
          "name": "S:eu-1",
          "pk": "S:CLUSTER#eu-1",
          "sk": "S:CLUSTER",
          "specJson": "S:{"flinkVersion":"2.0"}",
          "type": "S:cluster",
          "updatedAt": "S:2025-03-01T10:00:01.000Z",
          "version": "N:2",
        },
      ]
    `);
  });

  it('of idempotency keys reserved and completed', async () => {
    const keys = new DynamoIdempotencyStore({ client: dynamo.client, tableName });
    await keys.reserve('alice', 'key-1', 'fingerprint-1', at(0));
    await keys.reserve('alice', 'key-2', 'fingerprint-2', at(0));
    await keys.complete(
      'alice',
      'key-2',
      'fingerprint-2',
      { status: 201, headers: { etag: '"1"' }, body: { name: 'orders' } },
      at(1000),
    );
    expect(await rawItems()).toMatchInlineSnapshot(`
      [
        {
          "expiresAt": "N:1740909600",
          "fingerprint": "S:fingerprint-1",
          "lockedUntil": "N:1740823260000",
          "pk": "S:IDEMPOTENCY#alice#key-1",
          "sk": "S:IDEMPOTENCY",
          "type": "S:idempotency",
        },
        {
          "expiresAt": "N:1740909601",
          "fingerprint": "S:fingerprint-2",
          "lockedUntil": "N:0",
          "pk": "S:IDEMPOTENCY#alice#key-2",
          "response": "S:{"status":201,"headers":{"etag":"\\"1\\""},"body":{"name":"orders"}}",
          "sk": "S:IDEMPOTENCY",
          "type": "S:idempotency",
        },
      ]
    `);
  });
});
