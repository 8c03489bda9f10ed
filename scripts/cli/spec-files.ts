/**
 * Reading and validating spec files offline, with the very parser the API and the ingest
 * pipeline use: what `fjc validate` accepts, the API accepts.
 */
import { specWarnings } from '../../functions/core/spec/warnings.js';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FieldIssue } from '../../functions/commons/errors.js';
import {
  MAX_SPEC_FILE_BYTES,
  parseSpecDocuments,
  type SpecDocument,
} from '../../functions/core/spec/index.js';
import { CliError, EXIT } from './errors.js';
import { issueLine, locateIssue } from './render/issues.js';

/** A spec file that parsed. */
export interface SpecFile {
  /** The name as the user gave it (used in messages). */
  file: string;
  /** The file's text, as sent to the API (which reads it again with the same parser). */
  text: string;
  documents: SpecDocument[];
}

/** The outcome of checking one file. */
export type CheckedFile =
  { ok: true; spec: SpecFile } | { ok: false; file: string; issues: FieldIssue[] };

/**
 * Reads at most `limit + 1` bytes: enough for the parser to refuse a larger file by its size,
 * without reading a huge file (or a device that never ends) into memory.
 */
async function readLimited(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/**
 * Reads and validates one file; never throws (an unreadable file is an issue too). The bytes go
 * to the parser as they are, as the API and ingest hand over theirs, so all three decide alike.
 */
export async function checkSpecFile(file: string, cwd: string): Promise<CheckedFile> {
  let bytes: Buffer;
  try {
    bytes = await readLimited(resolve(cwd, file), MAX_SPEC_FILE_BYTES);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : error instanceof Error
            ? error.message
            : String(error);
    return { ok: false, file, issues: [{ path: '(file)', message: `cannot be read: ${reason}` }] };
  }
  const result = parseSpecDocuments(bytes, { filename: file });
  // Accepted bytes are UTF-8 (a leading byte order mark is dropped), so this decoding is exact.
  return result.ok
    ? {
        ok: true,
        spec: { file, text: new TextDecoder().decode(bytes), documents: result.documents },
      }
    : { ok: false, file, issues: result.issues };
}

/** Every issue of every invalid file, as `file:line:col: path: message` lines. */
export function issueLines(checked: readonly CheckedFile[]): string[] {
  return checked.flatMap((c) => (c.ok ? [] : c.issues.map((issue) => issueLine(c.file, issue))));
}

function located(checked: readonly CheckedFile[]): FieldIssue[] {
  return checked.flatMap((c) => (c.ok ? [] : c.issues.map((issue) => locateIssue(c.file, issue))));
}

/**
 * Reads and validates every file; throws a {@link CliError} (exit 2) listing every issue of
 * every file when any is invalid, so nothing is sent to the API on a known-bad input.
 */
export async function loadSpecFiles(files: readonly string[], cwd: string): Promise<SpecFile[]> {
  const checked = await Promise.all(files.map((file) => checkSpecFile(file, cwd)));
  const invalid = checked.filter((c) => !c.ok);
  if (invalid.length > 0) {
    const issues = located(checked);
    throw new CliError(
      `${invalid.length} of ${checked.length} spec file${checked.length === 1 ? '' : 's'} ${invalid.length === 1 ? 'is' : 'are'} invalid (${issues.length} problem${issues.length === 1 ? '' : 's'})`,
      {
        exitCode: EXIT.INVALID,
        issues,
        remedy: 'Fix the problems listed (`fjc validate` checks files offline) and run again.',
      },
    );
  }
  return checked.flatMap((c) => (c.ok ? [c.spec] : []));
}

/**
 * The warnings of a valid file's jobs, one line each (`file: warning: FlinkJob/name: path:
 * message`): things that validate but cannot work as written.
 */
export function warningLines(spec: SpecFile): string[] {
  return spec.documents.flatMap((doc) =>
    doc.kind === 'FlinkJob'
      ? specWarnings(doc).map(
          (w) => `${spec.file}: warning: FlinkJob/${doc.metadata.name}: ${w.path}: ${w.message}`,
        )
      : [],
  );
}

/** The content type to send a spec file's text with. */
export function specContentType(file: string): string {
  return file.toLowerCase().endsWith('.json') ? 'application/json' : 'application/yaml';
}
