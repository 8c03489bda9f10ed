/**
 * How a failed command explains itself on stderr: the message, every field issue, the remedy
 * and the API's correlation id. Stack traces only with `FJC_DEBUG=1`: they help developers of
 * fjc, not its users.
 */
import { CommanderError } from 'commander';
import { CliError, EXIT } from '../errors.js';

/** The lines that describe an error, and the exit code it stands for. */
export function describeError(
  error: unknown,
  debug: boolean,
): { lines: string[]; exitCode: number } {
  if (error instanceof CliError) {
    const lines = [`error: ${error.message}`];
    for (const issue of error.issues) lines.push(`  ${issue.path}: ${issue.message}`);
    if (error.remedy !== undefined) lines.push(`remedy: ${error.remedy}`);
    if (error.details.length > 0) lines.push(`(${error.details.join(', ')})`);
    if (debug && error.stack !== undefined) lines.push(error.stack);
    if (debug && error.cause instanceof Error)
      lines.push(`cause: ${error.cause.stack ?? error.cause.message}`);
    return { lines, exitCode: error.exitCode };
  }
  if (error instanceof CommanderError)
    // Commander has already printed its message (usage errors are invalid input).
    return { lines: [], exitCode: error.exitCode === 0 ? EXIT.OK : EXIT.INVALID };
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`error: ${message}`];
  if (debug && error instanceof Error && error.stack !== undefined) lines.push(error.stack);
  else lines.push('(run with FJC_DEBUG=1 for details)');
  return { lines, exitCode: EXIT.FAILED };
}
