/**
 * Child process of test/flink/large-artifact.test.ts: deploys one S3 artifact to a Flink cluster
 * exactly as the deploy function does (S3ArtifactSource → runArtifact → FlinkClusterPort) and
 * prints what it cost in memory as one JSON line. A process of its own, so that its memory is
 * the streaming's alone (not vitest's, nor the in-process s3rver's).
 *
 * Arguments: s3Endpoint bucket key sha256 flinkUrl stagingDir jobId entryClass
 */
import { S3Client } from '@aws-sdk/client-s3';
import { readdir } from 'node:fs/promises';
import { S3ArtifactSource } from '../../functions/adapters/s3-artifact-source.js';
import { runArtifact } from '../../functions/core/operations/jar-cache.js';
import { FlinkClusterPort, FlinkRestClient } from '../../functions/flink/index.js';

const [endpoint, bucket, key, sha256, flinkUrl, dir, jobId, entryClass] = process.argv.slice(2);
if (!endpoint || !bucket || !key || !sha256 || !flinkUrl || !dir || !jobId || !entryClass)
  throw new Error('usage: s3Endpoint bucket key sha256 flinkUrl stagingDir jobId entryClass');

const s3 = new S3Client({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  forcePathStyle: true,
});
const client = new FlinkRestClient({ baseUrl: flinkUrl, uploadTimeoutMs: 600_000 });
const source = new S3ArtifactSource(s3, { dir, maxBytes: 1024 * 1024 * 1024 });

// Everything is loaded and built; let the start-up garbage go before the baseline is taken.
global.gc?.();
const baselineRss = process.memoryUsage().rss;
let peakRss = baselineRss;
let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peakRss = Math.max(peakRss, rss);
  peakHeap = Math.max(peakHeap, heapUsed);
}, 5);
const started = Date.now();
const run = await runArtifact(
  new FlinkClusterPort(client),
  source,
  { uri: `s3://${bucket}/${key}`, sha256 },
  { jobId, entryClass, parallelism: 1 },
);
const ms = Date.now() - started;
clearInterval(sampler);
const { rss, heapUsed } = process.memoryUsage();
console.log(
  JSON.stringify({
    baselineRss,
    peakRss: Math.max(peakRss, rss),
    peakHeap: Math.max(peakHeap, heapUsed),
    // The kernel's high-water mark of the whole process, start-up included (KiB on Linux).
    maxRss: process.resourceUsage().maxRSS * 1024,
    ms,
    uploads: run.uploads,
    jarId: run.jarId,
    jobId: run.jobId,
    staged: await readdir(dir),
  }),
);
s3.destroy();
await client.close();
