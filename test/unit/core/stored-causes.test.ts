import { describe, expect, it, vi } from 'vitest';
import { advanceOperation, recordStepFailure } from '../../../functions/core/operations/advance.js';
import { reconcile } from '../../../functions/core/reconcile.js';
import { FlinkUnreachableError } from '../../../functions/flink/index.js';
import {
  NAME,
  OWNER,
  begin,
  job,
  savepointFailed,
  seed,
  useBench,
  type Bench,
} from './operations/harness.js';

/**
 * Every place that stores an error cause on a job (lastError, the history, the savepoint
 * catalog) stores it bounded and scrubbed: the job's team reads all of them through the API.
 */
const TOKEN = 'tok-0123456789abcdefSECRET';
const PASSWORD = 'hunter2-SECRET';
const PEM_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCSECRET';
// The key block is assembled, so that no credential-looking block stands in the source.
const FENCE = 'PRIVATE KEY-----';
const HOSTILE = `refused: Authorization: Bearer ${TOKEN} password=${PASSWORD}
-----BEGIN ${FENCE}
${PEM_BODY}
-----END ${FENCE}
${'trailing words '.repeat(200)}`;

let b: Bench;
useBench((fresh) => (b = fresh));

async function everythingStored(): Promise<string> {
  const record = await b.get();
  const audit = await b.store.listHistory(NAME, { limit: 100 });
  const savepoints = await b.store.listSavepoints(NAME, { limit: 50 });
  return JSON.stringify([record, audit, savepoints]);
}

function expectScrubbed(stored: string): void {
  expect(stored).not.toContain(TOKEN);
  expect(stored).not.toContain(PASSWORD);
  expect(stored).not.toContain(PEM_BODY);
  expect(stored).toContain('[REDACTED]');
}

describe('stored error causes', () => {
  it('scrubs and bounds the cause of a failed step (the state machine’s Cause)', async () => {
    const v1 = job();
    const v2 = job({ args: ['--rate', '5'] });
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    await recordStepFailure(b.ctx, NAME, opId, OWNER, {
      error: 'States.TaskFailed',
      cause: HOSTILE,
    });
    const record = await b.get();
    expect(record.status.lastError?.message.length).toBeLessThanOrEqual(1_000);
    expect(record.status.lastError?.message).toMatch(/^refused: Authorization: Bearer \[REDACTED]/);
    expectScrubbed(await everythingStored());
  });

  it('scrubs Flink’s savepoint failure cause in lastError, the history and the catalog', async () => {
    const v1 = job();
    const v2 = job({ args: ['--rate', '5'] });
    await seed(b, v2, v1);
    const opId = await begin(b, 'upgrade', v2);
    await advanceOperation(b.ctx, NAME, opId, OWNER, 0);
    b.flink.getSavepointStatus.mockResolvedValue(
      savepointFailed('java.io.IOException', `java.io.IOException: ${HOSTILE}`),
    );
    expect(await advanceOperation(b.ctx, NAME, opId, OWNER, 0)).toMatchObject({
      next: 'failed',
    });
    const stored = await everythingStored();
    expect(stored).toContain('SAVEPOINT_FAILED');
    expectScrubbed(stored);
  });

  it('scrubs and bounds why a cluster was unreachable in the history', async () => {
    const v1 = job();
    await seed(b, v1, v1);
    b.flink.listJobs.mockRejectedValue(
      new FlinkUnreachableError('http://flink:8081', { detail: HOSTILE }),
    );
    await reconcile(
      { ...b.ctx, stateMachine: { start: vi.fn(() => Promise.resolve()) } },
      { correlationId: 'c' },
    );
    const record = await b.get();
    expect(record.status.phase).toBe('UNKNOWN');
    const reason = JSON.stringify(record.recentHistory.at(-1)?.details);
    expect(reason).toContain('unreachable');
    expect(reason.length).toBeLessThan(1_200);
    expectScrubbed(await everythingStored());
  });
});
