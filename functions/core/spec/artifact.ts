/**
 * Where a job's code comes from: an S3 object or, for local clusters, a file path, pinned by
 * its sha256. One rule set for every program file (jar, Python, SQL); only the file extensions
 * differ, so that every kind of job is validated with the same care.
 */
import { z } from 'zod';
import { patternRule } from './common.js';

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `.py or .zip` from `['.py', '.zip']`. */
function extensionList(extensions: readonly string[]): string {
  return extensions.length === 1
    ? (extensions[0] ?? '')
    : `${extensions.slice(0, -1).join(', ')} or ${extensions.at(-1) ?? ''}`;
}

/**
 * Checks an artifact location against the allowed file extensions, returning what is wrong with
 * it or `undefined`.
 */
export function artifactProblem(uri: string, extensions: readonly string[]): string | undefined {
  const example = `s3://bucket/key${extensions[0] ?? ''}`;
  if (uri.startsWith('s3://')) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (match === null || !S3_BUCKET.test(match[1] ?? '')) {
      return `must be ${example} with a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)`;
    }
  } else if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(uri)) {
    return `must be an ${example} URI or, for local clusters, a file path; other schemes are not supported`;
  }
  if (uri.trim() !== uri || uri.includes('\0') || /[\r\n]/.test(uri)) {
    return 'must not contain leading or trailing whitespace, line breaks or NUL characters';
  }
  if (!extensions.some((extension) => uri.endsWith(extension)))
    return `must name a ${extensionList(extensions)} file`;
  return undefined;
}

/**
 * The JSON Schema `pattern` (ECMAScript, `u` flag) that accepts exactly the locations
 * {@link artifactProblem} accepts: an s3:// object in a valid bucket, or a path that names no other
 * scheme; no leading whitespace, line breaks or NUL; ending in one of `extensions`.
 */
export function artifactUriPattern(extensions: readonly string[]): string {
  const ends = extensions.map((extension) => extension.replaceAll('.', String.raw`\.`)).join('|');
  return String.raw`^(?:s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^\r\n\u2028\u2029\u0000]*|(?![A-Za-z][A-Za-z0-9+.-]*://)(?!\s)[^\r\n\u0000]*)(?:${ends})$`;
}

/**
 * The schema of an artifact whose file name ends in one of `extensions`. `uri` is an S3 object
 * or, for local clusters, a file path (absolute, or relative to the directory fjc runs in).
 * `sha256` pins the exact content: it is verified before upload, so a rebuilt file under the
 * same name cannot slip in unnoticed.
 */
export function artifactSchemaFor(extensions: readonly string[]) {
  return z.strictObject({
    uri: z
      .string({ error: 'must be a string' })
      .superRefine((uri, ctx) => {
        const problem = artifactProblem(uri, extensions);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta(
        patternRule(
          artifactUriPattern(extensions),
          `must be an s3://bucket/key URI or, for local clusters, a file path, naming a ${extensionList(extensions)} file`,
        ),
      ),
    sha256: z
      .string({ error: 'must be a string' })
      .regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hexadecimal characters' })
      .meta({ patternErrorMessage: 'must be 64 lowercase hexadecimal characters' })
      .optional(),
  });
}

/** An artifact as validated: where it is and, optionally, the digest it must have. */
export type Artifact = z.output<ReturnType<typeof artifactSchemaFor>>;
