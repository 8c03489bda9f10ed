import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../../scripts/local/local-runtime.js';

let dir: string;
let running: LocalRuntime[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fjc-identity-'));
  running = [];
});

afterEach(async () => {
  for (const rt of running) await rt.stop();
  await rm(dir, { recursive: true, force: true });
});

async function start(identity = 'worker-id'): Promise<LocalRuntime> {
  const rt = await startLocalRuntime({
    baseDir: dir,
    dataDir: join(dir, 'dynamodb'),
    workerIdFile: join(dir, identity),
  });
  running.push(rt);
  return rt;
}

async function stop(rt: LocalRuntime): Promise<void> {
  running.splice(running.indexOf(rt), 1);
  await rt.stop();
}

/** A job with an operation in flight, leased by `owner` for an hour. */
async function inFlight(rt: LocalRuntime, name: string, owner: string): Promise<void> {
  const put = await rt.store.putDesired(
    { name, team: 'platform', clusterRef: 'local', spec: { any: 'thing' }, specHash: name },
    { actor: 'test' },
  );
  const leased = await rt.store.acquireLease(name, owner, 3_600_000);
  expect(leased.version).toBe(put.record.version + 1);
  await rt.store.transition(
    name,
    leased.version,
    {
      phase: 'UPGRADING',
      operation: {
        id: 'op-1',
        kind: 'upgrade',
        step: 'await-savepoint',
        startedAt: new Date().toISOString(),
        data: {},
      },
    },
    { actor: 'test', action: 'upgrade-started' },
    new Date(),
  );
}

// The first start synthesizes the state machine and loads the handlers: tens of seconds on a
// loaded 2-core machine, so the bound is generous (a bound, not a timing assumption).
describe('the local runtime’s worker identity', { timeout: 180_000 }, () => {
  it('is kept across restarts in its file', async () => {
    const first = await start();
    const id = first.context.workerId;
    expect(id).toMatch(/^local-[0-9a-f]{16}$/);
    await stop(first);
    expect((await readFile(join(dir, 'worker-id'), 'utf8')).trim()).toBe(id);
    const again = await start();
    expect(again.context.workerId).toBe(id);
  });

  it('gives back on restart the leases of its previous life, so its operations resume at once', async () => {
    const first = await start();
    const mine = `${first.context.workerId}:${'1'.repeat(32)}`;
    await inFlight(first, 'mine', mine);
    await inFlight(first, 'theirs', 'reconcile:someone-else');
    await stop(first);

    const restarted = await start();
    const resumed = await restarted.store.getJob('mine');
    expect(resumed?.lease).toBeUndefined();
    expect(resumed?.status.operation).toMatchObject({ id: 'op-1', step: 'await-savepoint' });
    expect((await restarted.store.getJob('theirs'))?.lease?.owner).toBe('reconcile:someone-else');
  });

  it('leaves alone the leases of another identity', async () => {
    const first = await start('one');
    const owner = `${first.context.workerId}:${'1'.repeat(32)}`;
    await inFlight(first, 'mine', owner);
    await stop(first);
    const other = await start('two');
    expect((await other.store.getJob('mine'))?.lease?.owner).toBe(owner);
  });
});
