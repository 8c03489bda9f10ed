/**
 * The test harness's cluster start-up cannot race for ports: the JobManager binds port 0 and the
 * harness reads the ports it got from its log, so no port is ever chosen, released and handed
 * over (which let the TaskManager take the REST port in 1 of 5 starts on a busy machine).
 */
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FjcError } from '../../functions/commons/errors.js';
import { startFlinkCluster, type FlinkClusterHandle } from '../../scripts/flink/cluster.js';

const STARTS = 10;

async function overview(url: string): Promise<{ taskmanagers: number }> {
  const response = await fetch(`${url}/overview`, { signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  return (await response.json()) as { taskmanagers: number };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe('starting Flink clusters for tests', () => {
  it(
    `comes up ${String(STARTS)} times in a row, the last at the URL of the one before`,
    async () => {
      const seconds: number[] = [];
      let previous: string | undefined;
      for (let i = 0; i < STARTS; i++) {
        const started = Date.now();
        // The last start stands in for a lost cluster: same port as the one just stopped.
        const restPort = i === STARTS - 1 && previous !== undefined ? portOf(previous) : undefined;
        const cluster: FlinkClusterHandle = await startFlinkCluster({
          taskSlots: 1,
          ...(restPort === undefined ? {} : { restPort }),
        });
        try {
          seconds.push((Date.now() - started) / 1000);
          if (restPort !== undefined) expect(portOf(cluster.url)).toBe(restPort);
          expect((await overview(cluster.url)).taskmanagers).toBe(1);
          expect(cluster.logTail(400)).toContain(
            `Rest endpoint listening at 127.0.0.1:${String(portOf(cluster.url))}`,
          );
          previous = cluster.url;
        } finally {
          await cluster.stop();
        }
      }
      console.log(
        `fjc: ${String(STARTS)} cluster starts took ${seconds.map((s) => s.toFixed(1)).join(', ')} s`,
      );
      expect(seconds).toHaveLength(STARTS);
    },
    STARTS * 150_000,
  );

  it('says which port is taken when asked for a REST port in use', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const error = await startFlinkCluster({ taskSlots: 1, restPort: port }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FjcError);
      expect((error as FjcError).message).toMatch(/JobManager exited/);
      expect((error as FjcError).remedy).toContain(`port ${String(port)} is taken`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 150_000);
});
