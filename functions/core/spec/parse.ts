/**
 * Reading spec files: YAML (documents separated by `---`) or JSON (one object or an array of
 * them) into validated documents. Parsing never throws; it reports every problem of every
 * document at once, because fixing a file one error per round trip wastes everyone's time.
 */
import {
  isScalar,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  type Document,
  type YAMLError,
} from 'yaml';
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../commons/errors.js';
import { API_VERSION } from './common.js';
import {
  SPEC_KINDS,
  specDocumentSchema,
  type SpecDocument,
  type SpecDocumentInput,
} from './document.js';
import { findProtoKeys, formatPath, specErrorMap, toFieldIssues } from './issues.js';

/** Where spec text came from; the file name picks the format and names the file in errors. */
export interface SpecSource {
  /** File name or path; `.json` means JSON, `.yaml`/`.yml` YAML, anything else is sniffed. */
  filename?: string;
}

/** The outcome of parsing: every document, or every problem. */
export type ParseResult =
  | { readonly ok: true; readonly documents: SpecDocument[] }
  | { readonly ok: false; readonly issues: FieldIssue[] };

/** Larger input is refused before parsing: a spec is a few kilobytes, a DynamoDB item ≤ 400 KB. */
export const MAX_SPEC_TEXT_LENGTH = 1_048_576;
/** More documents than this in one file is a mistake (or an attack), not a fleet. */
export const MAX_DOCUMENTS = 1_000;
/** Aliases may expand a small file into a huge value ("billion laughs"); this caps them. */
const MAX_ALIAS_COUNT = 100;

/** Finds the source position of a path inside one document, if known. */
type Locator = (path: readonly PropertyKey[]) => string | undefined;

interface RawDocument {
  /** Position of the document in the file, counting from 0; used in issue paths. */
  readonly index: number;
  readonly value: unknown;
  readonly locate: Locator;
}

type ReadResult = { ok: true; raws: RawDocument[] } | { ok: false; issues: FieldIssue[] };

const noLocation: Locator = () => undefined;

function lineCol(lineCounter: LineCounter, offset: number): string {
  const { line, col } = lineCounter.linePos(offset);
  return `line ${line}, column ${col}`;
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

function readYaml(text: string): ReadResult {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `no` stays a string and `0777` a decimal, unlike YAML 1.1.
  const docs = parseAllDocuments(text, {
    lineCounter,
    version: '1.2',
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    stringKeys: true,
    prettyErrors: false,
  });
  const issues: FieldIssue[] = [];
  const raws: RawDocument[] = [];
  docs.forEach((doc, index) => {
    const errors = syntaxIssues(doc.errors, index, lineCounter, 'YAML');
    if (errors.length > 0) {
      issues.push(...errors);
      return;
    }
    // An empty document (a trailing `---`, only comments, or `null`) declares nothing.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    try {
      raws.push({
        index,
        value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }),
        locate: yamlLocator(doc, lineCounter, []),
      });
    } catch (error) {
      issues.push({
        path: `documents[${index}]`,
        message: `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, raws };
}

function jsonSyntaxIssue(text: string, error: unknown): FieldIssue {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message)?.[1];
  let where = '';
  if (position !== undefined) {
    const lineCounter = new LineCounter();
    let start = 0;
    for (const line of text.split('\n')) {
      lineCounter.addNewLine(start);
      start += line.length + 1;
    }
    where = ` at ${lineCol(lineCounter, Number(position))}`;
  }
  return { path: 'documents', message: `JSON syntax error${where}: ${message}` };
}

function readJson(text: string, value: unknown): ReadResult {
  // JSON.parse keeps the last of duplicate keys silently; the YAML parser (JSON is YAML 1.2)
  // finds them and knows where every node is.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    version: '1.2',
    uniqueKeys: true,
    prettyErrors: false,
  });
  const duplicates = doc.errors.filter((error) => error.code === 'DUPLICATE_KEY');
  if (duplicates.length > 0) {
    return { ok: false, issues: syntaxIssues(duplicates, 0, lineCounter, 'JSON') };
  }
  const usable = doc.errors.length === 0;
  const locatorAt = (base: readonly PropertyKey[]): Locator =>
    usable ? yamlLocator(doc, lineCounter, base) : noLocation;
  if (Array.isArray(value)) {
    return {
      ok: true,
      raws: value.map((item: unknown, index) => ({
        index,
        value: item,
        locate: locatorAt([index]),
      })),
    };
  }
  return { ok: true, raws: [{ index: 0, value, locate: locatorAt([]) }] };
}

function isJsonFilename(filename: string | undefined): boolean | undefined {
  if (filename === undefined) return undefined;
  const lower = filename.toLowerCase();
  if (lower.endsWith('.json')) return true;
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return false;
  return undefined;
}

function read(text: string, source: SpecSource): ReadResult {
  const declaredJson = isJsonFilename(source.filename);
  const looksJson = declaredJson ?? /^\s*[[{]/.test(text);
  if (!looksJson) return readYaml(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Sniffed, not declared: `{a: 1}` is a YAML flow mapping, so let YAML have a go.
    return declaredJson === true
      ? { ok: false, issues: [jsonSyntaxIssue(text, error)] }
      : readYaml(text);
  }
  return readJson(text, value);
}

/** A member of a value that may not be an object at all. */
function member(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function validateOne(raw: RawDocument): { document?: SpecDocument; issues: FieldIssue[] } {
  const prefix = ['documents', raw.index];
  const result = specDocumentSchema.safeParse(raw.value, {
    error: specErrorMap,
    reportInput: true,
  });
  const protoIssues = findProtoKeys(raw.value).map((path) => {
    const where = raw.locate(path);
    return {
      path: formatPath([...prefix, ...path]),
      message: `is not allowed as a key${where === undefined ? '' : ` (${where})`}`,
    };
  });
  if (result.success && protoIssues.length === 0) return { document: result.data, issues: [] };
  const issues = [
    ...(result.success ? [] : toFieldIssues(result.error.issues, prefix, raw.locate)),
    ...protoIssues,
  ];
  // With an unknown kind the union stops at the kind; still say when apiVersion is wrong too.
  const kindIssue =
    !result.success && result.error.issues.some((issue) => issue.path.join('.') === 'kind');
  const apiVersion = member(raw.value, 'apiVersion');
  if (kindIssue && apiVersion !== API_VERSION) {
    const where = raw.locate(['apiVersion']);
    issues.unshift({
      path: formatPath([...prefix, 'apiVersion']),
      message: `must be "${API_VERSION}"${where === undefined ? '' : ` (${where})`}`,
    });
  }
  return { issues };
}

/** Names must be unique per kind: a second document with the same name would overwrite the first. */
function duplicateNameIssues(raws: readonly RawDocument[]): FieldIssue[] {
  const seen = new Map<string, number>();
  const issues: FieldIssue[] = [];
  for (const raw of raws) {
    const kind = member(raw.value, 'kind');
    const name = member(member(raw.value, 'metadata'), 'name');
    if (typeof kind !== 'string' || typeof name !== 'string') continue;
    const key = `${kind}/${name}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, raw.index);
      continue;
    }
    const where = raw.locate(['metadata', 'name']);
    issues.push({
      path: formatPath(['documents', raw.index, 'metadata', 'name']),
      message: `duplicate ${kind} name "${name}": already used by documents[${first}]${where === undefined ? '' : ` (${where})`}`,
    });
  }
  return issues;
}

function validateRaw(raws: readonly RawDocument[]): ParseResult {
  if (raws.length === 0) {
    return {
      ok: false,
      issues: [
        {
          path: 'documents',
          message: `no documents found; expected ${SPEC_KINDS.join(' or ')} documents`,
        },
      ],
    };
  }
  if (raws.length > MAX_DOCUMENTS) {
    return {
      ok: false,
      issues: [
        {
          path: 'documents',
          message: `at most ${MAX_DOCUMENTS} documents are allowed per file, got ${raws.length}`,
        },
      ],
    };
  }
  const documents: SpecDocument[] = [];
  const issues: FieldIssue[] = [];
  for (const raw of raws) {
    const result = validateOne(raw);
    if (result.document !== undefined) documents.push(result.document);
    issues.push(...result.issues);
  }
  issues.push(...duplicateNameIssues(raws));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, documents };
}

/**
 * Parses and validates spec text. Never throws: every YAML/JSON syntax error and every schema
 * violation of every document comes back in `issues`, each with a path like
 * `documents[1].spec.parallelism` and, for YAML and JSON text, its line and column.
 *
 * Documents are numbered by their position in the file; empty YAML documents (a trailing
 * `---`) are skipped but keep their number.
 */
export function parseSpecDocuments(text: string, source: SpecSource = {}): ParseResult {
  try {
    if (text.length > MAX_SPEC_TEXT_LENGTH) {
      return {
        ok: false,
        issues: [
          {
            path: 'documents',
            message: `the spec text is larger than ${MAX_SPEC_TEXT_LENGTH} characters`,
          },
        ],
      };
    }
    const decoded = read(text, source);
    return decoded.ok ? validateRaw(decoded.raws) : decoded;
  } catch (error) {
    // Defence in depth for the "never throws" promise: a parser bug becomes an issue.
    return {
      ok: false,
      issues: [
        {
          path: 'documents',
          message: `could not be parsed: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
}

/**
 * Validates documents that are already decoded (e.g. a JSON API body), with the same rules and
 * paths as {@link parseSpecDocuments} but without source positions.
 */
export function validateSpecDocuments(values: readonly unknown[]): ParseResult {
  return validateRaw(values.map((value, index) => ({ index, value, locate: noLocation })));
}

/**
 * Like {@link parseSpecDocuments}, but returns the documents or throws a {@link ValidationError}
 * listing every issue.
 */
export function parseSpecDocumentsOrThrow(text: string, source: SpecSource = {}): SpecDocument[] {
  const result = parseSpecDocuments(text, source);
  if (result.ok) return result.documents;
  const file = source.filename ?? 'spec';
  const count = result.issues.length;
  throw new ValidationError(`${file} has ${count} problem${count === 1 ? '' : 's'}`, result.issues);
}

/**
 * The input form of a validated document: durations back as text, defaults kept explicit.
 * Validating the result gives the same document again, so it is safe to store.
 */
export function encodeSpecDocument(document: SpecDocument): SpecDocumentInput {
  return z.encode(specDocumentSchema, document);
}
