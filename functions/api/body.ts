/**
 * Reading request bodies: media types, spec documents (JSON or YAML) and small JSON bodies. Every
 * problem comes back as a field issue with a path the caller can find in what it sent.
 */
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../commons/errors.js';
import {
  formatPath,
  parseSpecDocuments,
  type ParseResult,
  type SpecDocument,
} from '../core/spec/index.js';
import { HttpError } from './errors.js';
import type { ApiRequest } from './http.js';

/** The body formats the API reads. */
export type BodyFormat = 'json' | 'yaml';

const MEDIA_TYPES: Readonly<Record<string, BodyFormat>> = {
  'application/json': 'json',
  'application/yaml': 'yaml',
  'application/x-yaml': 'yaml',
  'text/yaml': 'yaml',
  'text/x-yaml': 'yaml',
};

function unsupported(given: string | undefined, formats: readonly BodyFormat[]): HttpError {
  const accepted = Object.entries(MEDIA_TYPES)
    .filter(([, format]) => formats.includes(format))
    .map(([type]) => type);
  return new HttpError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    given === undefined
      ? 'The request has a body but no Content-Type'
      : `Content-Type ${given.slice(0, 100)} is not supported here`,
    { remedy: `Send the body as one of: ${accepted.join(', ')} (charset utf-8).` },
  );
}

/** The format of the body from its Content-Type; 415 when it is missing or not accepted. */
export function bodyFormat(
  request: ApiRequest,
  formats: readonly BodyFormat[] = ['json', 'yaml'],
): BodyFormat {
  const header = request.headers['content-type'];
  if (header === undefined) throw unsupported(undefined, formats);
  const [type = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  // Own keys only: a Content-Type of `constructor` must not find Object.prototype.constructor.
  const format = Object.hasOwn(MEDIA_TYPES, type) ? MEDIA_TYPES[type] : undefined;
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (
    format === undefined ||
    !formats.includes(format) ||
    (charset !== undefined && charset.replace(/"/g, '') !== 'utf-8')
  )
    throw unsupported(header, formats);
  return format;
}

/** The body text; 400 when there is none. */
export function requireBody(request: ApiRequest): string {
  if (request.body === undefined || request.body.trim() === '')
    throw new ValidationError('The request body is empty', [
      { path: 'body', message: 'is required' },
    ]);
  return request.body;
}

/**
 * Parses spec documents from the body, JSON (one object or an array) or YAML (`---`), from its
 * bytes when the transport kept them: the one reader of every door decides encoding and limits.
 */
export function readSpecBody(request: ApiRequest): ParseResult {
  const format = bodyFormat(request);
  const text = requireBody(request);
  return parseSpecDocuments(request.rawBody ?? text, {
    filename: format === 'json' ? 'body.json' : 'body.yaml',
  });
}

/** Issue paths of a single-document body: `documents[0].spec.x` reads better as `spec.x`. */
function singleDocumentPath(path: string): string {
  if (path === 'documents' || path === 'documents[0]') return 'body';
  if (path.startsWith('documents[0].')) return path.slice('documents[0].'.length);
  if (path.startsWith('documents[0][')) return path.slice('documents[0]'.length);
  return path;
}

/**
 * Reads the one spec document of a PUT body, of the expected kind and named as in the path;
 * 400 listing every problem otherwise.
 */
export function readOneDocument<K extends SpecDocument['kind']>(
  request: ApiRequest,
  kind: K,
  name: string,
): Extract<SpecDocument, { kind: K }> {
  const result = readSpecBody(request);
  const issues: FieldIssue[] = [];
  if (!result.ok)
    issues.push(
      ...result.issues.map((issue) => ({ ...issue, path: singleDocumentPath(issue.path) })),
    );
  else if (result.documents.length !== 1)
    issues.push({
      path: 'body',
      message: `must hold exactly one ${kind} document, got ${result.documents.length}`,
    });
  else {
    const [document] = result.documents;
    if (document?.kind !== kind)
      issues.push({ path: 'kind', message: `must be ${kind} at this path` });
    else if (document.metadata.name !== name)
      issues.push({
        path: 'metadata.name',
        message: `must match the name in the path ("${name}")`,
      });
    else return document as Extract<SpecDocument, { kind: K }>;
  }
  throw new ValidationError(`The ${kind} document is invalid`, issues);
}

/**
 * Parses an optional small JSON body against `schema`. No body (or an empty one) parses as `{}`;
 * a body needs `application/json`.
 */
export function readJsonBody<T extends z.ZodType>(request: ApiRequest, schema: T): z.output<T> {
  let value: unknown = {};
  if (request.body !== undefined && request.body.trim() !== '') {
    bodyFormat(request, ['json']);
    try {
      value = JSON.parse(request.body);
    } catch (error) {
      throw new ValidationError('The request body is not valid JSON', [
        {
          path: 'body',
          message: `JSON syntax error: ${error instanceof Error ? error.message.slice(0, 200) : 'unreadable'}`,
        },
      ]);
    }
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    'The request body is invalid',
    parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => ({
            path: formatPath([...issue.path, k]) || 'body',
            message: 'unknown field',
          }))
        : [{ path: formatPath(issue.path) || 'body', message: issue.message }],
    ),
  );
}

/** Validates query parameters against `schema`; 400 listing every problem. */
export function readQuery<T extends z.ZodType>(request: ApiRequest, schema: T): z.output<T> {
  const issues: FieldIssue[] = [];
  // No prototype: `__proto__` must arrive as the unknown parameter it is.
  const single = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(request.query)) {
    if (typeof value === 'string') single[name] = value;
    else issues.push({ path: formatPath(['query', name]), message: 'must be given at most once' });
  }
  const parsed = schema.safeParse(single);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys')
        issues.push(
          ...issue.keys.map((k) => ({
            path: formatPath(['query', k]),
            message: 'unknown query parameter',
          })),
        );
      else issues.push({ path: formatPath(['query', ...issue.path]), message: issue.message });
    }
  if (issues.length > 0 || !parsed.success)
    throw new ValidationError('Invalid query parameters', issues);
  return parsed.data;
}
