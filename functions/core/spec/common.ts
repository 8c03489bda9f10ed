/**
 * Building blocks shared by every kind of spec document: names, labels, durations, references
 * to secrets and storage locations. Each schema carries its own error message so that a user
 * reading a validation issue learns what is allowed, not only that the value is wrong.
 */
import { z } from 'zod';
import { INLINE_SECRET_KEY_MESSAGE, namesSecret } from './secrets.js';
import {
  ABSOLUTE_PATH,
  FLINK_LOCAL_FILE,
  STORAGE_SCHEME,
  isStorageLocation,
} from '../storage-location.js';

/** Whether a value is a mapping (a plain object, not a list or null). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The only `apiVersion` this release understands. */
export const API_VERSION = 'fjc.dev/v1';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A DNS label (RFC 1123): the name rules of jobs, clusters and teams. Names end up in Flink job
 * names, DynamoDB keys, metric dimensions and S3 prefixes, so the strictest common rule applies.
 */
export function dnsLabel() {
  const message =
    "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit";
  return z
    .string({ error: 'must be a string' })
    .max(63, { error: 'must be at most 63 characters' })
    .regex(DNS_LABEL, { error: message })
    .meta({ patternErrorMessage: message });
}

/**
 * `patternErrorMessage` is what the YAML language server (VS Code's YAML extension) shows when a
 * `pattern` fails, instead of the pattern itself: the message fjc gives for the same rule.
 */
export function patternRule(pattern: string, message: string) {
  return { pattern, patternErrorMessage: message };
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** {@link isLabelKey} as one JSON Schema pattern: lengths by lookahead, prefix and name as above. */
const LABEL_KEY_PATTERN = `^(?:(?=[^/]{1,253}/)${LABEL_PREFIX.source.slice(1, -1)}/)?(?=[^/]{1,63}$)${LABEL_NAME.source.slice(1, -1)}$`;

const LABEL_KEY_MESSAGE =
  "must be [prefix/]name: a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
const LABEL_VALUE_MESSAGE =
  "must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

/** Whether `key` is a Kubernetes-style label key: `[prefix/]name`. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  if (prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix))) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

/**
 * Labels follow the Kubernetes rules so that people can reuse their selectors and habits;
 * values must be strings (YAML `true` or `3` has to be quoted) to keep them comparable.
 */
export const labelsSchema = z
  .record(
    z
      .string()
      .meta(patternRule(LABEL_KEY_PATTERN, LABEL_KEY_MESSAGE))
      .refine(isLabelKey, { error: LABEL_KEY_MESSAGE })
      .refine((key) => !namesSecret(key), { error: INLINE_SECRET_KEY_MESSAGE }),
    z
      .string({ error: 'must be a string (quote numbers and booleans in YAML)' })
      .max(63, { error: 'must be at most 63 characters' })
      .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, { error: LABEL_VALUE_MESSAGE })
      .meta({ patternErrorMessage: LABEL_VALUE_MESSAGE }),
  )
  .prefault({});

/** `metadata` of every document: its name (unique per kind) and labels. */
export const metadataSchema = z.strictObject({
  name: dnsLabel(),
  labels: labelsSchema,
});

/** A readable duration and its length in milliseconds: both travel with the parsed spec. */
export interface Duration {
  /** The text the user wrote, e.g. `"1h30m"`; shown back in messages and status. */
  readonly text: string;
  /** The same duration in milliseconds, for arithmetic. */
  readonly ms: number;
}

const DURATION_TEXT = /^(\d{1,9}(ms|s|m|h|d))+$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
/** A year: anything longer is a typo, and keeps every sum far away from unsafe integers. */
const MAX_DURATION_MS = 365 * 86_400_000;

/**
 * The milliseconds of a duration such as `"90s"`, `"1h30m"` or `"7d"` (units ms, s, m, h, d),
 * or `undefined` when the text is not a duration.
 */
export function durationToMs(text: string): number | undefined {
  if (!DURATION_TEXT.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  }
  return total;
}

const DURATION_HELP = 'a duration such as "90s", "30m", "1h30m" or "7d" (units ms, s, m, h, d)';

/** A non-zero digit somewhere: the duration is not zero. */
const NOT_ZERO = '(?=.*[1-9])';

function durationText(options: { allowZero: boolean }) {
  return z
    .string({ error: `must be ${DURATION_HELP}` })
    .meta({
      // The 365d ceiling is a sum over units: no pattern expresses it (docs/spec-schema.md).
      ...patternRule(
        options.allowZero ? DURATION_TEXT.source : `${NOT_ZERO}${DURATION_TEXT.source}`,
        `must be ${DURATION_HELP}${options.allowZero ? '' : ', greater than zero'}`,
      ),
      description: DURATION_HELP,
    })
    .refine(
      (text) => {
        const ms = durationToMs(text);
        return ms !== undefined && ms <= MAX_DURATION_MS && (options.allowZero || ms > 0);
      },
      {
        error: `must be ${DURATION_HELP}, ${options.allowZero ? '' : 'greater than zero and '}at most 365d`,
      },
    );
}

const durationOutput = z.strictObject({ text: z.string(), ms: z.number().int().nonnegative() });

function decodeDuration(text: string): Duration {
  // The input schema has validated the text, so the lookup cannot fail here.
  return { text, ms: durationToMs(text) ?? 0 };
}

/**
 * A duration field. Users write text (`"30m"`); the parsed spec holds a {@link Duration} with
 * both the text and milliseconds. It is a codec, not a transform, so `z.encode` turns a parsed
 * spec back into its input form (used to store and to re-validate specs).
 */
export function duration(options: { allowZero?: boolean } = {}) {
  return z.codec(durationText({ allowZero: options.allowZero ?? false }), durationOutput, {
    decode: decodeDuration,
    encode: (value) => value.text,
  });
}

/**
 * A duration that can be switched off with the word `off`, e.g. a periodic savepoint interval.
 * One codec instead of a union keeps the error message about one value, not two alternatives.
 */
export function durationOrOff() {
  return z.codec(
    z
      .string({ error: `must be ${DURATION_HELP}, or "off"` })
      .meta({
        ...patternRule(
          `^off$|${NOT_ZERO}${DURATION_TEXT.source}`,
          `must be ${DURATION_HELP} greater than zero, or "off"`,
        ),
        description: `${DURATION_HELP}, or "off"`,
      })
      .refine(
        (text) => {
          if (text === 'off') return true;
          const ms = durationToMs(text);
          return ms !== undefined && ms > 0 && ms <= MAX_DURATION_MS;
        },
        { error: `must be ${DURATION_HELP} greater than zero and at most 365d, or "off"` },
      ),
    z.union([z.literal('off'), durationOutput]),
    {
      decode: (text): Duration | 'off' => (text === 'off' ? 'off' : decodeDuration(text)),
      encode: (value) => (value === 'off' ? 'off' : value.text),
    },
  );
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

const SECRET_REF_MESSAGE =
  'must be the name (letters, digits and /_+=.@-, at most 512) or ARN of an AWS Secrets Manager secret';

/**
 * The name or ARN of an AWS Secrets Manager secret. Specs are stored and shown in plain text,
 * so credentials are only ever referenced, never written inline.
 */
export const secretRefSchema = z
  .string({ error: 'must be the name or ARN of an AWS Secrets Manager secret' })
  .meta(
    patternRule(
      `^(?:${SECRET_NAME.source.slice(1, -1)}|${SECRET_ARN.source.slice(1, -1)})$`,
      SECRET_REF_MESSAGE,
    ),
  )
  .refine((ref) => SECRET_NAME.test(ref) || SECRET_ARN.test(ref), { error: SECRET_REF_MESSAGE });

/**
 * Field names that hold credentials. When one appears where it is not allowed, the user gets a
 * message about secrets instead of a bare "unknown field", because the fix is different.
 */
const SECRET_LIKE_KEY =
  /pass(word|wd|phrase)?$|secret|token|api[-_]?key|private[-_]?key|credential|^(client)?key$/i;

/** Whether a field name looks like it holds a credential. */
export function isSecretLikeKey(key: string): boolean {
  return SECRET_LIKE_KEY.test(key) && key !== 'secretRef';
}

/** The message for a credential written inline. */
export const INLINE_SECRET_MESSAGE =
  'inline secrets are not allowed: store the value in AWS Secrets Manager and reference it with secretRef';

const STORAGE_MESSAGE =
  'must be a URI such as s3://bucket/prefix, hdfs://…, file:///… or file:/… (as Flink prints it), or an absolute path';

/**
 * A place for savepoints: a URI with a scheme Flink's file systems know (s3://, hdfs://, …), a
 * local path as Flink prints it (`file:/tmp/sp`), or an absolute path for local clusters. Relative
 * paths are refused: the JobManager would resolve them against its own working directory, not the
 * user's. The value is kept as written; comparisons use core/storage-location.ts.
 */
export function storageLocation() {
  return z
    .string({ error: 'must be a string' })
    .meta(
      patternRule(
        `^(?:${STORAGE_SCHEME.source.slice(1, -1)}|${FLINK_LOCAL_FILE.source.slice(1, -1)}|${ABSOLUTE_PATH.source.slice(1, -1)})$`,
        STORAGE_MESSAGE,
      ),
    )
    .refine(isStorageLocation, { error: STORAGE_MESSAGE });
}

/** Positive whole number with an upper bound, for counts and sizes. */
export function boundedInt(min: number, max: number) {
  return z
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}
