import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awaitDisposal,
  awaitJobState,
  awaitSavepoint,
  FlinkClientInputError,
  FlinkDuplicateJobError,
  FlinkJobFailedError,
  FlinkJobNotFoundError,
  FlinkRequestRejectedError,
  FlinkRestClient,
  FlinkUnreachableError,
  newFlinkId,
} from '../../functions/flink/index.js';
import { flinkReconcileContractSuite } from './flink-reconcile-contract.js';

/** What the contract needs from a cluster under test: the real one, or any stand-in. */
export interface FlinkContractTarget {
  url: string;
  /** The example stateful-counter job (examples/jobs/stateful-counter). */
  exampleJar: string;
  /** Savepoint directory to use; empty means the cluster's `state.savepoints.dir`. */
  savepointDir: string;
}

export const EXAMPLE_ENTRY_CLASS = 'dev.fjc.examples.StatefulCounter';
const poll = { deadlineMs: 90_000, intervalMs: 250 };

async function eventually<T>(
  what: string,
  look: () => Promise<T | undefined>,
  deadlineMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await look();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The contract every Flink cluster fjc talks to must keep, as fjc's client sees it. The same
 * suite runs against the real session cluster and against any stand-in (a simulator for scale
 * tests must pass it unchanged).
 */
export function flinkContractSuite(name: string, target: () => FlinkContractTarget): void {
  describe(`Flink REST contract: ${name}`, () => {
    let client: FlinkRestClient;
    let jarId: string;
    const savepointOptions = () =>
      target().savepointDir ? { targetDirectory: target().savepointDir } : {};
    const maxCount = async (jobId: string) =>
      Number((await client.getAccumulators(jobId))['max-count'] ?? 0);

    beforeAll(async () => {
      client = new FlinkRestClient({ baseUrl: target().url });
      ({ jarId } = await client.uploadJar({ path: target().exampleJar }));
    });
    afterAll(async () => {
      await client.deleteJar(jarId).catch(() => undefined);
      await client.close();
    });

    it('reports its version and capacity', async () => {
      const version = await client.getVersion();
      expect(version.major).toBeGreaterThanOrEqual(1);
      const overview = await client.getOverview();
      expect(overview.taskmanagers).toBeGreaterThanOrEqual(1);
      expect(overview['slots-total']).toBeGreaterThanOrEqual(2);
    });

    it('runs, savepoints, stops with a savepoint and restores the state from it', async () => {
      const firstId = newFlinkId();
      await expect(
        client.runJar(jarId, {
          jobId: firstId,
          entryClass: EXAMPLE_ENTRY_CLASS,
          args: ['--rate', '100'],
          parallelism: 1,
        }),
      ).resolves.toEqual({ jobId: firstId });
      await awaitJobState(client, firstId, ['RUNNING'], poll);
      expect((await client.listJobs()).jobs.find((j) => j.jid === firstId)?.state).toBe('RUNNING');

      await eventually('a completed checkpoint', async () =>
        (await client.getCheckpoints(firstId)).counts.completed >= 1 ? true : undefined,
      );
      const { triggerId } = await client.triggerSavepoint(firstId, savepointOptions());
      const savepoint = await awaitSavepoint(client, firstId, triggerId, poll);
      expect(savepoint.location).toMatch(/savepoint-/);

      const stop = await client.stopWithSavepoint(firstId, savepointOptions());
      const final = await awaitSavepoint(client, firstId, stop.triggerId, poll);
      await awaitJobState(client, firstId, ['FINISHED'], poll);
      const countAtStop = await maxCount(firstId);
      expect(countAtStop).toBeGreaterThan(0);

      const secondId = newFlinkId();
      await client.runJar(jarId, {
        jobId: secondId,
        entryClass: EXAMPLE_ENTRY_CLASS,
        args: ['--rate', '100'],
        parallelism: 1,
        savepointPath: final.location,
        claimMode: 'NO_CLAIM',
      });
      await awaitJobState(client, secondId, ['RUNNING'], poll);
      const restored = await eventually('the restore to show', async () => {
        const stats = await client.getCheckpoints(secondId);
        return stats.latest.restored ?? undefined;
      });
      expect(restored.external_path).toBe(final.location);
      // The counter continues from the savepoint: above where it stopped, not from zero.
      const continued = await eventually('the counter to pass its old value', async () => {
        const count = await maxCount(secondId);
        return count > countAtStop ? count : undefined;
      });
      expect(continued).toBeGreaterThan(countAtStop);

      const exceptions = await client.getExceptions(secondId);
      expect(Array.isArray(exceptions)).toBe(true);
      await client.cancelJob(secondId);
      await awaitJobState(client, secondId, ['CANCELED'], poll);

      // A job id once used is refused, even after the job ended.
      await expect(
        client.runJar(jarId, { jobId: secondId, entryClass: EXAMPLE_ENTRY_CLASS }),
      ).rejects.toThrow(FlinkDuplicateJobError);

      // The first (non-final) savepoint is no longer needed: dispose of it.
      const disposal = await client.disposeSavepoint(savepoint.location);
      await awaitDisposal(client, disposal.triggerId, poll);
    });

    it('refuses a file that is not a jar', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'fjc-notjar-'));
      const text = join(dir, 'notes.txt');
      await writeFile(text, 'hello');
      await expect(client.uploadJar({ path: text })).rejects.toThrow(FlinkClientInputError);

      const fake = join(dir, 'fake.jar');
      await writeFile(fake, 'this is not a zip archive');
      const outcome = await client
        .uploadJar({ path: fake })
        .then(({ jarId: fakeId }) =>
          client.runJar(fakeId, { jobId: newFlinkId(), entryClass: EXAMPLE_ENTRY_CLASS }),
        )
        .catch((e: unknown) => e);
      expect(outcome).toBeInstanceOf(FlinkRequestRejectedError);
      expect((outcome as Error).message).not.toMatch(/\n\s+at /);
    });

    it('names a wrong entry class', async () => {
      const error = await client
        .runJar(jarId, { jobId: newFlinkId(), entryClass: 'com.acme.DoesNotExist' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlinkRequestRejectedError);
      expect((error as Error).message).toContain('com.acme.DoesNotExist');
      expect((error as Error).message).not.toMatch(/\n\s+at /);
    });

    it('surfaces a failing main() with its own message', async () => {
      const error = await client
        .runJar(jarId, {
          jobId: newFlinkId(),
          entryClass: EXAMPLE_ENTRY_CLASS,
          args: ['--fail-on-start'],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlinkRequestRejectedError);
      expect((error as Error).message).toContain('Failing on start');
    });

    it('surfaces a savepoint path that does not exist', async () => {
      const jobId = newFlinkId();
      const missing = join(tmpdir(), `fjc-no-such-savepoint-${jobId}`);
      // Depending on the version Flink refuses the run outright or accepts it and fails the
      // job while starting it: either way the reason must reach the caller.
      const outcome = await client
        .runJar(jarId, {
          jobId,
          entryClass: EXAMPLE_ENTRY_CLASS,
          savepointPath: `file://${missing}`,
        })
        .then(() => awaitJobState(client, jobId, ['RUNNING'], poll))
        .catch((e: unknown) => e);
      expect(outcome).toBeInstanceOf(Error);
      expect(
        [FlinkJobFailedError, FlinkRequestRejectedError].some((type) => outcome instanceof type),
      ).toBe(true);
      expect((outcome as Error).message).toContain(missing);
    });

    it('reports jobs it does not know as not found', async () => {
      const unknown = newFlinkId();
      await expect(client.getJob(unknown)).rejects.toThrow(FlinkJobNotFoundError);
      // Flink accepts the trigger and fails the operation: the wait must say why.
      const { triggerId } = await client.triggerSavepoint(unknown);
      await expect(awaitSavepoint(client, unknown, triggerId, poll)).rejects.toThrow(
        FlinkJobNotFoundError,
      );
      await expect(client.getCheckpoints(unknown)).rejects.toThrow(FlinkJobNotFoundError);
      await expect(client.getResourceRequirements(unknown)).rejects.toThrow(FlinkJobNotFoundError);
      await expect(client.cancelJob(unknown)).rejects.toThrow(FlinkJobNotFoundError);
    });

    it('reports a cluster that is down as unreachable, within the deadline', async () => {
      const server = createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      await new Promise((r) => server.close(r));
      const down = new FlinkRestClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
      const started = Date.now();
      await expect(down.listJobs()).rejects.toThrow(FlinkUnreachableError);
      expect(Date.now() - started).toBeLessThan(10_000);
      await down.close();
    });

    // Last, so the cluster has run (and ended) jobs of its own to list. The fleet stand-in of
    // the benchmark runs this same part (test/unit/bench/flink-fleet.test.ts).
    flinkReconcileContractSuite(name, () => ({ url: target().url }));
  });
}
