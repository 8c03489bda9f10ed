/**
 * Parsing YAML (and JSON, which is YAML 1.2) into syntax trees within the read's budget. The
 * library's parser keeps its own stack, but its composer and everything after it recurse over
 * the tree; so nesting and the number of keys and values are watched token by token, and the
 * parse stops before a hostile tree exists.
 */
import { Composer, CST, Lexer, LineCounter, Parser, type Document, type YAMLError } from 'yaml';
import { SpecLimitError, type ReadBudget } from './budget.js';

/** Lexemes that start a key or value; block collections have none, so this undercounts. */
const NODE_LEXEMES = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'alias',
  'flow-map-start',
  'flow-seq-start',
]);

/**
 * The parser's stack holds the document, the open collections and a pending scalar or two; it
 * may exceed the nesting depth by this much. Beyond it the nesting is certainly too deep.
 */
const STACK_SLACK = 4;

const COMPOSE_OPTIONS = {
  version: '1.2',
  // YAML 1.2 core schema: `no` stays a string and `0777` a decimal, unlike YAML 1.1.
  schema: 'core',
  merge: false,
  // `!!binary`, `!!set`, `!!timestamp`… stay unresolved: checkTag refuses them by name.
  resolveKnownTags: false,
  // Duplicate keys are found by checkTree with one set per mapping; the library compares pairs.
  uniqueKeys: false,
  stringKeys: true,
  prettyErrors: false,
} as const;

/** `line L, column C` of an offset, the form every located message uses. */
export function lineCol(lineCounter: LineCounter, offset: number): string {
  const { line, col } = lineCounter.linePos(offset);
  return `line ${line}, column ${col}`;
}

/** The message for nesting beyond the limit, wherever it is found. */
export function tooDeepMessage(depth: number, where?: string): string {
  return `is nested more than ${depth} levels deep${where === undefined ? '' : ` at ${where}`}; specs need about five: flatten it`;
}

/** A tag as written, with its offset: messages name tags as the user wrote them. */
export interface TagLexeme {
  offset: number;
  source: string;
}

/** What parsing one text produced besides the documents. */
export interface Parsed {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
  tags: TagLexeme[];
  streamErrors: readonly YAMLError[];
}

/**
 * Lexes and parses into syntax-tree tokens, stopping as soon as nesting or the number of keys and
 * values passes its limit, before the library recurses over the tree.
 */
function* guardedTokens(
  text: string,
  lineCounter: LineCounter,
  budget: ReadBudget,
  tags: TagLexeme[],
): Generator<CST.Token> {
  const { depth, nodes } = budget.limits;
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  let counted = 0;
  let documents = 0;
  for (const lexeme of new Lexer().lex(text)) {
    budget.tick();
    const type = CST.tokenType(lexeme);
    if (type === 'tag') tags.push({ offset: parser.offset, source: lexeme });
    else if (type !== null && NODE_LEXEMES.has(type) && ++counted > nodes)
      budget.countNodes(counted);
    for (const token of parser.next(lexeme)) {
      if (token.type === 'document') documents += 1;
      yield token;
    }
    if (parser.stack.length > depth + STACK_SLACK)
      throw new SpecLimitError({
        path: `documents[${documents}]`,
        message: tooDeepMessage(depth, lineCol(lineCounter, parser.offset)),
      });
  }
  yield* parser.end();
}

/**
 * Parses every document of `text` with the core schema, within `budget`.
 * @throws SpecLimitError when nesting, the number of keys and values or CPU time runs out.
 */
export function parseText(text: string, budget: ReadBudget): Parsed {
  const lineCounter = new LineCounter();
  const tags: TagLexeme[] = [];
  const composer = new Composer(COMPOSE_OPTIONS);
  const documents = Array.from(composer.compose(guardedTokens(text, lineCounter, budget, tags)));
  return { documents, lineCounter, tags, streamErrors: composer.streamInfo().errors };
}
