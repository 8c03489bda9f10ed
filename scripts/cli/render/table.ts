/**
 * Plain-text tables in the style of kubectl: upper-case headers, columns padded to their widest
 * cell, three spaces apart, no borders, so that `grep` and `awk` work on the output.
 */

/** A missing value in a table cell. */
export const NONE = '-';

/**
 * Renders rows under headers. Empty cells show as {@link NONE}; lines carry no trailing spaces.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cells = [headers, ...rows].map((row) =>
    headers.map((_, index) => {
      const value = row[index] ?? '';
      return value === '' ? NONE : value;
    }),
  );
  const widths = headers.map((_, index) =>
    Math.max(...cells.map((row) => row[index]?.length ?? 0)),
  );
  return cells
    .map((row) =>
      row
        .map((cell, index) => cell.padEnd(widths[index] ?? 0))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}
