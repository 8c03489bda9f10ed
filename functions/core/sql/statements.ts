/**
 * A SQL job's script as the statements the Flink SQL Gateway runs one by one: its REST API takes
 * one statement per call, so fjc splits the script the way Flink's SQL client does, on semicolons
 * outside quotes, identifiers and comments, and keeps an `EXECUTE STATEMENT SET BEGIN … END`
 * block whole (its inner semicolons end its INSERTs, not the block).
 */

const STATEMENT_SET = /^EXECUTE\s+STATEMENT\s+SET\b/i;
const BLOCK_END = /\bEND$/i;

/** `text` without comments and outer whitespace: what decides where a statement ends. */
function codeOf(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
      out += ' ';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const end = closingQuote(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    out += c ?? '';
    i++;
  }
  return out.trim();
}

/** The index just past the quote that closes the one at `start` (a doubled quote escapes). */
export function closingQuote(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return text.length;
}

/**
 * The statements of `script`, in order, each without its closing semicolon and outer whitespace.
 * Statements that hold only comments are dropped. An unterminated quote or comment runs to the
 * end of the script, where Flink's parser reports it.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const flush = (end: number): void => {
    const text = script.slice(start, end).trim();
    if (codeOf(text) !== '') statements.push(text);
  };
  while (i < script.length) {
    const c = script[i];
    if (c === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end;
      continue;
    }
    if (c === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? script.length : end + 2;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      i = closingQuote(script, i);
      continue;
    }
    if (c === ';') {
      const code = codeOf(script.slice(start, i));
      // Inside a statement set, a semicolon ends one of its INSERTs; the block ends at END.
      if (!STATEMENT_SET.test(code) || BLOCK_END.test(code)) {
        flush(i);
        start = i + 1;
      }
    }
    i++;
  }
  flush(script.length);
  return statements;
}
