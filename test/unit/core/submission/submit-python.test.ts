/**
 * submitPython against a scripted Flink port (error paths and what is sent; the real cluster
 * runs the happy path in test/flink/pyflink.test.ts): the verified Python files go into the
 * uploaded jar, the run names fjc's launcher and job id, and the upload is always deleted.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileArtifactSource } from '../../../../functions/adapters/file-artifact-source.js';
import { submitProgram } from '../../../../functions/core/operations/submission/index.js';
import { PYTHON_JAR_ENTRY_CLASS } from '../../../../functions/core/operations/submission/python-jar.js';
import {
  ClusterRefusedError,
  type ArtifactStream,
  type ControlContext,
  type FlinkPort,
} from '../../../../functions/core/ports/index.js';
import { flinkJobSchema } from '../../../../functions/core/spec/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fjc-submit-python-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const source = 'print("counter")\n';
writeFileSync(join(dir, 'job.py'), source);
const digest = createHash('sha256').update(source).digest('hex');

const ctx = { artifacts: new FileArtifactSource(dir) } as unknown as ControlContext;

function job(sha256: string) {
  return flinkJobSchema.parse({
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name: 'py' },
    spec: {
      team: 'platform',
      clusterRef: 'local',
      python: { artifact: { uri: 'job.py', sha256 } },
      args: ['--rate', '5'],
    },
  });
}

async function bytesOf(stream: ArtifactStream): Promise<Buffer> {
  if ('path' in stream) throw new Error('expected a stream');
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream.stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function flink(run: FlinkPort['runJar']) {
  const uploaded: Buffer[] = [];
  const port = {
    uploadJar: vi.fn(async (stream: ArtifactStream) => {
      uploaded.push(await bytesOf(stream));
      return { jarId: 'jar-1_py-pyflink.jar' };
    }),
    runJar: vi.fn(run),
    deleteJar: vi.fn(() => Promise.resolve()),
  };
  return { port, flinkPort: port as unknown as FlinkPort, uploaded };
}

const RUN = { jobId: 'a'.repeat(32), args: ['--rate', '5'], parallelism: 1 };

describe('submitPython', () => {
  it('uploads the verified file inside the launcher jar and runs the launcher under the job id', async () => {
    const { port, flinkPort, uploaded } = flink(() => Promise.resolve({ jobId: RUN.jobId }));
    await submitProgram(ctx, flinkPort, job(digest), RUN);
    expect(uploaded[0]?.includes(Buffer.from(source))).toBe(true);
    expect(uploaded[0]?.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(port.runJar).toHaveBeenCalledWith('jar-1_py-pyflink.jar', {
      ...RUN,
      entryClass: PYTHON_JAR_ENTRY_CLASS,
    });
    expect(port.deleteJar).toHaveBeenCalledWith('jar-1_py-pyflink.jar');
  });

  it('uploads nothing when the file does not match its sha256', async () => {
    const { port, flinkPort } = flink(() => Promise.resolve({ jobId: RUN.jobId }));
    await expect(submitProgram(ctx, flinkPort, job('0'.repeat(64)), RUN)).rejects.toThrow(/sha256/);
    expect(port.uploadJar).not.toHaveBeenCalled();
  });

  it("passes Flink's refusal on and still deletes the upload", async () => {
    const refusal = new ClusterRefusedError('refused', "No module named 'pyflink'");
    const { port, flinkPort } = flink(() => Promise.reject(refusal));
    await expect(submitProgram(ctx, flinkPort, job(digest), RUN)).rejects.toBe(refusal);
    expect(port.deleteJar).toHaveBeenCalled();
  });
});
