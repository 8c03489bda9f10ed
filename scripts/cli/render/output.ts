/**
 * Machine-readable output (`-o json`, `-o yaml`): the API's response as it came, so that
 * scripts see the same fields the API documents.
 */
import { stringify } from 'yaml';

/** The output formats of commands that show resources. */
export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A value as JSON (indented) or YAML, ending with a newline. */
export function formatValue(value: unknown, format: 'json' | 'yaml'): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  // Long strings (paths, messages) stay on one line: folded YAML is hard to copy.
  return stringify(value, { lineWidth: 0 });
}
