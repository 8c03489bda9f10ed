/**
 * Text of an error cause as it may be stored on a job: the job's team reads `lastError`, the
 * history and the savepoint catalog, and causes come from places fjc does not control (Flink's
 * exceptions, the state machine's `Cause`, a proxy in front of a cluster). So a stored cause is
 * bounded, and anything that looks like a credential is replaced before it is stored.
 */

/** The longest cause stored on a job. */
export const MAX_STORED_ERROR_LENGTH = 1_000;

const REDACTED = '[REDACTED]';

/**
 * What looks like a credential, most specific first. Every quantifier is bounded, so that a
 * hostile cause cannot make a scan quadratic.
 */
const CREDENTIALS: readonly (readonly [RegExp, string | ((...groups: string[]) => string)])[] = [
  // PEM blocks (private keys above all), also when the end was cut off.
  [/-----BEGIN [A-Z0-9 ]{1,40}-----[\s\S]*?(?:-----END [A-Z0-9 ]{1,40}-----|$)/g, REDACTED],
  // user:password@ in URLs.
  [/\b([a-z][a-z0-9+.-]{0,20}:\/\/)[^\s@]{1,256}@/gi, `$1${REDACTED}@`],
  // HTTP authorization values.
  [/\b([Bb]earer)(\s{1,5})[A-Za-z0-9._~+/=-]{4,4096}/g, `$1$2${REDACTED}`],
  [/\b(Basic)(\s{1,5})[A-Za-z0-9+/]{8,4096}={0,2}/g, `$1$2${REDACTED}`],
  // JSON Web Tokens.
  [/\beyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{0,4096}/g, REDACTED],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\b/g, REDACTED],
  // key = value where the key names a secret (password=…, "SecretAccessKey": "…", token: …);
  // a reference to a secret (secretRef: …) names it, it does not hold it.
  [
    /([\w.-]{0,40}(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)[\w.-]{0,40})(["']?\s{0,5}[:=]\s{0,5}["']?)([^\s"'&,;]{1,4096})/gi,
    (match: string, key: string, separator: string) =>
      /ref$/i.test(key) ? match : `${key}${separator}${REDACTED}`,
  ],
];

/** Control characters other than tab and line breaks, and bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

function scrub(text: string): string {
  let result = text;
  for (const [pattern, replacement] of CREDENTIALS)
    result = result.replace(pattern, replacement as string);
  return result.replace(INVISIBLE, ' ');
}

/** `text` cut to `max` characters at a word boundary when there is one near, marked with `…`. */
function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  // Never split a character made of two UTF-16 units.
  const unit = text.charCodeAt(cut - 1);
  if (unit >= 0xd800 && unit <= 0xdbff) cut--;
  let space = cut;
  while (space > 0 && !/\s/.test(text.charAt(space))) space--;
  // A boundary far back would throw away most of the text: cut inside the word then.
  if (space >= cut * 0.6) cut = space;
  return `${text.slice(0, cut).trimEnd()}…`;
}

/**
 * The form of an error cause that may be stored on a job and shown to its team: credentials
 * (PEM blocks, bearer and basic values, `password=…`-like pairs, AWS keys, JWTs, URL user info)
 * replaced by `[REDACTED]`, control characters removed, at most `max` characters.
 */
export function storedErrorText(text: string, max = MAX_STORED_ERROR_LENGTH): string {
  // Only a bounded prefix is scanned: what lies beyond it would be cut off anyway.
  return bound(scrub(text.slice(0, Math.max(4 * max, 4_096))), max);
}
