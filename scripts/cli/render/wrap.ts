/**
 * Long text for people: wrapped at word boundaries to a width, never cut. An error message or a
 * history entry is read in full on call; a terminal that cuts it mid-word hides the one clause
 * that mattered.
 */

/** The width output is wrapped to: `$COLUMNS` when set sensibly, else 120. */
export function outputWidth(env: Readonly<Record<string, string | undefined>>): number {
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns >= 40 && columns <= 1000 ? columns : 120;
}

/**
 * `text` as lines of at most `width` characters, broken at spaces; a word longer than the width
 * (a path, a URL) is split, since cutting it would lose part of it. Line breaks in the text are
 * kept.
 */
export function wrapText(text: string, width: number): string[] {
  const max = Math.max(10, width);
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      let rest = word;
      if (line !== '' && line.length + 1 + rest.length <= max) {
        line = `${line} ${rest}`;
        continue;
      }
      if (line !== '') lines.push(line);
      while (rest.length > max) {
        lines.push(rest.slice(0, max));
        rest = rest.slice(max);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * A labelled value whose continuation lines are indented under the value's first character, as
 * `kubectl describe` shows long fields.
 */
export function hangingIndent(prefix: string, text: string, width: number): string {
  const pad = ' '.repeat(prefix.length);
  return wrapText(text, width - prefix.length)
    .map((line, index) => `${index === 0 ? prefix : pad}${line}`.trimEnd())
    .join('\n');
}
