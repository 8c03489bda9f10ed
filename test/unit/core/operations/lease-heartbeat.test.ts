import { describe, expect, it } from 'vitest';
import {
  LEASE_TTL_MS,
  advanceOperation,
  leaseTtlMs,
} from '../../../../functions/core/operations/advance.js';
import {
  NAME,
  OWNER,
  begin,
  eventually,
  job,
  savepointInProgress,
  seed,
  useBench,
  type Bench,
} from './harness.js';

let b: Bench;
useBench((fresh) => (b = fresh));

const v1 = job();
const v2 = job({ args: ['--rate', '5'] });
describe('lease time-to-live', () => {
  it('defaults to about a minute, not ten', () => {
    expect(LEASE_TTL_MS).toBe(60_000);
    expect(leaseTtlMs(b.ctx)).toBe(60_000);
    expect(leaseTtlMs({ ...b.ctx, leaseTtlMs: 15_000 })).toBe(15_000);
  });

  it('leases each recorded step for the configured time-to-live', async () => {
    const ctx = { ...b.ctx, leaseTtlMs: 20_000 };
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    await advanceOperation(ctx, NAME, opId, OWNER, 0);
    const record = await b.get();
    expect(record.status.operation?.step).toBe('await-savepoint');
    expect(Date.parse(record.lease?.expiresAt ?? '')).toBe(b.now().getTime() + 20_000);
  });

  it('renews the lease while waiting once a third of it has passed, and never waits longer', async () => {
    const ctx = { ...b.ctx, leaseTtlMs: 30_000 };
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    await advanceOperation(ctx, NAME, opId, OWNER, 0);
    b.flink.getSavepointStatus.mockResolvedValue(savepointInProgress());
    const leased = Date.parse((await b.get()).lease?.expiresAt ?? '');
    b.advance(5_000);
    await advanceOperation(ctx, NAME, opId, OWNER, 0);
    expect(Date.parse((await b.get()).lease?.expiresAt ?? '')).toBe(leased);
    b.advance(6_000);
    const outcome = await advanceOperation(ctx, NAME, opId, OWNER, 0);
    expect(outcome.next).toBe('wait');
    expect(outcome.waitSeconds).toBeLessThanOrEqual(10);
    expect(Date.parse((await b.get()).lease?.expiresAt ?? '')).toBe(b.now().getTime() + 30_000);
  });

  it('keeps the lease alive through a long acting step, and still records the step', async () => {
    // A third of 300 ms: the heartbeat beats many times while the stop call hangs.
    const ctx = { ...b.ctx, leaseTtlMs: 300 };
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    const before = await b.store.acquireLease(NAME, OWNER, 300, b.now());
    b.flink.stopWithSavepoint.mockImplementation(async () => {
      // Time passes beyond the whole time-to-live while Flink takes its time.
      b.advance(1_000);
      await eventually(
        async () => Date.parse((await b.get()).lease?.expiresAt ?? '') > b.now().getTime(),
      );
      return { triggerId: 't'.repeat(32) };
    });
    const outcome = await advanceOperation(ctx, NAME, opId, OWNER, 0);
    expect(outcome.event).toBe('stop-with-savepoint-triggered');
    const after = await b.get();
    expect(after.status.operation?.step).toBe('await-savepoint');
    expect(after.lease?.owner).toBe(OWNER);
    expect(after.version).toBeGreaterThan(before.version + 1);
  });

  it('does not record a step over a write someone else made while it ran', async () => {
    const ctx = { ...b.ctx, leaseTtlMs: 300 };
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    b.flink.stopWithSavepoint.mockImplementation(async () => {
      // Another writer (the API) changes the status while the step runs.
      const current = await b.get();
      await b.store.transition(
        NAME,
        current.version,
        { lastError: { code: 'X', message: 'elsewhere', at: b.now().toISOString() } },
        { actor: 'test', action: 'poked' },
        b.now(),
      );
      return { triggerId: 't'.repeat(32) };
    });
    await expect(advanceOperation(ctx, NAME, opId, OWNER, 0)).rejects.toThrow(/version|changed/);
    expect((await b.get()).status.operation?.step).toBe('stop-with-savepoint');
  });
});
