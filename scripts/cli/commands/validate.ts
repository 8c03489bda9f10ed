/**
 * `fjc validate FILE…`: offline validation with the API's own parser. Every problem of every
 * file is listed at once, each as `file:line:col: path: message`.
 */
import { EXIT, type ExitCode } from '../errors.js';
import { writeLines, type CliIo } from '../io.js';
import { checkSpecFile, issueLines, warningLines } from '../spec-files.js';

/** Validates files; exit 2 when any is invalid. */
export async function validateCommand(io: CliIo, files: readonly string[]): Promise<ExitCode> {
  const checked = await Promise.all(files.map((file) => checkSpecFile(file, io.cwd)));
  const lines: string[] = [];
  const warnings: string[] = [];
  for (const c of checked) {
    if (!c.ok) {
      lines.push(...issueLines([c]));
      continue;
    }
    const docs = c.spec.documents.map((d) => `${d.kind}/${d.metadata.name}`);
    lines.push(
      `${c.spec.file}: ok (${docs.length} document${docs.length === 1 ? '' : 's'}: ${docs.join(', ')})`,
    );
    warnings.push(...warningLines(c.spec));
  }
  writeLines(io.stdout, lines);
  // Warnings do not make a file invalid: the exit code stays what the problems say.
  if (warnings.length > 0) writeLines(io.stderr, warnings);
  const invalid = checked.filter((c) => !c.ok);
  if (invalid.length === 0) return EXIT.OK;
  const problems = invalid.reduce((sum, c) => sum + c.issues.length, 0);
  writeLines(io.stderr, [
    `${invalid.length} of ${checked.length} file${checked.length === 1 ? '' : 's'} invalid, ${problems} problem${problems === 1 ? '' : 's'}`,
  ]);
  return EXIT.INVALID;
}
