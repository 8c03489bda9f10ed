import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobRecord } from '../../functions/core/model/index.js';
import { jarFileName, parseJarFileName } from '../../functions/core/operations/jar-cache.js';
import { JarNotOnClusterError } from '../../functions/core/ports/index.js';
import { FlinkClusterPort } from '../../functions/flink/index.js';
import { EXAMPLE_ENTRY_CLASS } from '../support/flink-contract.js';
import {
  converge as convergeJob,
  exampleJobDocument,
  stableAt,
  storedJob,
} from '../support/e2e.js';
import { useFlinkRuntime } from '../support/e2e-runtime.js';

/**
 * Jar reuse on real Flink: fjc (the local runtime) talks to the cluster through a counting proxy,
 * so every `POST /jars/upload` is seen. The first deploy uploads the jar once; later upgrades of the
 * same content upload nothing; a jar deleted behind fjc's back is uploaded again; and fjc's jars no
 * job references are deleted after a submission, while referenced and foreign jars stay.
 */
const NAME = 'counter';
const { rt, proxy, flink } = useFlinkRuntime({ proxied: true, jobs: [NAME] });
let rate = 40;

const uploads = () => proxy.count('POST /jars/upload');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const jobSpec = (name: string, spec: Record<string, unknown>) => exampleJobDocument(name, { spec });
const job = (name = NAME) => storedJob(rt, name);
const converge = (what: string, done: (r: JobRecord) => boolean) =>
  convergeJob(rt, NAME, what, done, { timeoutMs: 120_000 });

/** Applies a new rate (an args change: an upgrade of the same artifact) and waits for STABLE. */
async function upgrade(what: string): Promise<{ uploaded: number; ms: number }> {
  const before = uploads();
  const started = Date.now();
  rate += 1;
  await rt.apply(jobSpec(NAME, { args: ['--rate', String(rate)] }), 'counter.yaml');
  await converge(what, stableAt((await job()).specHash));
  const result = { uploaded: uploads() - before, ms: Date.now() - started };
  console.log(
    `fjc: jar reuse, ${what}: ${result.uploaded} upload(s), STABLE after ${result.ms} ms`,
  );
  return result;
}

async function fjcJarsOnCluster() {
  return (await flink.listJars()).filter((jar) => parseJarFileName(jar.name) !== undefined);
}

beforeAll(async () => {
  // Other scenarios share this cluster: start from no fjc jars, so the first deploy must upload.
  for (const jar of await fjcJarsOnCluster()) await flink.deleteJar(jar.id);
});

// Runs before the runtime's own afterAll (which cancels the job, then closes the client).
afterAll(async () => {
  for (const jar of await flink.listJars().catch(() => []))
    if (parseJarFileName(jar.name) !== undefined || jar.name === 'not-fjc.jar')
      await flink.deleteJar(jar.id).catch(() => undefined);
});

describe('jar reuse on a real cluster', () => {
  it('uploads on the first deploy only; the second and third upgrade upload nothing', async () => {
    const first = uploads();
    await rt.apply(jobSpec(NAME, { args: ['--rate', String(rate)] }), 'counter.yaml');
    await converge('first deploy', stableAt((await job()).specHash));
    expect(uploads() - first).toBe(1);
    const digest = createHash('sha256')
      .update(await readFile(inject('exampleJar')))
      .digest('hex');
    expect((await fjcJarsOnCluster()).map((jar) => parseJarFileName(jar.name)?.sha256)).toEqual([
      digest,
    ]);
    expect((await upgrade('second upgrade')).uploaded).toBe(0);
    expect((await upgrade('third upgrade')).uploaded).toBe(0);
    expect(await fjcJarsOnCluster()).toHaveLength(1);
  }, 300_000);

  it('uploads again when the jar was deleted behind fjc’s back', async () => {
    for (const jar of await fjcJarsOnCluster()) await flink.deleteJar(jar.id);
    expect((await upgrade('upgrade after the jar was deleted')).uploaded).toBe(1);
    expect(await fjcJarsOnCluster()).toHaveLength(1);
    expect((await upgrade('upgrade after the re-upload')).uploaded).toBe(0);
  }, 300_000);

  it('deletes its jars no job references after a submission; keeps referenced and foreign ones', async () => {
    const bytes = { path: inject('exampleJar') };
    const parked = sha('a jar only a suspended job references');
    const orphan = await flink.uploadJar({
      ...bytes,
      fileName: jarFileName(sha('a jar no job references'), 's3://fjc-jars/orphan.jar'),
    });
    const referenced = await flink.uploadJar({
      ...bytes,
      fileName: jarFileName(parked, 's3://fjc-jars/parked.jar'),
    });
    const foreign = await flink.uploadJar({ ...bytes, fileName: 'not-fjc.jar' });
    // Never started (desired: suspended), so its jar is referenced by its desired spec only.
    await rt.apply(
      jobSpec('parked', { state: 'suspended', artifact: { uri: 'parked.jar', sha256: parked } }),
      'parked.yaml',
    );
    expect((await upgrade('upgrade with jars to collect')).uploaded).toBe(0);
    const left = (await flink.listJars()).map((jar) => jar.id);
    expect(left).not.toContain(orphan.jarId);
    expect(left).toContain(referenced.jarId);
    expect(left).toContain(foreign.jarId);
    expect(await fjcJarsOnCluster()).toHaveLength(2);
  }, 300_000);

  it('the cluster’s answer to a run of a deleted jar is read as “upload again”', async () => {
    const port = new FlinkClusterPort(flink);
    const { jarId } = await port.uploadJar({
      path: inject('exampleJar'),
      fileName: jarFileName(sha('gone'), 'gone.jar'),
    });
    await port.deleteJar(jarId);
    const error = await port
      .runJar(jarId, { jobId: 'f'.repeat(32), entryClass: EXAMPLE_ENTRY_CLASS })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JarNotOnClusterError);
  });
});
