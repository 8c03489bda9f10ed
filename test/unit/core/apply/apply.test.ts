/**
 * The apply use cases every door shares (API, S3 ingest, local runtime), against a real store:
 * who may change what, that a refused change writes nothing, and that a job outside the caller's
 * teams is indistinguishable from a missing one.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../../functions/commons/errors.js';
import { applyCluster } from '../../../../functions/core/apply/apply-cluster.js';
import { applySpecDocuments } from '../../../../functions/core/apply/apply-documents.js';
import { applyJob } from '../../../../functions/core/apply/apply-job.js';
import {
  jobNotFound,
  type Caller,
  type Principal,
} from '../../../../functions/core/authorization.js';
import { canonicalJson } from '../../../../functions/core/change/index.js';
import {
  flinkClusterSchema,
  flinkJobSchema,
  type FlinkCluster,
  type FlinkJob,
} from '../../../../functions/core/spec/index.js';
import { DynamoJobStore } from '../../../../functions/store/dynamo-job-store.js';
import { VersionConflictError } from '../../../../functions/core/ports/index.js';
import { createTable, startDynalite, type LocalDynamo } from '../../../support/dynalite.js';

let dynamo: LocalDynamo;
let store: DynamoJobStore;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(async () => {
  tableName = `fjc-apply-${randomUUID()}`;
  await createTable(dynamo.client, tableName);
  store = new DynamoJobStore({ client: dynamo.client, tableName });
  await store.putCluster({ name: 'eu-1', spec: { ...cluster('eu-1') } });
});

/** Every item of the table: equal snapshots mean nothing was written. */
async function snapshot(): Promise<string> {
  const out = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
  return JSON.stringify((out.Items ?? []).map((item) => canonicalJson(item)).sort());
}

function job(name: string, team: string, spec: Record<string, unknown> = {}): FlinkJob {
  return flinkJobSchema.parse({
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name },
    spec: {
      team,
      clusterRef: 'eu-1',
      artifact: { uri: 's3://fjc-artifacts/app/app-1.0.jar' },
      ...spec,
    },
  });
}

function cluster(name: string, url = 'http://127.0.0.1:8081'): FlinkCluster {
  return flinkClusterSchema.parse({
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkCluster',
    metadata: { name },
    spec: { url },
  });
}

interface Audit {
  message: string;
  attributes: Record<string, unknown>;
}

function callerOf(principal: Principal): Caller & { lines: Audit[] } {
  const lines: Audit[] = [];
  return {
    lines,
    principal,
    actor: principal.id,
    audit: { info: (message, attributes) => lines.push({ message, attributes }) },
    correlationId: 'cid',
  };
}

const payments = () => callerOf({ id: 'alice', teams: ['payments'], admin: false });
const search = () => callerOf({ id: 'bob', teams: ['search'], admin: false });
const admin = () => callerOf({ id: 'root', teams: [], admin: true });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('applyJob', () => {
  it('creates a job of the caller team at generation 1, with the actor and details', async () => {
    const put = await applyJob(store, job('orders', 'payments'), payments(), {
      details: { via: 'test' },
    });
    expect(put).toMatchObject({ created: true, changed: true, record: { generation: 1 } });
    expect(put.record.recentHistory.at(-1)).toMatchObject({
      actor: 'alice',
      details: { via: 'test' },
    });
  });

  it('refuses a job of a team the caller is not in (403)', async () => {
    const before = await snapshot();
    const caller = search();
    const error = await rejection(applyJob(store, job('orders', 'payments'), caller));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toMatch(/not a member of team payments/);
    expect(await snapshot()).toBe(before);
    expect(caller.lines.at(-1)?.attributes).toMatchObject({ allowed: false, principal: 'bob' });
  });

  it("answers another team's job exactly like a missing one, and writes nothing", async () => {
    await applyJob(store, job('orders', 'payments'), payments());
    const before = await snapshot();
    const hidden = await rejection(applyJob(store, job('orders', 'search'), search()));
    expect(hidden).toBeInstanceOf(NotFoundError);
    // The very answer a read of a missing job gets: nothing tells the two apart.
    expect((hidden as NotFoundError).toJSON()).toEqual(jobNotFound('orders').toJSON());
    expect(await snapshot()).toBe(before);
  });

  it('lets a member of both teams hand a job over, and refuses a member of one', async () => {
    await applyJob(store, job('orders', 'payments'), payments());
    const error = await rejection(applyJob(store, job('orders', 'search'), payments()));
    expect(error).toBeInstanceOf(ForbiddenError);
    const both = callerOf({ id: 'carol', teams: ['payments', 'search'], admin: false });
    expect(await applyJob(store, job('orders', 'search'), both)).toMatchObject({
      record: { team: 'search', generation: 2 },
    });
  });

  it('runs the precondition with the current generation after access is granted', async () => {
    await applyJob(store, job('orders', 'payments'), payments());
    const seen: (number | undefined)[] = [];
    await applyJob(store, job('orders', 'payments', { parallelism: 2 }), payments(), {
      precondition: (generation) => seen.push(generation),
    });
    await applyJob(store, job('fresh', 'payments'), payments(), {
      precondition: (generation) => seen.push(generation),
    });
    expect(seen).toEqual([1, undefined]);
  });

  it('refuses an unknown cluster naming spec.clusterRef, writing nothing', async () => {
    const before = await snapshot();
    const error = await rejection(
      applyJob(store, job('orders', 'payments', { clusterRef: 'us-9' }), payments()),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'spec.clusterRef', message: 'no FlinkCluster named "us-9" is stored' },
    ]);
    expect(await snapshot()).toBe(before);
  });

  it('writes only if the generation the decision read is still current', async () => {
    await applyJob(store, job('orders', 'payments'), payments());
    const error = await rejection(
      applyJob(store, job('orders', 'payments', { parallelism: 3 }), payments(), {
        expectedGeneration: 7,
      }),
    );
    expect(error).toBeInstanceOf(VersionConflictError);
  });
});

describe('applyCluster', () => {
  it('is for admins only, at every door', async () => {
    const before = await snapshot();
    for (const caller of [payments(), search()]) {
      const error = await rejection(applyCluster(store, cluster('eu-2'), caller));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as Error).message).toMatch(/only admins change clusters/);
    }
    expect(await snapshot()).toBe(before);
    const caller = admin();
    expect(await applyCluster(store, cluster('eu-2'), caller)).toMatchObject({
      created: true,
      changed: true,
      record: { version: 1 },
    });
    expect(caller.lines.map((l) => l.message)).toEqual(['authorization', 'cluster changed']);
  });

  it('a changed URL is an audited event naming the old and the new host', async () => {
    const caller = admin();
    await applyCluster(store, cluster('eu-1', 'https://flink.example.com:8443/rest'), caller);
    expect(caller.lines.filter((l) => l.message === 'cluster url changed')).toEqual([
      {
        message: 'cluster url changed',
        attributes: {
          audit: 'cluster-url-change',
          principal: 'root',
          resource: 'cluster/eu-1',
          fromHost: '127.0.0.1:8081',
          toHost: 'flink.example.com:8443',
          version: 2,
          correlationId: 'cid',
        },
      },
    ]);
    // Another change of the cluster, or a new cluster, is not a URL change.
    const other = admin();
    await applyCluster(
      store,
      flinkClusterSchema.parse({
        ...cluster('eu-1', 'https://flink.example.com:8443/rest'),
        spec: { url: 'https://flink.example.com:8443/rest', flinkVersion: '2.1' },
      }),
      other,
    );
    await applyCluster(store, cluster('eu-3'), other);
    expect(other.lines.map((l) => l.message)).not.toContain('cluster url changed');
  });

  it('a URL change by anyone but an admin is refused, and nothing is written', async () => {
    const before = await snapshot();
    const caller = payments();
    const error = await rejection(
      applyCluster(store, cluster('eu-1', 'https://attacker.example.com'), caller),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(await snapshot()).toBe(before);
  });

  it('writes nothing for an unchanged definition', async () => {
    const before = await snapshot();
    expect(await applyCluster(store, cluster('eu-1'), admin())).toMatchObject({
      created: false,
      changed: false,
    });
    expect(await snapshot()).toBe(before);
  });
});

describe('applySpecDocuments', () => {
  it('applies clusters, then jobs, for a caller allowed all of them', async () => {
    const result = await applySpecDocuments(
      store,
      [cluster('eu-2'), job('orders', 'payments', { clusterRef: 'eu-2' })],
      admin(),
    );
    expect(result).toEqual({
      clusters: [{ name: 'eu-2', changed: true }],
      jobs: [{ name: 'orders', generation: 1, created: true, changed: true }],
    });
  });

  it('refuses the whole file when one document is outside the caller, naming each', async () => {
    await applyJob(store, job('search-job', 'search'), search());
    const before = await snapshot();
    const error = await rejection(
      applySpecDocuments(
        store,
        [
          job('orders', 'payments'),
          cluster('eu-2'),
          job('other', 'search'),
          job('search-job', 'payments'),
          job('lost', 'payments', { clusterRef: 'nowhere' }),
        ],
        payments(),
      ),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    const issues = (error as ForbiddenError).issues;
    expect(issues.map((i) => i.path)).toEqual([
      'documents[1]',
      'documents[2]',
      'documents[3]',
      'documents[4].spec.clusterRef',
    ]);
    expect(issues[0]?.message).toMatch(/^FlinkCluster "eu-2": .*only admins change clusters/);
    expect(issues[1]?.message).toMatch(/^FlinkJob "other": .*not a member of team search/);
    // Another team's job: its name is taken, its owner is not named.
    expect(issues[2]?.message).toMatch(/^FlinkJob "search-job": this name is taken/);
    expect(issues[2]?.message).not.toMatch(/search\b(?!-job)/);
    expect(await snapshot()).toBe(before);
  });

  it('refuses unknown cluster references with a ValidationError, writing nothing', async () => {
    const before = await snapshot();
    const error = await rejection(
      applySpecDocuments(store, [job('orders', 'payments', { clusterRef: 'x' })], payments()),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(await snapshot()).toBe(before);
  });
});
