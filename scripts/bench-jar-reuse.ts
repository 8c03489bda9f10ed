/**
 * What jar reuse saves per submission on a real Flink session cluster: the path without reuse
 * (hash the file, upload it, delete it afterwards) against the path with it (one `GET /jars`, the
 * cluster already keeping the jar), for jars of a few sizes. Starts its own cluster unless
 * `FJC_FLINK_URL` names one.
 *
 *   npx tsx scripts/bench-jar-reuse.ts [sizesMiB=1,16,64] [rounds=3]
 *
 * The jars are random bytes (incompressible, like a fat jar's classes); Flink stores an upload
 * without reading it, and its jar list skips what it cannot open, so both paths time only I/O.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jarFileName } from '../functions/core/operations/jar-cache.js';
import { FlinkRestClient } from '../functions/flink/index.js';
import { startFlinkCluster, type FlinkClusterHandle } from './flink/cluster.js';

const SIZES = (process.argv[2] ?? '1,16,64').split(',').map(Number);
const ROUNDS = Number(process.argv[3] ?? 3);

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const external = process.env.FJC_FLINK_URL?.trim();
let cluster: FlinkClusterHandle | undefined;
const url =
  external !== undefined && external !== '' ? external : (cluster = await startFlinkCluster()).url;
const dir = await mkdtemp(join(tmpdir(), 'fjc-bench-jars-'));
const client = new FlinkRestClient({ baseUrl: url });
try {
  console.log('size MiB | hash+upload+delete (no reuse) | GET /jars (reuse) | median of', ROUNDS);
  for (const mib of SIZES) {
    const path = join(dir, `app-${mib}.jar`);
    await writeFile(path, randomBytes(mib * 1024 * 1024));
    const without: number[] = [];
    const withReuse: number[] = [];
    const kept = await client.uploadJar({
      path,
      fileName: jarFileName(await sha256Of(path), path),
    });
    for (let round = 0; round < ROUNDS; round++) {
      let start = performance.now();
      const digest = await sha256Of(path);
      const { jarId } = await client.uploadJar({ path, fileName: `bench-${digest}.jar` });
      await client.deleteJar(jarId);
      without.push(performance.now() - start);
      start = performance.now();
      await client.listJars();
      withReuse.push(performance.now() - start);
    }
    await client.deleteJar(kept.jarId);
    console.log(
      `${String(mib).padStart(8)} | ${median(without).toFixed(0).padStart(26)} ms | ${median(withReuse).toFixed(0).padStart(14)} ms`,
    );
  }
} finally {
  await client.close();
  await rm(dir, { recursive: true, force: true });
  await cluster?.stop();
}
