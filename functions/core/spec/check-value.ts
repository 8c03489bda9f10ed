/**
 * Checks of a decoded document that the schema cannot make: keys that would replace prototypes,
 * characters that do not belong in a spec, nesting, cycles, and a size the store would refuse.
 * They run before the schema, so the schema only ever sees small, acyclic, shallow values.
 */
import type { IssueList, ReadBudget } from './budget.js';
import {
  characterKind,
  codePointName,
  findRefusedCharacter,
  findRefusedKeyCharacter,
} from './characters.js';
import { formatPath } from './issues.js';
import { tooDeepMessage } from './parse-yaml.js';
import type { RawDocument } from './read-documents.js';

const PROTO_KEY = '__proto__';

/** What the walk of one document found that stops it from being validated further. */
export interface ValueCheck {
  /** Nesting, a cycle or the size is beyond what the schema should be asked to look at. */
  readonly blocked: boolean;
}

interface Walk {
  readonly raw: RawDocument;
  readonly budget: ReadBudget;
  readonly issues: IssueList;
  /** Charge keys and values to the budget: only when no syntax tree was charged for them. */
  readonly countNodes: boolean;
  /** Collections on the way down from the root: a value that contains itself is refused. */
  readonly ancestors: Set<object>;
  /** Lower bound of the document's JSON size: what the store will measure, escapes aside. */
  bytes: number;
  blocked: boolean;
}

function report(walk: Walk, path: readonly PropertyKey[], message: string): void {
  walk.issues.addLazily(() => {
    const where = walk.raw.locate(path);
    return {
      path: formatPath(['documents', walk.raw.index, ...path]),
      message: where === undefined ? message : `${message} (${where})`,
    };
  });
}

function characterMessage(char: string, subject: string): string {
  return `${subject} the ${characterKind(char)} ${codePointName(char)}: remove it`;
}

function checkString(walk: Walk, path: readonly PropertyKey[], text: string): void {
  walk.bytes += Buffer.byteLength(text, 'utf8') + 2;
  const refused = findRefusedCharacter(text);
  if (refused !== undefined) report(walk, path, characterMessage(refused.char, 'contains'));
}

function checkKey(walk: Walk, path: readonly PropertyKey[], key: string): void {
  walk.bytes += Buffer.byteLength(key, 'utf8') + 3;
  if (key === PROTO_KEY) report(walk, path, 'is not allowed as a key');
  const refused = findRefusedKeyCharacter(key);
  if (refused !== undefined) report(walk, path, characterMessage(refused, 'the key contains'));
}

function visit(walk: Walk, value: unknown, path: PropertyKey[]): void {
  if (walk.blocked) return;
  walk.budget.tick();
  if (walk.countNodes) walk.budget.countNodes(1);
  const limits = walk.budget.limits;
  if (walk.bytes > limits.documentBytes) {
    walk.blocked = true;
    walk.issues.add({
      path: formatPath(['documents', walk.raw.index]),
      message: `is more than ${limits.documentBytes} bytes as stored JSON; the store accepts at most ${limits.documentBytes} bytes per document: move large values out of the spec or split it`,
    });
    return;
  }
  if (typeof value === 'string') {
    checkString(walk, path, value);
    return;
  }
  if (typeof value !== 'object' || value === null) {
    // As JSON.stringify writes it; anything but a finite number or a boolean is at least `null`.
    walk.bytes +=
      typeof value === 'number' && Number.isFinite(value)
        ? String(value).length
        : typeof value === 'boolean'
          ? String(value).length
          : 4;
    return;
  }
  if (path.length >= limits.depth) {
    walk.blocked = true;
    report(walk, path, tooDeepMessage(limits.depth));
    return;
  }
  if (walk.ancestors.has(value)) {
    walk.blocked = true;
    report(walk, path, 'contains itself');
    return;
  }
  walk.ancestors.add(value);
  walk.bytes += 2;
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      if (index > 0) walk.bytes += 1;
      visit(walk, item, [...path, index]);
    });
  } else {
    for (const [index, key] of Object.keys(value).entries()) {
      if (index > 0) walk.bytes += 1;
      checkKey(walk, [...path, key], key);
      visit(walk, (value as Record<string, unknown>)[key], [...path, key]);
    }
  }
  walk.ancestors.delete(value);
}

/**
 * Walks one decoded document, reporting every key and value that does not belong in a spec.
 * Keys and values are charged to the budget only when `countNodes` (values that did not come
 * from a syntax tree, which charges them itself).
 */
export function checkValue(
  raw: RawDocument,
  budget: ReadBudget,
  issues: IssueList,
  countNodes: boolean,
): ValueCheck {
  const walk: Walk = {
    raw,
    budget,
    issues,
    countNodes,
    ancestors: new Set(),
    bytes: 0,
    blocked: false,
  };
  visit(walk, raw.value, []);
  return { blocked: walk.blocked };
}
