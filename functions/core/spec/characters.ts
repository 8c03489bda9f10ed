/**
 * Characters that do not belong in a spec. Specs are plain text that people review: control
 * characters (NUL, ESC, …) end up in Flink arguments and logs, invisible formatting characters
 * make text read differently from what it is (the "Trojan Source" bidi overrides), and lone
 * surrogates or noncharacters are not text at all. Tabs and line breaks are text, except in keys.
 */

/**
 * Refused everywhere: in the raw file (comments included) and in every decoded key and value.
 * C0 controls but tab, LF and CR; DEL and the C1 controls; the bidi embeddings, overrides and
 * isolates; a byte order mark past the first character; noncharacters U+FFFE/U+FFFF; surrogates
 * that are not part of a pair.
 */
const REFUSED =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refused in keys besides {@link REFUSED}: line breaks and tabs, and every invisible format character. */
const REFUSED_IN_KEYS = /[\t\n\r\p{Cf}]/u;

/** `U+001B`: how a character is named in messages (never the character itself). */
export function codePointName(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What kind of character `char` is, in words a user can act on. */
export function characterKind(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return 'control character';
  if (code >= 0xd800 && code <= 0xdfff) return 'unpaired surrogate';
  if (code === 0xfffe || code === 0xffff) return 'noncharacter';
  return 'invisible formatting character';
}

/** The first refused character of a value and its index, if any. */
export function findRefusedCharacter(text: string): { char: string; index: number } | undefined {
  const match = REFUSED.exec(text);
  return match === null ? undefined : { char: match[0], index: match.index };
}

/** The first character of a key that is refused in keys, if any. */
export function findRefusedKeyCharacter(key: string): string | undefined {
  return findRefusedCharacter(key)?.char ?? REFUSED_IN_KEYS.exec(key)?.[0];
}
