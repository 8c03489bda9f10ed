/**
 * The per-job retry backoff on the status item (`status.backoff`): written and read back, cleared
 * with null; items written before it existed read as they did.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoJobStore } from '../../../functions/store/index.js';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import { T0, at, desired, newStore } from './fixtures.js';

let dynamo: LocalDynamo;
let store: DynamoJobStore;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(async () => {
  ({ store } = await newStore(dynamo, { clock: () => T0 }));
});

describe('status.backoff', () => {
  it('round-trips, clears with null, and is absent from items written without it', async () => {
    const put = await store.putDesired(desired('orders'), { actor: 'alice' });
    expect(put.record.status.backoff).toBeUndefined();
    const backoff = {
      attempts: 2,
      nextAttemptAt: at(60_000).toISOString(),
      specHash: 'hash-1',
      reason: 'savepoint failed: IO-problem detected.',
    };
    const written = await store.transition(
      'orders',
      put.record.version,
      { phase: 'STABLE', backoff },
      { actor: 'worker-a', action: 'upgrade-aborted' },
      at(1000),
    );
    expect(written.status.backoff).toEqual(backoff);
    expect((await store.getJob('orders'))?.status.backoff).toEqual(backoff);
    const cleared = await store.transition(
      'orders',
      written.version,
      { backoff: null },
      { actor: 'worker-a', action: 'stable' },
      at(2000),
    );
    expect(cleared.status.backoff).toBeUndefined();
    expect((await store.getJob('orders'))?.status.backoff).toBeUndefined();
  });
});
