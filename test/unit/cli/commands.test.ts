/**
 * Every API command of the CLI against the real local API (api-server, DynamoDB store on
 * dynalite), run in-process: output, the requests sent, and the exit codes 0/1/2/3.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterYaml, jobYaml, runCaptured, STORE_NOW, TOKENS, useCliHarness } from './harness.js';

const h = useCliHarness();
let first: string;
let second: string;

beforeAll(async () => {
  first = await h.file(
    'v1.yaml',
    `${clusterYaml()}---\n${jobYaml('orders', ['args: ["--rate", "50"]', 'parallelism: 2'])}`,
  );
  second = await h.file(
    'v2.yaml',
    `${clusterYaml()}---\n${jobYaml('orders', ['args: ["--rate", "100"]', 'parallelism: 4'])}---\n${jobYaml('billing')}`,
  );
});

/** Records the requests a run sends (method, path, headers). */
function recording(): {
  fetch: typeof fetch;
  sent: { method: string; url: string; headers: Headers }[];
} {
  const sent: { method: string; url: string; headers: Headers }[] = [];
  return {
    sent,
    fetch: (input, init) => {
      sent.push({
        method: init?.method ?? 'GET',
        url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
        headers: new Headers(init?.headers),
      });
      return globalThis.fetch(input, init);
    },
  };
}

/** Moves a job's status on, as the controller would. */
async function settle(name: string, patch: 'stable' | 'rejected'): Promise<void> {
  const record = await h.store.getJob(name);
  if (!record) throw new Error(`no job ${name}`);
  const snapshot = { spec: record.spec, specHash: record.specHash, generation: record.generation };
  await h.store.transition(
    name,
    record.version,
    patch === 'stable'
      ? { phase: 'STABLE', lastApplied: snapshot, lastStable: snapshot, jobId: 'a'.repeat(32) }
      : {
          phase: 'FAILED',
          lastApplied: snapshot,
          rejected: {
            specHash: record.specHash,
            reason: 'restarted 3 times',
            at: STORE_NOW.toISOString(),
          },
        },
    { actor: 'test', action: patch },
  );
}

describe('plan and apply', () => {
  it('plan warns when a job turns off the checkpoints its gate waits for', async () => {
    const file = await h.file(
      'no-checkpoints.yaml',
      `${clusterYaml()}---\n${jobYaml('quiet', ['flinkConfiguration:', '    execution.checkpointing.interval: "0"'])}`,
    );
    const plan = await h.run(['plan', file]);
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain('warning: FlinkJob/quiet: spec.flinkConfiguration');
    expect(plan.stderr).toContain('disables checkpointing');
  });

  it('plans creates, applies them with If-None-Match, then plans nothing', async () => {
    const plan = await h.run(['plan', first]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatchInlineSnapshot(`
      "+ create FlinkCluster/eu-1
      + create FlinkJob/orders — starts the job for the first time
      Plan: 2 to create, 0 to update, 0 unchanged.
      "
    `);

    const rec = recording();
    const apply = await h.run(['apply', first], { fetch: rec.fetch });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain(
      '  FlinkCluster/eu-1: created (version 1)\n  FlinkJob/orders: created (generation 1)\n',
    );
    const puts = rec.sent.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => new URL(r.url).pathname)).toEqual([
      '/v1/clusters/eu-1',
      '/v1/jobs/orders',
    ]);
    expect(puts.every((r) => r.headers.get('if-none-match') === '*')).toBe(true);
    expect(puts[0]?.headers.get('authorization')).toBe(`Bearer ${TOKENS.root}`);

    const again = await h.run(['apply', first]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: the stored state matches the files.');
    expect(again.stdout).not.toContain('Applying');
  });

  it('renders updates with their class, consequence and before → after values', async () => {
    const plan = await h.run(['plan', second]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatchInlineSnapshot(`
      "= unchanged FlinkCluster/eu-1
      ~ update FlinkJob/orders (UPGRADE: spec.args) — starts the job for the first time
          spec.args: ["--rate","50"] → ["--rate","100"]
          spec.parallelism: 2 → 4
      + create FlinkJob/billing — starts the job for the first time
      Plan: 1 to create, 1 to update, 1 unchanged.
      "
    `);
  });

  it('says what a change does to a running job once one is deployed', async () => {
    await settle('orders', 'stable');
    const plan = await h.run(['plan', second]);
    expect(plan.stdout).toContain(
      '~ update FlinkJob/orders (UPGRADE: spec.args) — takes a savepoint, restarts the job\n' +
        '    spec.args: ["--rate","50"] → ["--rate","100"]\n' +
        '    spec.parallelism: 2 → 4\n' +
        '    effect: upgrades the job (stop with a savepoint, start from it): spec.args\n',
    );
  });

  it('exits 3 when someone else changes a job between plan and write (412)', async () => {
    let interfered = false;
    const racing: typeof fetch = async (input, init) => {
      if (init?.method === 'PUT' && !interfered) {
        interfered = true;
        // Another writer changes orders after the plan read its ETag.
        const other = await globalThis.fetch(`${h.url}/v1/jobs/orders`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${TOKENS.alice}`, 'content-type': 'application/yaml' },
          body: jobYaml('orders', ['args: ["--rate", "50"]', 'parallelism: 3']),
        });
        expect(other.status).toBe(200);
      }
      return globalThis.fetch(input, init);
    };
    const result = await h.run(['apply', second], { fetch: racing });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('error: Job orders is at "2", not "1"');
    expect(result.stderr).toContain(
      'remedy: Read the resource again and retry with its current ETag.',
    );
    expect(result.stderr).toMatch(/\(HTTP 412 PRECONDITION_FAILED, correlation id: [\w-]+\)/);
  });

  it('apply --wait follows the changed jobs until STABLE (exit 0)', async () => {
    let polls = 0;
    const result = await h.run(['apply', second, '--wait'], {
      onSleep: async () => {
        polls += 1;
        if (polls === 2) {
          await settle('orders', 'stable');
          await settle('billing', 'stable');
        }
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Waiting for 2 jobs (timeout 10m):\n');
    expect(result.stdout).toContain(
      '  orders: STABLE, stable at generation 1 — waiting for generation 3\n',
    );
    expect(result.stdout).toContain('  orders: STABLE at generation 3\n');
    expect(result.stdout).toContain('  billing: STABLE at generation 1\n');
  });

  it('apply --wait exits 1 when the controller rejects the new spec', async () => {
    const third = await h.file(
      'v3.yaml',
      jobYaml('orders', ['args: ["--rate", "7"]', 'parallelism: 4']),
    );
    const result = await h.run(['apply', third, '--wait'], {
      onSleep: () => settle('orders', 'rejected'),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '  orders: FAILED — generation 4 was rejected (FAILED): restarted 3 times\n',
    );
    expect(result.stderr).toContain('1 of 1 job did not become stable');
  });

  it('apply --wait exits 1 when the time budget runs out', async () => {
    const fourth = await h.file(
      'v4.yaml',
      jobYaml('orders', ['args: ["--rate", "8"]', 'parallelism: 4']),
    );
    const result = await h.run(['--timeout', '10s', 'apply', fourth, '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: Timed out after 10s waiting for orders');
  });

  it('exits 2 with every field issue when the API refuses the file (400)', async () => {
    const orphan = await h.file('orphan.yaml', jobYaml('lonely', [], 'nowhere'));
    const result = await h.run(['plan', orphan]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: The spec refers to clusters fjc does not know');
    expect(result.stderr).toContain(
      '  documents[0].spec.clusterRef: no FlinkCluster named "nowhere" is declared in this file or stored',
    );
    expect(result.stderr).toContain('(HTTP 400 VALIDATION_FAILED');
  });

  it('exits 2 without calling the API when a file is invalid', async () => {
    const bad = await h.file(
      'bad.yaml',
      'apiVersion: fjc.dev/v1\nkind: FlinkJob\nmetadata: {name: x}\nspec: {}\n',
    );
    const rec = recording();
    const result = await h.run(['apply', bad], { fetch: rec.fetch });
    expect(result.code).toBe(2);
    expect(rec.sent).toEqual([]);
    expect(result.stderr).toContain('bad.yaml:4:7: documents[0].spec.team: is required (a string)');
  });
});

describe('get, history, savepoints', () => {
  it('lists jobs as a table', async () => {
    await h.store.addSavepoint({
      jobName: 'orders',
      triggerKind: 'manual',
      generation: 3,
      flinkJobId: 'b'.repeat(32),
      status: 'COMPLETED',
      path: 's3://fjc-savepoints/orders/savepoint-12ab34',
      createdAt: STORE_NOW,
    });
    const record = await h.store.getJob('orders');
    if (!record) throw new Error('no orders');
    await h.store.transition(
      'orders',
      record.version,
      {
        newestSavepoint: {
          path: 's3://fjc-savepoints/orders/savepoint-12ab34',
          at: STORE_NOW.toISOString(),
        },
      },
      { actor: 'test', action: 'savepoint' },
    );
    const result = await h.run(['get']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "NAME      TEAM       CLUSTER   PHASE    GEN   JOB-ID                             NEWEST-SAVEPOINT        AGE
      billing   payments   eu-1      STABLE   1     aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa   -                       5m
      orders    payments   eu-1      FAILED   5     aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa   savepoint-12ab34 (5m)   5m
      "
    `);
  });

  it('filters by team, shows one job in detail and prints raw JSON/YAML', async () => {
    expect((await h.run(['get', '--team', 'search'])).stderr).toBe('No jobs found.\n');
    const detail = await h.run(['get', 'billing']);
    expect(detail.stdout).toContain('Name:             billing\n');
    expect(detail.stdout).toContain('Phase:            STABLE\n');
    expect(detail.stdout).toContain('Last stable:      generation 1\n');
    expect(detail.stdout).toContain('Spec:\n  apiVersion: fjc.dev/v1\n');
    const json = await h.run(['get', 'billing', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'billing',
      generation: 1,
      status: { phase: 'STABLE' },
    });
    const yaml = await h.run(['get', '-o', 'yaml']);
    expect(yaml.stdout).toMatch(/^items:\n {2}- name: billing\n/);
  });

  it('shows history and savepoints newest first', async () => {
    const history = await h.run(['history', 'billing']);
    expect(history.code).toBe(0);
    expect(history.stdout.split('\n')[0]).toMatch(/^AGE +EVENT +OUTCOME +ACTOR +MESSAGE$/);
    expect(history.stdout).toMatch(/\n5m +job\.created +accepted +root +job created \(via api\)\n/);
    const savepoints = await h.run(['savepoints', 'orders']);
    expect(savepoints.stdout).toMatch(
      /^ID +STATUS +TRIGGER +GEN +FLINK-JOB-ID +AGE +PATH\n\S+ +COMPLETED +manual +3 +b{32} +5m +s3:\/\/fjc-savepoints\/orders\/savepoint-12ab34\n$/,
    );
    const json = await h.run(['savepoints', 'orders', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      items: [{ jobName: 'orders', status: 'COMPLETED' }],
    });
  });

  it('exits 2 for a job that does not exist (404)', async () => {
    const result = await h.run(['get', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: Job nope does not exist\n');
  });
});

describe('actions and delete', () => {
  it('sends an Idempotency-Key per invocation (or the one given) and prints the result', async () => {
    const rec = recording();
    const result = await h.run(['savepoint', 'billing', '--reason', 'before the release'], {
      fetch: rec.fetch,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'billing: savepoint requested (generation 2); the controller carries it out next; --wait waits for what it produces, fjc history billing shows it\n',
    );
    expect(rec.sent[0]?.headers.get('idempotency-key')).toMatch(/^key-0001-/);

    // The same key and request again: the API replays the first answer, nothing runs twice.
    const given = ['suspend', 'billing', '--idempotency-key', 'suspend-billing-1'];
    const once = await h.run(given);
    const twice = await h.run(given);
    expect(once.stdout).toBe(
      'billing: suspend requested (generation 3); the controller carries it out next; --wait waits for what it produces, fjc history billing shows it\n',
    );
    expect(twice.stdout).toBe(once.stdout);
    expect((await h.store.getJob('billing'))?.generation).toBe(3);
  });

  it('exits 3 on a conflict: rollback without a stable spec (409) and a stale --if-generation (412)', async () => {
    const rollback = await h.run(['rollback', 'lonely-nope']);
    expect(rollback.code).toBe(2);
    const apply = await h.file('fresh.yaml', jobYaml('fresh'));
    expect((await h.run(['apply', apply])).code).toBe(0);
    const noStable = await h.run(['rollback', 'fresh']);
    expect(noStable.code).toBe(3);
    expect(noStable.stderr).toContain('error: Job fresh has no stable spec to roll back to');
    const stale = await h.run(['delete', 'fresh', '--if-generation', '7']);
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain('(HTTP 412 PRECONDITION_FAILED');
  });

  it('deletes with If-Match and reports the outcome', async () => {
    const rec = recording();
    const result = await h.run(['delete', 'fresh', '--if-generation', '1'], { fetch: rec.fetch });
    expect(result.code, result.stderr).toBe(0);
    expect(rec.sent[0]?.headers.get('if-match')).toBe('"1"');
    expect(result.stdout).toBe(
      'fresh: deletion requested; the job is being suspended (generation 2), its state and savepoints are kept\n',
    );
  });
});

describe('delete --purge', () => {
  it('requests the deletion, waits until SUSPENDED, then purges; the job leaves fjc get', async () => {
    const apply = await h.file('gone.yaml', jobYaml('gone'));
    expect((await h.run(['apply', apply])).code).toBe(0);
    let polls = 0;
    const result = await h.run(['delete', 'gone', '--purge'], {
      onSleep: async () => {
        polls += 1;
        if (polls !== 1) return;
        const record = await h.store.getJob('gone');
        if (!record) throw new Error('no job gone');
        await h.store.transition(
          'gone',
          record.version,
          { phase: 'SUSPENDED' },
          {
            actor: 'test',
            action: 'suspended',
          },
        );
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('gone: deletion requested; the job is being suspended');
    expect(result.stdout).toContain('  gone: SUSPENDED\n');
    expect(result.stdout).toContain(
      'gone: purged; its record is gone, its savepoints and history are kept (fjc savepoints gone, fjc history gone)\n',
    );
    expect((await h.run(['get'])).stdout).not.toMatch(/^gone /m);
    const history = await h.run(['history', 'gone']);
    expect(history.stdout).toMatch(/\n\S+ +job\.purged +succeeded /);
  });

  it('purges at once a job that already rests SUSPENDED', async () => {
    const apply = await h.file(
      'rest.yaml',
      jobYaml('rest').replace('team:', 'state: suspended\n  team:'),
    );
    expect((await h.run(['apply', apply])).code).toBe(0);
    const record = await h.store.getJob('rest');
    if (!record) throw new Error('no job rest');
    await h.store.transition(
      'rest',
      record.version,
      { phase: 'SUSPENDED' },
      { actor: 'test', action: 'suspended' },
    );
    const rec = recording();
    const result = await h.run(['delete', 'rest', '--purge'], { fetch: rec.fetch });
    expect(result.code, result.stderr).toBe(0);
    expect(
      rec.sent.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`),
    ).toEqual(['GET /v1/jobs/rest', 'DELETE /v1/jobs/rest?purge=true']);
  });
});

describe('failures', () => {
  it('exits 1 on a server error and shows the correlation id, no stack', async () => {
    const broken: typeof fetch = () =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            error: {
              code: 'INTERNAL',
              message: 'An internal error occurred',
              correlationId: 'corr-123',
            },
          }),
          { status: 500, headers: { 'content-type': 'application/json' } },
        ),
      );
    const result = await h.run(['get'], { fetch: broken });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: An internal error occurred\n' +
        'remedy: Retry later; if it persists, report the correlation id.\n' +
        '(HTTP 500 INTERNAL, correlation id: corr-123)\n',
    );
  });

  it('exits 1 when the API cannot be reached, and 1 for a wrong token (401)', async () => {
    const down = await runCaptured(['--endpoint', 'http://127.0.0.1:9', 'get']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('error: Cannot reach the API at http://127.0.0.1:9');
    expect(down.stderr).toContain('remedy: Check --endpoint');
    const denied = await h.run(['--token', 'not-a-known-token-123', 'get']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('error: The request is not authenticated');
  });

  it('exits 2 when no endpoint is configured', async () => {
    const result = await runCaptured(['get']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: No API endpoint is configured');
  });

  it('shows the stack only with FJC_DEBUG=1', async () => {
    const quiet = await runCaptured(['--endpoint', 'http://127.0.0.1:9', 'get']);
    expect(quiet.stderr).not.toContain('    at ');
    const debug = await runCaptured(['--endpoint', 'http://127.0.0.1:9', 'get'], {
      env: { FJC_DEBUG: '1' },
    });
    expect(debug.stderr).toContain('    at ');
  });
});
