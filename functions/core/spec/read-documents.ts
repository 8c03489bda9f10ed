/**
 * Spec text (YAML documents separated by `---`, or JSON: one object or an array of them) into
 * raw documents, within the read's budget: parsed with the guards of parse-yaml.ts, checked by
 * check-tree.ts, and only then turned into values.
 */
import { isScalar, type Document, type LineCounter, type YAMLError } from 'yaml';
import type { FieldIssue } from '../../commons/errors.js';
import type { IssueList, ReadBudget } from './budget.js';
import { checkTree } from './check-tree.js';
import { lineCol, parseText } from './parse-yaml.js';

/** Finds the source position of a path inside one document, if known. */
export type Locator = (path: readonly PropertyKey[]) => string | undefined;

/** One document of a file, before validation. */
export interface RawDocument {
  /** Position of the document in the file, counting from 0; used in issue paths. */
  readonly index: number;
  readonly value: unknown;
  readonly locate: Locator;
}

export const noLocation: Locator = () => undefined;

function syntaxIssues(
  errors: readonly YAMLError[],
  index: number,
  lineCounter: LineCounter,
  format: 'YAML' | 'JSON',
): FieldIssue[] {
  return errors.map((error) => {
    // Only the first line: with more, the message would repeat the source around the error.
    const message = error.message.split('\n')[0] ?? error.message;
    return {
      path: `documents[${index}]`,
      message: `${format} syntax error at ${lineCol(lineCounter, error.pos[0])}: ${message}`,
    };
  });
}

/**
 * A locator for a YAML document: the position of the deepest node on the path that exists, so
 * that a missing field points at the mapping that should contain it.
 */
function yamlLocator(
  doc: Document,
  lineCounter: LineCounter,
  base: readonly PropertyKey[],
): Locator {
  return (path) => {
    const full = [...base, ...path];
    for (let length = full.length; length >= 0; length--) {
      const node: unknown = length === 0 ? doc.contents : doc.getIn(full.slice(0, length), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range !== undefined) return lineCol(lineCounter, range[0]);
    }
    return undefined;
  };
}

/** Reads YAML text; problems go to `issues`, and no document is returned when there are any. */
export function readYaml(text: string, budget: ReadBudget, issues: IssueList): RawDocument[] {
  const parsed = parseText(text, budget);
  const { lineCounter } = parsed;
  issues.addAll(syntaxIssues(parsed.streamErrors, 0, lineCounter, 'YAML'));
  const raws: RawDocument[] = [];
  parsed.documents.forEach((doc, index) => {
    // Unresolved tags are reported by checkTag, by the name the user wrote.
    const warnings = doc.warnings.filter((warning) => warning.code !== 'TAG_RESOLVE_FAILED');
    // The tree is checked even with syntax errors: a tag or an alias is often their cause, and
    // is worth naming.
    checkTree(parsed, doc, index, budget, issues);
    issues.addAll(syntaxIssues([...doc.errors, ...warnings], index, lineCounter, 'YAML'));
    // An empty document (a trailing `---`, only comments, or `null`) declares nothing.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    if (!issues.empty) return;
    raws.push({
      index,
      // Aliases were counted and cycles refused above; the library's own count is stricter.
      value: doc.toJS({ maxAliasCount: -1 }),
      locate: yamlLocator(doc, lineCounter, []),
    });
  });
  return issues.empty ? raws : [];
}

/**
 * Reads JSON text already decoded by JSON.parse. JSON.parse keeps the last of duplicate keys
 * silently; reading the same text as YAML (JSON is YAML 1.2) finds them, charges the budget and
 * knows where every node is.
 */
export function readJson(
  text: string,
  value: unknown,
  budget: ReadBudget,
  issues: IssueList,
): RawDocument[] {
  const parsed = parseText(text, budget);
  const doc = parsed.documents[0];
  if (doc !== undefined) checkTree(parsed, doc, 0, budget, issues, Array.isArray(value));
  if (!issues.empty) return [];
  const usable = doc?.errors.length === 0 && parsed.documents.length === 1;
  const locatorAt = (base: readonly PropertyKey[]): Locator =>
    usable ? yamlLocator(doc, parsed.lineCounter, base) : noLocation;
  if (Array.isArray(value))
    return value.map((item: unknown, index) => ({
      index,
      value: item,
      locate: locatorAt([index]),
    }));
  return [{ index: 0, value, locate: locatorAt([]) }];
}
