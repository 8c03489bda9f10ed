import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FlinkJobNotFoundError,
  FlinkRestClient,
  flinkPortOf,
  newFlinkId,
} from '../../functions/flink/index.js';

/** What the reconcile part of the contract needs: a cluster that has run at least one job. */
export interface FlinkReconcileContractTarget {
  url: string;
}

const JOB_ID = /^[0-9a-f]{32}$/;
// Every state Flink's REST API names (JobStatus), so a stand-in cannot invent one.
const FLINK_STATES = new Set([
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'FAILING',
  'FAILED',
  'CANCELLING',
  'CANCELED',
  'FINISHED',
  'RESTARTING',
  'SUSPENDED',
  'RECONCILING',
]);

const TERMINAL = new Set(['FAILED', 'CANCELED', 'FINISHED']);

/**
 * The part of the Flink contract that a reconcile cycle (and a per-job poller, the benchmark's
 * baseline) relies on: version and capacity, the whole job list in one call with every entry
 * readable, a job's detail agreeing with the list, and an unknown job reported as not found.
 * Runs against the real cluster inside {@link flinkContractSuite} (after its jobs ran, so the
 * list is not empty) and against the benchmark's fleet stand-in (test/unit/bench/).
 */
export function flinkReconcileContractSuite(
  name: string,
  target: () => FlinkReconcileContractTarget,
): void {
  describe(`Flink REST contract, the calls reconcile makes: ${name}`, () => {
    let client: FlinkRestClient;
    beforeAll(() => {
      client = new FlinkRestClient({ baseUrl: target().url });
    });
    afterAll(async () => {
      await client.close();
    });

    it('reports a version it can be told apart by, and its capacity', async () => {
      const version = await client.getVersion();
      expect(version.major).toBeGreaterThanOrEqual(1);
      const overview = await client.getOverview();
      expect(overview.taskmanagers).toBeGreaterThanOrEqual(1);
      expect(overview['slots-total']).toBeGreaterThanOrEqual(1);
    });

    it('lists every job in one call, each entry readable', async () => {
      const list = await client.listJobs();
      expect(list.unreadable).toEqual([]);
      expect(list.jobs.length).toBeGreaterThanOrEqual(1);
      for (const job of list.jobs) {
        expect(job.jid).toMatch(JOB_ID);
        expect(FLINK_STATES.has(job.state)).toBe(true);
        expect(job['start-time']).toBeGreaterThan(0);
      }
      // What the core sees of the same list (the reconcile observation).
      const observed = await flinkPortOf(client).listJobs();
      expect(observed.unreadable).toEqual([]);
      expect(new Set(observed.jobs.map((job) => job.jobId))).toEqual(
        new Set(list.jobs.map((job) => job.jid)),
      );
    });

    it("answers a listed job's detail, agreeing with the list", async () => {
      const listed = (await client.listJobs()).jobs.slice(0, 3);
      for (const entry of listed) {
        const detail = await client.getJob(entry.jid);
        expect(detail.jid).toBe(entry.jid);
        expect(FLINK_STATES.has(detail.state)).toBe(true);
        // A live job may move on between the two calls; an ended one cannot.
        if (TERMINAL.has(entry.state)) expect(detail.state).toBe(entry.state);
        const seen = await flinkPortOf(client).getJob(entry.jid);
        expect(seen.jobId).toBe(entry.jid);
      }
    });

    it('reports a job it does not know as not found', async () => {
      await expect(client.getJob(newFlinkId())).rejects.toThrow(FlinkJobNotFoundError);
    });
  });
}
