/** The local server's own concerns: its configuration file and its identity modes. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsApi } from '../../../functions/runtime/aws-api-runtime.js';
import { jobListSchema, jobSummarySchema, jobViewSchema } from '../../../functions/api/schemas.js';
import { ConfigurationError } from '../../../functions/commons/errors.js';
import { DynamoJobStore } from '../../../functions/store/dynamo-job-store.js';
import { loadLocalApiConfig, startApiServer } from '../../../scripts/local/api-server.js';
import { createTable, startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import { captureLogger, expectShape, jobDoc, useApiHarness } from './harness.js';

async function file(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fjc-api-'));
  const path = join(dir, 'api.json');
  await writeFile(path, content);
  return path;
}

describe('loadLocalApiConfig', () => {
  it('reads tokens and the team directory from one file', async () => {
    const config = await loadLocalApiConfig(
      await file(
        JSON.stringify({
          tokens: { 'dev-token-alice-0001': 'alice' },
          admins: ['root'],
          teams: { payments: ['alice'] },
        }),
      ),
    );
    expect(config.tokens).toEqual({ 'dev-token-alice-0001': 'alice' });
    expect(await config.teams.membership('alice')).toEqual({ teams: ['payments'], admin: false });
  });

  it('refuses unreadable files and short tokens', async () => {
    await expect(loadLocalApiConfig(await file('{'))).rejects.toThrow(ConfigurationError);
    await expect(
      loadLocalApiConfig(await file(JSON.stringify({ tokens: { short: 'alice' } }))),
    ).rejects.toThrow(/tokens/);
  });
});

describe('startApiServer without a token map', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startDynalite();
    await createTable(dynamo.client, 'fjc-local-api');
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('takes the bearer token as the principal (loopback only) and answers 401 without one', async () => {
    const { teams } = await loadLocalApiConfig(await file(JSON.stringify({ admins: ['root'] })));
    const server = await startApiServer({
      store: new DynamoJobStore({ client: dynamo.client, tableName: 'fjc-local-api' }),
      teams,
      logger: captureLogger(),
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ok = await fetch(`${server.url}/v1/clusters`, {
        headers: { authorization: 'Bearer root' },
      });
      expect(ok.status).toBe(200);
      const anonymous = await fetch(`${server.url}/v1/clusters`);
      expect(anonymous.status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});

describe('job representations', () => {
  const h = useApiHarness();

  it('show every status field the controller records, and hide its bookkeeping', async () => {
    await h.call('PUT', '/v1/jobs/busy', { body: jobDoc('busy') });
    const current = await h.store.getJob('busy');
    const snapshot = {
      spec: current?.spec ?? {},
      specHash: current?.specHash ?? '',
      generation: 1,
    };
    await h.store.transition(
      'busy',
      current?.version ?? 0,
      {
        phase: 'UPGRADING',
        jobId: 'f'.repeat(32),
        attempt: 2,
        lastApplied: snapshot,
        lastStable: snapshot,
        operation: {
          id: 'op-1',
          kind: 'upgrade',
          step: 'stop-with-savepoint',
          startedAt: '2025-01-01T00:00:00.000Z',
          data: { internal: true },
        },
        lastError: { code: 'FLINK', message: 'boom', at: '2025-01-01T00:00:00.000Z' },
        observed: { state: 'RUNNING', at: '2025-01-01T00:00:00.000Z' },
        jobStartedAt: '2025-01-01T00:00:00.000Z',
        newestSavepoint: { id: 'sp-1', path: 's3://b/sp-1', at: '2025-01-01T00:00:00.000Z' },
        rejected: { specHash: 'x', reason: 'unstable', at: '2025-01-01T00:00:00.000Z' },
        restorePoint: {
          source: 'checkpoint',
          path: 's3://b/chk/f/chk-62',
          at: '2025-01-01T00:00:00.000Z',
          reason: 'the newest completed checkpoint on storage',
        },
      },
      { actor: 'test', action: 'seed' },
      new Date(),
      { lease: { owner: 'worker-1', ttlMs: 60_000 } },
    );
    const reply = await h.call('GET', '/v1/jobs/busy');
    const view = expectShape(jobViewSchema, reply.json);
    expect(view.status).toMatchObject({
      phase: 'UPGRADING',
      lastApplied: { generation: 1 },
      operation: { kind: 'upgrade', step: 'stop-with-savepoint' },
      rejected: { reason: 'unstable' },
      restorePoint: { source: 'checkpoint', path: 's3://b/chk/f/chk-62' },
    });
    expect(reply.text).not.toContain('worker-1');
    expect(reply.text).not.toContain('internal');
    const list = expectShape(jobListSchema, (await h.call('GET', '/v1/jobs?team=payments')).json);
    expect(expectShape(jobSummarySchema, list.items[0])).toMatchObject({
      jobId: 'f'.repeat(32),
      lastError: { code: 'FLINK' },
      newestSavepoint: { path: 's3://b/sp-1' },
    });
  });

  it('refuses an empty PUT body, listing it', async () => {
    const reply = await h.call('PUT', '/v1/jobs/busy', { body: ' ' });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: { issues: [{ path: 'body' }] } });
  });
});

describe('awsApi', () => {
  it('composes once per cold start from the environment', () => {
    const saved = { ...process.env };
    try {
      process.env.FJC_TABLE_NAME = 'fjc-table';
      process.env.AWS_REGION = 'eu-west-1';
      const logger = captureLogger();
      const first = awsApi(logger);
      expect(awsApi(logger)).toBe(first);
    } finally {
      process.env = saved;
    }
  });
});
