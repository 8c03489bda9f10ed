import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createReconcileHandler } from '../../../functions/handlers/reconcile-handler.js';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.js';
import { bench, job, seed } from '../operations/harness.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

function observability() {
  const logger = {
    info: vi.fn(),
    warn: vi.fn(),
    appendKeys: vi.fn(),
    resetKeys: vi.fn(),
  };
  const metric = { addDimension: vi.fn(), addMetric: vi.fn() };
  const metrics = {
    addMetric: vi.fn(),
    singleMetric: vi.fn(() => metric),
    hasStoredMetrics: vi.fn(() => false),
    publishStoredMetrics: vi.fn(),
  };
  return { logger, metrics };
}

describe('the reconcile handler', () => {
  it('logs the entries of a job list it could not read, with their count', async () => {
    const b = await bench(dynamo);
    try {
      const v1 = job();
      await seed(b, v1, v1);
      b.flink.listJobs.mockResolvedValue({
        jobs: [],
        unreadable: [{ jobId: 'c'.repeat(32), reason: 'state: Invalid option' }],
      });
      const { logger, metrics } = observability();
      const handler = createReconcileHandler({
        logger: logger as unknown as Logger,
        metrics: metrics as unknown as Metrics,
        context: () => Promise.resolve({ ...b.ctx, stateMachine: { start: vi.fn() } }),
      });
      const report = await handler({ id: 'event-1' });
      expect(report.clustersUnreachable).toEqual([]);
      expect(logger.warn).toHaveBeenCalledWith('unreadable job list entries', {
        count: 1,
        entries: [{ clusterRef: 'local', jobId: 'c'.repeat(32), reason: 'state: Invalid option' }],
      });
    } finally {
      await b.cleanup();
    }
  });
});
