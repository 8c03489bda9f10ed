/**
 * Field issues as lines a terminal and an editor understand: `file:line:col: path: message`,
 * the convention of compilers and linters, so a click or `:cfile` jumps to the mistake.
 */
import type { FieldIssue } from '../../../functions/commons/errors.js';

/** The parser appends `(line L, column C)` to messages of issues it can locate. */
const LOCATION_SUFFIX = /\s*\(line (\d+), column (\d+)\)$/;
/** Syntax errors say `... at line L, column C: ...` inside the message instead. */
const LOCATION_INSIDE = /\bat line (\d+), column (\d+)\b/;

/**
 * An issue of a spec file re-located: `where` is `file:line:col: path` (or `file: path` when the
 * parser does not know the position), `message` the message without the position suffix.
 */
export function locateIssue(file: string, issue: FieldIssue): FieldIssue {
  const suffix = LOCATION_SUFFIX.exec(issue.message);
  if (suffix !== null)
    return {
      path: `${file}:${suffix[1] ?? ''}:${suffix[2] ?? ''}: ${issue.path}`,
      message: issue.message.slice(0, suffix.index),
    };
  const inside = LOCATION_INSIDE.exec(issue.message);
  if (inside !== null)
    return {
      path: `${file}:${inside[1] ?? ''}:${inside[2] ?? ''}: ${issue.path}`,
      message: issue.message,
    };
  return { path: `${file}: ${issue.path}`, message: issue.message };
}

/** One issue of a spec file as a line. */
export function issueLine(file: string, issue: FieldIssue): string {
  const located = locateIssue(file, issue);
  return `${located.path}: ${located.message}`;
}
