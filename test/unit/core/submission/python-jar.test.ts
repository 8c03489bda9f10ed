/**
 * The jar fjc assembles for a PyFlink job: launcher classes, manifest, launch properties and the
 * job's Python files, read back here with Python's zipfile module (as strict a reader as the
 * JVM's) so that the ZIP writer is checked by an independent implementation.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FjcError } from '../../../../functions/commons/errors.js';
import {
  PYTHON_JAR_ENTRY_CLASS,
  buildPythonJar,
  pythonFileName,
} from '../../../../functions/core/operations/submission/python-jar.js';
import { LAUNCHER_SOURCE_SHA256 } from '../../../../functions/core/operations/submission/launcher-classes.js';
import { jobTypeOf, parseSpecDocuments } from '../../../../functions/core/spec/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fjc-pyjar-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);

/** Every entry of a zip, name → text, as Python's zipfile reads it (CRCs checked). */
function readZip(data: Uint8Array): Record<string, string> {
  const path = join(dir, `${createHash('sha256').update(data).digest('hex')}.jar`);
  writeFileSync(path, data);
  const script =
    'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist() if not n.endswith(".class")} | {"classes": [n for n in z.namelist() if n.endswith(".class")]}))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as Record<
    string,
    string
  >;
}

describe('the PyFlink jar', () => {
  it('carries the launcher, a manifest naming it, and a .py run as a script', () => {
    const jar = buildPythonJar({
      main: { name: 'job.py', data: bytes('print("hi")\n') },
      pyFiles: [{ name: 'lib.zip', data: bytes('zip bytes') }],
    });
    const entries = readZip(jar);
    expect(entries['META-INF/MANIFEST.MF']).toContain(`Main-Class: ${PYTHON_JAR_ENTRY_CLASS}`);
    expect(entries.classes).toContain('dev/fjc/pyflink/Launcher.class');
    expect(entries['fjc-python/files/job.py']).toBe('print("hi")\n');
    expect(entries['fjc-python/files/lib.zip']).toBe('zip bytes');
    const properties = entries['fjc-python/launch.properties'] ?? '';
    expect(properties).toMatch(/^program\.id=[0-9a-f]{32}$/m);
    expect(properties).toContain('main=job.py\n');
    expect(properties).toContain('pyFiles=lib.zip\n');
    expect(properties).not.toContain('entryModule');
  });

  it('names the entry module of a zip', () => {
    const jar = buildPythonJar({
      main: { name: 'app.zip', data: bytes('z') },
      entryModule: 'pkg.main',
      pyFiles: [],
    });
    expect(readZip(jar)['fjc-python/launch.properties']).toContain('entryModule=pkg.main\n');
  });

  it('gives the same bytes for the same program, other bytes for another', () => {
    const program = { main: { name: 'job.py', data: bytes('a') }, pyFiles: [] };
    expect(buildPythonJar(program)).toEqual(buildPythonJar(program));
    expect(buildPythonJar({ ...program, main: { name: 'job.py', data: bytes('b') } })).not.toEqual(
      buildPythonJar(program),
    );
  });

  it('refuses two files that would be extracted under one name', () => {
    expect(() =>
      buildPythonJar({
        main: { name: 'job.py', data: bytes('a') },
        pyFiles: [{ name: 'job.py', data: bytes('b') }],
      }),
    ).toThrow(FjcError);
  });

  it('names files after the last segment of their URI', () => {
    expect(pythonFileName('s3://bucket/a/b/job.py')).toBe('job.py');
    expect(pythonFileName('job.zip')).toBe('job.zip');
  });

  it('is built from the committed launcher source (else run scripts/pyflink/build-launcher.ts)', () => {
    const source = readFileSync('java/pyflink-launcher/dev/fjc/pyflink/Launcher.java');
    expect(createHash('sha256').update(source).digest('hex')).toBe(LAUNCHER_SOURCE_SHA256);
  });
});

describe('the PyFlink example spec', () => {
  it('parses as a python job', () => {
    const file = 'examples/specs/pyflink-counter.yaml';
    const result = parseSpecDocuments(readFileSync(file, 'utf8'), { filename: file });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const [job] = result.documents;
    if (job?.kind !== 'FlinkJob') throw new Error('expected a FlinkJob');
    expect(jobTypeOf(job.spec)).toBe('python');
    expect(job.spec.python?.artifact.uri).toBe('examples/jobs/pyflink-counter/counter.py');
  });
});
