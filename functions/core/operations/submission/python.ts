/**
 * PyFlink jobs: the Python files are verified against their sha256, packed with fjc's launcher
 * into one jar (python-jar.ts), uploaded and run like a jar job, so the job gets fjc's job id,
 * savepoint path and configuration through the same /jars/:id/run call.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FjcError } from '../../../commons/errors.js';
import type { ArtifactStream } from '../../ports/index.js';
import type { ProgramSubmitter } from './index.js';
import { PYTHON_JAR_ENTRY_CLASS, buildPythonJar, pythonFileName } from './python-jar.js';

async function bytesOf(source: ArtifactStream): Promise<Uint8Array> {
  if ('path' in source) return new Uint8Array(await readFile(source.path));
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.stream) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

/** Submits a PyFlink job through the launcher jar. */
export const submitPython: ProgramSubmitter = async (ctx, flink, job, run) => {
  const python = job.spec.python;
  if (python === undefined)
    throw new FjcError(`job ${job.metadata.name} has no spec.python`, {
      remedy: 'Report this: a PyFlink job was dispatched without its program.',
    });
  const load = async (artifact: { uri: string; sha256?: string | undefined }) => {
    const opened = await ctx.artifacts.open(artifact.uri, artifact.sha256);
    let data: Uint8Array;
    try {
      data = await bytesOf(opened);
    } finally {
      await opened.release?.();
    }
    // Checked again on the very bytes that go into the jar: the source checked the file, and a
    // file can change between that check and this read.
    const actual = createHash('sha256').update(data).digest('hex');
    if (artifact.sha256 !== undefined && actual !== artifact.sha256)
      throw new FjcError(`Python file ${artifact.uri} changed while it was read`, {
        remedy: 'Leave the file alone while fjc deploys it, or update its sha256 in the spec.',
      });
    return { name: pythonFileName(artifact.uri), data };
  };
  const jar = buildPythonJar({
    main: await load(python.artifact),
    entryModule: python.entryModule,
    pyFiles: await Promise.all(python.pyFiles.map(load)),
  });
  const { jarId } = await flink.uploadJar({
    stream: Readable.from([jar]),
    fileName: `${job.metadata.name}-pyflink.jar`,
    size: jar.length,
  });
  try {
    await flink.runJar(jarId, { ...run, entryClass: PYTHON_JAR_ENTRY_CLASS });
  } finally {
    await flink.deleteJar(jarId).catch(() => undefined);
  }
};
