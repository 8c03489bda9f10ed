/**
 * Checks of a document's syntax tree before it becomes values: tags, duplicate keys (one set
 * per mapping, never pairwise), aliases (how many, whether they loop, what they expand to).
 * Aliases are charged the size of what they refer to, computed once, so a small file cannot make
 * any later walk visit a node more often than the budget allows.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document } from 'yaml';
import type { FieldIssue } from '../../commons/errors.js';
import type { IssueList, ReadBudget } from './budget.js';
import { formatPath } from './issues.js';
import { lineCol, type Parsed, type TagLexeme } from './parse-yaml.js';

/** Tags of the YAML core schema; every other tag asks for a type fjc does not have. */
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`),
);

/** The tag lexeme of a node that starts at `offset`: the last tag written before it. */
function tagBefore(tags: readonly TagLexeme[], offset: number): TagLexeme | undefined {
  let low = 0;
  let high = tags.length - 1;
  let found: TagLexeme | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const tag = tags[middle];
    if (tag !== undefined && tag.offset < offset) {
      found = tag;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** State of the check of one document's tree. */
interface TreeCheck {
  readonly index: number;
  readonly parsed: Parsed;
  readonly budget: ReadBudget;
  readonly issues: IssueList;
  readonly anchors: Map<string, unknown>;
  /** Keys and values a node stands for, aliases expanded; known once the node is checked. */
  readonly sizes: Map<unknown, number>;
  /** Collections being checked: an alias to one of them would make the value contain itself. */
  readonly open: Set<unknown>;
  aliases: number;
}

/** Where a node starts: its tag when it has one, else its value. */
function offsetOf(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

/** An issue about the node at `path`, located at `offset` (the node's start by default). */
function nodeIssue(
  check: TreeCheck,
  path: readonly PropertyKey[],
  offset: number | undefined,
  message: string,
): FieldIssue {
  const where = offset === undefined ? '' : ` (${lineCol(check.parsed.lineCounter, offset)})`;
  return { path: formatPath(['documents', check.index, ...path]), message: `${message}${where}` };
}

function report(
  check: TreeCheck,
  path: readonly PropertyKey[],
  offset: number | undefined,
  message: string,
): void {
  check.issues.addLazily(() => nodeIssue(check, path, offset, message));
}

function checkTag(check: TreeCheck, path: readonly PropertyKey[], node: unknown): void {
  const tag = (node as { tag?: string }).tag;
  if (tag === undefined || CORE_TAGS.has(tag)) return;
  const start = offsetOf(node);
  const written = start === undefined ? undefined : tagBefore(check.parsed.tags, start);
  report(
    check,
    path,
    written?.offset ?? start,
    `has the YAML tag ${written?.source ?? tag}; tags are not allowed in specs: remove it and write the value as plain text`,
  );
}

/** The key of a pair as the value will have it, or `undefined` for keys that are not scalars. */
function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

/**
 * Checks a node of the tree and returns how many keys and values it stands for, charging them
 * to the budget. Aliases are charged the size of what they refer to, which is known (anchors
 * come first), so nothing is walked twice however often it is referred to.
 */
function checkNode(check: TreeCheck, node: unknown, path: PropertyKey[]): number {
  check.budget.tick();
  if (node === null || node === undefined) {
    check.budget.countNodes(1);
    return 1;
  }
  if (isAlias(node)) {
    const { aliases, nodes } = check.budget.limits;
    check.aliases += 1;
    if (check.aliases === aliases + 1)
      report(
        check,
        path,
        offsetOf(node),
        `uses more than ${aliases} aliases; write the values out`,
      );
    const target = check.anchors.get(node.source);
    if (target === undefined) {
      report(
        check,
        path,
        offsetOf(node),
        `*${node.source} refers to no anchor before it (&${node.source})`,
      );
      return 1;
    }
    if (check.open.has(target)) {
      report(check, path, offsetOf(node), `*${node.source} refers to a node that contains it`);
      return 1;
    }
    const size = check.sizes.get(target) ?? 1;
    check.budget.countNodes(size, () =>
      nodeIssue(
        check,
        path,
        offsetOf(node),
        `aliases expand to more than ${nodes} keys and values; write the values out instead of repeating them with aliases`,
      ),
    );
    return size;
  }
  checkTag(check, path, node);
  const anchor = (node as { anchor?: string }).anchor;
  if (anchor !== undefined) check.anchors.set(anchor, node);
  let size = 1;
  check.budget.countNodes(1);
  if (isMap(node)) {
    check.open.add(node);
    const seen = new Map<string, unknown>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = keyText(pair.key);
      size += checkNode(check, pair.key, [...path, key ?? '?']);
      if (key !== undefined) {
        const first = seen.get(key);
        if (first === undefined) seen.set(key, pair.key);
        else {
          const firstAt = offsetOf(first);
          const at =
            firstAt === undefined
              ? ''
              : ` (first at ${lineCol(check.parsed.lineCounter, firstAt)})`;
          report(
            check,
            [...path, key],
            offsetOf(pair.key),
            `duplicate key ${JSON.stringify(key)}${at}`,
          );
        }
      }
      size += checkNode(check, pair.value, [...path, key ?? '?']);
    }
    check.open.delete(node);
  } else if (isSeq(node)) {
    check.open.add(node);
    node.items.forEach((item, index) => {
      size += checkNode(check, item, [...path, index]);
    });
    check.open.delete(node);
  }
  check.sizes.set(node, size);
  return size;
}

/**
 * Checks the tree of one document; with `documentList`, a top-level list is a list of documents
 * (JSON), each checked under its own index.
 */
export function checkTree(
  parsed: Parsed,
  doc: Document.Parsed,
  index: number,
  budget: ReadBudget,
  issues: IssueList,
  documentList = false,
): void {
  const roots = documentList && isSeq(doc.contents) ? doc.contents.items : [doc.contents];
  roots.forEach((root, offset) => {
    const check: TreeCheck = {
      index: index + offset,
      parsed,
      budget,
      issues,
      anchors: new Map(),
      sizes: new Map(),
      open: new Set(),
      aliases: 0,
    };
    checkNode(check, root, []);
  });
}
