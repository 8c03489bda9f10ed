import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFlinkCluster, type FlinkClusterHandle } from '../../scripts/flink/cluster.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import { newFlinkId } from '../../functions/flink/index.js';
import { EXAMPLE_ENTRY_CLASS } from '../support/flink-contract.js';
import { startS3rver, type LocalS3 } from '../support/s3rver.js';

/**
 * Artifacts at production size: a generated jar of more than 300 MiB goes from S3 (s3rver) to a
 * real Flink cluster through the deploy function's own path (S3ArtifactSource stages it on disk
 * while hashing, runArtifact uploads it as a multipart stream and runs it), in a child process
 * whose memory is measured. The cluster raises `rest.server.max-content-length` (Flink's default
 * is 100 MiB, which refuses such a jar), as docs/day-one.md tells operators to.
 */
const PADDING_MIB = 310;
const MEMORY_BOUND = 150 * 1024 * 1024;
const MIB = 1024 * 1024;

let cluster: FlinkClusterHandle;
let s3: LocalS3;
let work: string;
let flink: FlinkRestClient;

/** The example jar plus a STORED (uncompressed) entry of random bytes: valid, large, incompressible. */
async function largeJar(dir: string): Promise<string> {
  const jar = join(dir, 'large-job.jar');
  await copyFile(inject('exampleJar'), jar);
  await mkdir(join(dir, 'padding'));
  const file = await open(join(dir, 'padding', 'random.bin'), 'w');
  try {
    for (let i = 0; i < PADDING_MIB; i++) await file.write(randomBytes(MIB));
  } finally {
    await file.close();
  }
  await new Promise<void>((resolve, reject) => {
    const zip = spawn('zip', ['-0', '-q', jar, 'padding/random.bin'], {
      cwd: dir,
      stdio: 'inherit',
    });
    zip.once('error', reject);
    zip.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`zip exited ${String(code)}`));
    });
  });
  await rm(join(dir, 'padding'), { recursive: true });
  return jar;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface Measured {
  baselineRss: number;
  peakRss: number;
  peakHeap: number;
  maxRss: number;
  ms: number;
  uploads: number;
  jarId: string;
  jobId: string;
  staged: string[];
}

function deployInChild(args: string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'test/support/large-artifact-child.ts', ...args],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined)
        reject(new Error(`child exited ${String(code)}: ${out}`));
      else resolve(JSON.parse(line) as Measured);
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fjc-large-artifact-'));
  [cluster, s3] = await Promise.all([
    startFlinkCluster({
      taskSlots: 1,
      // A loaded shared machine can take minutes to register a TaskManager.
      startTimeoutMs: 420_000,
      extraConfig: { 'rest.server.max-content-length': String(1024 * MIB) },
    }),
    startS3rver(),
  ]);
  flink = new FlinkRestClient({ baseUrl: cluster.url });
}, 480_000);

afterAll(async () => {
  // Each may be missing when beforeAll failed half-way.
  const started = { flink, s3, cluster } as Partial<{
    flink: FlinkRestClient;
    s3: LocalS3;
    cluster: FlinkClusterHandle;
  }>;
  await started.flink?.close();
  await started.s3?.stop();
  await started.cluster?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('a large artifact from S3', () => {
  it('streams a 300+ MiB jar into Flink within a bounded memory footprint and runs it', async () => {
    const jar = await largeJar(join(work));
    const size = (await stat(jar)).size;
    expect(size).toBeGreaterThan(300 * MIB);
    const digest = await sha256Of(jar);
    // Streamed as is: the SDK's default aws-chunked checksum framing is not decoded by s3rver.
    const uploader = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await uploader.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: 'artifacts/large-job.jar',
        Body: createReadStream(jar),
        ContentLength: size,
      }),
    );
    uploader.destroy();
    await rm(jar);

    const staging = join(work, 'staging');
    const jobId = newFlinkId();
    const m = await deployInChild([
      s3.endpoint,
      s3.bucket,
      'artifacts/large-job.jar',
      digest,
      cluster.url,
      staging,
      jobId,
      EXAMPLE_ENTRY_CLASS,
    ]);
    const growth = m.peakRss - m.baselineRss;
    console.log(
      `fjc: large artifact ${(size / MIB).toFixed(0)} MiB S3 → Flink in ${m.ms} ms; ` +
        `RSS growth ${(growth / MIB).toFixed(1)} MiB (peak ${(m.peakRss / MIB).toFixed(0)} MiB, ` +
        `process high-water ${(m.maxRss / MIB).toFixed(0)} MiB), heap peak ${(m.peakHeap / MIB).toFixed(0)} MiB`,
    );
    expect(growth).toBeLessThan(MEMORY_BOUND);
    expect(m.maxRss - m.baselineRss).toBeLessThan(MEMORY_BOUND);
    expect(m.uploads).toBe(1);
    expect(m.jobId).toBe(jobId);
    // The staged copy is gone: a warm function's /tmp is not filled by the jars it deployed.
    expect(m.staged).toEqual([]);
    expect(await readdir(staging)).toEqual([]);

    const kept = (await flink.listJars()).find((j) => j.id === m.jarId);
    expect(kept?.name).toContain(digest);
    await expect
      .poll(async () => (await flink.listJobs()).jobs.find((j) => j.jid === jobId)?.state, {
        timeout: 120_000,
        interval: 1000,
      })
      .toBe('RUNNING');
    await flink.cancelJob(jobId);
    await flink.deleteJar(m.jarId);
  }, 600_000);
});
