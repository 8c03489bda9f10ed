/**
 * The jar fjc uploads for a PyFlink job: the launcher class (java/pyflink-launcher) plus the
 * job's Python files as resources. Flink's REST API runs only uploaded jars, and the JobManager
 * runs main() of a REST submission: carrying the Python files inside the jar means the
 * JobManager reads exactly the bytes fjc verified against the spec's sha256, from no path or
 * bucket that could change in between.
 */
import { createHash } from 'node:crypto';
import { FjcError } from '../../../commons/errors.js';
import { LAUNCHER_CLASSES, LAUNCHER_MAIN_CLASS } from './launcher-classes.js';
import { buildZip, type ZipEntry } from './zip.js';

/** A Python file of the job, with its bytes. */
export interface PythonFile {
  /** The file name the Python side sees (`job.py`, `lib.zip`): the last segment of its URI. */
  readonly name: string;
  readonly data: Uint8Array;
}

/** What {@link buildPythonJar} packs. */
export interface PythonProgram {
  readonly main: PythonFile;
  /** Set for a zip: the module run with `-pym`. */
  readonly entryModule?: string | undefined;
  readonly pyFiles: readonly PythonFile[];
}

/** The launcher's entry class, which runs the program through Flink's PythonDriver. */
export const PYTHON_JAR_ENTRY_CLASS = LAUNCHER_MAIN_CLASS;

/** Escapes a value for a Java `.properties` file (ASCII only, separators escaped). */
function propertyValue(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if ('\\:=#! '.includes(char)) out += `\\${char}`;
    else if (code < 0x20 || code > 0x7e)
      for (const unit of char.split(''))
        out += `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return out;
}

/** The name a file is extracted under on the JobManager: its URI's last segment. */
export function pythonFileName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

/**
 * Assembles the jar of a PyFlink job. The same program gives the same bytes (fixed timestamps),
 * and its content hash names the JobManager folder the files are extracted to.
 *
 * @throws FjcError when two Python files would be extracted under the same name.
 */
export function buildPythonJar(program: PythonProgram): Uint8Array {
  const files = [program.main, ...program.pyFiles];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.name))
      throw new FjcError(`two Python files of the job are named ${file.name}`, {
        remedy:
          'Give spec.python.artifact and each spec.python.pyFiles entry a different file name.',
      });
    seen.add(file.name);
  }
  const hash = createHash('sha256');
  for (const file of files)
    hash.update(`${file.name}\0${String(file.data.length)}\0`).update(file.data);
  hash.update(`entry\0${program.entryModule ?? ''}`);
  const properties = [
    `program.id=${hash.digest('hex').slice(0, 32)}`,
    `main=${propertyValue(program.main.name)}`,
    ...(program.entryModule === undefined ? [] : [`entryModule=${program.entryModule}`]),
    `pyFiles=${program.pyFiles.map((file) => propertyValue(file.name)).join(',')}`,
  ];
  const text = (value: string) => new TextEncoder().encode(value);
  const entries: ZipEntry[] = [
    {
      name: 'META-INF/MANIFEST.MF',
      data: text(`Manifest-Version: 1.0\r\nMain-Class: ${LAUNCHER_MAIN_CLASS}\r\n\r\n`),
    },
    ...Object.entries(LAUNCHER_CLASSES).map(([name, base64]) => ({
      name,
      data: new Uint8Array(Buffer.from(base64, 'base64')),
    })),
    { name: 'fjc-python/launch.properties', data: text(`${properties.join('\n')}\n`) },
    ...files.map((file) => ({ name: `fjc-python/files/${file.name}`, data: file.data })),
  ];
  return buildZip(entries);
}
