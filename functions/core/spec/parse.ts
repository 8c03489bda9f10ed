/**
 * Reading spec files: YAML (documents separated by `---`) or JSON (one object or an array of
 * them) into validated documents. Every door (the CLI, the API, S3 ingest) hands its raw input
 * to {@link parseSpecDocuments}, so they apply the same limits, decoding and rules by
 * construction. Parsing never throws; it reports every problem of every document at once
 * (up to a cap), because fixing a file one error per round trip wastes everyone's time.
 */
import { LineCounter } from 'yaml';
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../commons/errors.js';
import { IssueList, ReadBudget, SpecLimitError } from './budget.js';
import { checkValue } from './check-value.js';
import { API_VERSION } from './common.js';
import {
  SPEC_KINDS,
  specDocumentSchema,
  type SpecDocument,
  type SpecDocumentInput,
} from './document.js';
import { decodeSpecInput } from './input.js';
import { formatPath, specErrorMap, toFieldIssues } from './issues.js';
import { SPEC_LIMITS, type SpecLimits } from './limits.js';
import { noLocation, readJson, readYaml, type RawDocument } from './read-documents.js';

/** Where spec text came from; the file name picks the format and names the file in errors. */
export interface SpecSource {
  /** File name or path; `.json` means JSON, `.yaml`/`.yml` YAML, anything else is sniffed. */
  filename?: string;
}

/** The outcome of parsing: every document, or every problem. */
export type ParseResult =
  | { readonly ok: true; readonly documents: SpecDocument[] }
  | { readonly ok: false; readonly issues: FieldIssue[] };

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
    const { line, col } = lineCounter.linePos(Number(position));
    where = ` at line ${line}, column ${col}`;
  }
  return { path: 'documents', message: `JSON syntax error${where}: ${message}` };
}

function isJsonFilename(filename: string | undefined): boolean | undefined {
  if (filename === undefined) return undefined;
  const lower = filename.toLowerCase();
  if (lower.endsWith('.json')) return true;
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return false;
  return undefined;
}

function read(
  text: string,
  source: SpecSource,
  budget: ReadBudget,
  issues: IssueList,
): RawDocument[] {
  const declaredJson = isJsonFilename(source.filename);
  const looksJson = declaredJson ?? /^\s*[[{]/.test(text);
  if (!looksJson) return readYaml(text, budget, issues);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Sniffed, not declared: `{a: 1}` is a YAML flow mapping, so let YAML have a go.
    if (declaredJson !== true) return readYaml(text, budget, issues);
    issues.add(jsonSyntaxIssue(text, error));
    return [];
  }
  return readJson(text, value, budget, issues);
}

/** An own member of a value that may not be an object at all (never one of its prototype). */
function member(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** The store's measure of a document: its encoded form as JSON text. */
function storedBytes(document: SpecDocument): number {
  return Buffer.byteLength(JSON.stringify(encodeSpecDocument(document)), 'utf8');
}

function validateOne(
  raw: RawDocument,
  budget: ReadBudget,
  issues: IssueList,
  countNodes: boolean,
): SpecDocument | undefined {
  const prefix = ['documents', raw.index];
  const before = issues.count;
  if (checkValue(raw, budget, issues, countNodes).blocked) return undefined;
  const result = specDocumentSchema.safeParse(raw.value, {
    error: specErrorMap,
    reportInput: true,
  });
  if (result.success) {
    if (issues.count > before) return undefined;
    const bytes = storedBytes(result.data);
    if (bytes <= budget.limits.documentBytes) return result.data;
    issues.add({
      path: formatPath(prefix),
      message: `is ${bytes} bytes as stored JSON; the store accepts at most ${budget.limits.documentBytes} bytes per document: move large values out of the spec or split it`,
    });
    return undefined;
  }
  // With an unknown kind the union stops at the kind; still say when apiVersion is wrong too.
  const kindIssue = result.error.issues.some((issue) => issue.path.join('.') === 'kind');
  if (kindIssue && member(raw.value, 'apiVersion') !== API_VERSION) {
    const where = raw.locate(['apiVersion']);
    issues.add({
      path: formatPath([...prefix, 'apiVersion']),
      message: `must be "${API_VERSION}"${where === undefined ? '' : ` (${where})`}`,
    });
  }
  // Positions cost a walk of the tree each; issues past the cap are only counted.
  const locate = (path: readonly PropertyKey[]) => (issues.full ? undefined : raw.locate(path));
  issues.addAll(toFieldIssues(result.error.issues, prefix, locate));
  return undefined;
}

/** Names must be unique per kind: a second document with the same name would overwrite the first. */
function duplicateNameIssues(raws: readonly RawDocument[], issues: IssueList): void {
  const seen = new Map<string, number>();
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
    issues.addLazily(() => {
      const where = raw.locate(['metadata', 'name']);
      return {
        path: formatPath(['documents', raw.index, 'metadata', 'name']),
        message: `duplicate ${kind} name "${name}": already used by documents[${first}]${where === undefined ? '' : ` (${where})`}`,
      };
    });
  }
}

function validateRaw(
  raws: readonly RawDocument[],
  budget: ReadBudget,
  issues: IssueList,
  countNodes: boolean,
): ParseResult {
  const { limits } = budget;
  if (raws.length === 0) {
    issues.add({
      path: 'documents',
      message: `no documents found; expected ${SPEC_KINDS.join(' or ')} documents`,
    });
    return { ok: false, issues: issues.list() };
  }
  if (raws.length > limits.documents) {
    issues.add({
      path: 'documents',
      message: `at most ${limits.documents} documents are allowed per file, got ${raws.length}`,
    });
    return { ok: false, issues: issues.list() };
  }
  const documents: SpecDocument[] = [];
  for (const raw of raws) {
    budget.checkTime();
    const document = validateOne(raw, budget, issues, countNodes);
    if (document !== undefined) documents.push(document);
  }
  duplicateNameIssues(raws, issues);
  return issues.empty ? { ok: true, documents } : { ok: false, issues: issues.list() };
}

/**
 * Runs one read: limits that stop it early become the first issue, and a bug of the parser
 * becomes an issue too, keeping the "never throws" promise.
 */
function guarded(
  limits: SpecLimits,
  read: (budget: ReadBudget, issues: IssueList) => ParseResult,
): ParseResult {
  const issues = new IssueList(limits.issues);
  try {
    return read(new ReadBudget(limits), issues);
  } catch (error) {
    if (error instanceof SpecLimitError)
      return { ok: false, issues: [...error.issues, ...issues.list()] };
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
 * Parses and validates a spec file or body, as the bytes a door received or as text. Never
 * throws: every problem of every document comes back in `issues` (the first
 * {@link SpecLimits.issues}, then a count), each with a path like
 * `documents[1].spec.parallelism` and, where known, its line and column.
 *
 * Bytes must be UTF-8; one leading byte order mark is dropped from bytes and text alike. The
 * size, nesting, alias, key-and-value and CPU limits of `limits` apply; doors keep the default,
 * so that they all accept exactly the same files.
 *
 * Documents are numbered by their position in the file; empty YAML documents (a trailing
 * `---`) are skipped but keep their number.
 */
export function parseSpecDocuments(
  input: string | Uint8Array,
  source: SpecSource = {},
  limits: SpecLimits = SPEC_LIMITS,
): ParseResult {
  return guarded(limits, (budget, issues) => {
    const decoded = decodeSpecInput(input, limits.fileBytes);
    if (!decoded.ok) return { ok: false, issues: [decoded.issue] };
    const raws = read(decoded.text, source, budget, issues);
    return issues.empty
      ? validateRaw(raws, budget, issues, false)
      : { ok: false, issues: issues.list() };
  });
}

/**
 * Validates documents that are already decoded (e.g. built by a program), with the same rules,
 * limits and paths as {@link parseSpecDocuments} but without source positions.
 */
export function validateSpecDocuments(
  values: readonly unknown[],
  limits: SpecLimits = SPEC_LIMITS,
): ParseResult {
  return guarded(limits, (budget, issues) =>
    validateRaw(
      values.map((value, index) => ({ index, value, locate: noLocation })),
      budget,
      issues,
      true,
    ),
  );
}

/**
 * Like {@link parseSpecDocuments}, but returns the documents or throws a {@link ValidationError}
 * listing every issue.
 */
export function parseSpecDocumentsOrThrow(
  input: string | Uint8Array,
  source: SpecSource = {},
): SpecDocument[] {
  const result = parseSpecDocuments(input, source);
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
