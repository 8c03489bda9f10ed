/**
 * Turns what Flink sends back on failure (stack dumps inside `errors[]`, `stack-trace` of a
 * failure cause) into one readable sentence: the top message plus the root cause. People act
 * on the root cause ("ClassNotFoundException: com.acme.Job"), never on 80 frames of Netty.
 */
import { MAX_STORED_ERROR_LENGTH, storedErrorText } from '../core/error-text.js';

/** As long as a cause stored on a job may be: a longer one would be cut again there. */
const MAX_LENGTH = MAX_STORED_ERROR_LENGTH;
const GENERIC = new Set(['internal server error.', '<exception on server side:']);
const FRAME = /^\s*(at |\.\.\. \d+ more|<\/?exception|End of exception on server side>)/i;

/** A throwable's first line: `[package.]SomeException[: message]` (Java or Python). */
const HEADER = /^(?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error|Throwable)\b/;

/** One line per Java throwable in a stack dump: `Type: message`, outermost first. */
function throwableLines(text: string): string[] {
  const lines: string[] = [];
  let inThrowable = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || FRAME.test(raw) || GENERIC.has(line.toLowerCase())) continue;
    if (line.startsWith('Caused by: ')) {
      lines.push(simplify(line.slice('Caused by: '.length)));
      inThrowable = true;
    } else if (lines.length === 0 || !/^\s/.test(raw)) {
      // Under a throwable, a line that starts no new one continues its message (Flink lists a
      // table's options or the available connectors there): it is no cause of its own.
      if (inThrowable && !HEADER.test(line)) continue;
      lines.push(simplify(line));
      inThrowable = HEADER.test(line);
    }
  }
  return lines;
}

/** `org.apache.flink.Foo: msg` → `Foo: msg`; the package adds length, not meaning. */
function simplify(line: string): string {
  return line.replace(/^(?:[a-z_$][\w$]*\.)+([A-Z][\w$]*(?:Exception|Error|Throwable)\b)/, '$1');
}

/** Bounded at a word boundary (never mid-word, as `Could not execute applicatio` was). */
function clip(text: string): string {
  return storedErrorText(text, MAX_LENGTH);
}

/** Outermost message and root cause of a Java stack trace, joined; `fallback` when empty. */
export function summarizeThrowable(stackTrace: string, fallback = 'no reason given'): string {
  const lines = throwableLines(stackTrace);
  const first = lines[0];
  if (first === undefined) return fallback;
  const root = lines[lines.length - 1];
  return clip(root === undefined || root === first ? first : `${first} (root cause: ${root})`);
}

/** A readable reason from Flink's `errors[]` array. */
export function summarizeFlinkErrors(errors: readonly string[]): string {
  return summarizeThrowable(errors.join('\n'), 'Flink gave no reason');
}
