/**
 * From what a door received (bytes of a file, object or body, or text) to the text the parser
 * reads: size, encoding, byte order mark and stray characters, decided here once for every door.
 */
import type { FieldIssue } from '../../commons/errors.js';
import { characterKind, codePointName, findRefusedCharacter } from './characters.js';

/** The text of a spec, or why there is none. */
export type DecodedInput = { ok: true; text: string } | { ok: false; issue: FieldIssue };

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function refuse(message: string): DecodedInput {
  return { ok: false, issue: { path: 'documents', message } };
}

/** The issue of input over the size limit; doors that refuse before reading use it too. */
export function tooLargeIssue(limitBytes: number): FieldIssue {
  const size =
    limitBytes % 1_048_576 === 0 ? `${limitBytes / 1_048_576} MiB` : `${limitBytes} bytes`;
  return {
    path: 'documents',
    message: `is larger than ${size} (${limitBytes} bytes); split it into several files`,
  };
}

/** Byte order marks of encodings other than UTF-8; UTF-32 first, its LE mark starts like UTF-16's. */
const FOREIGN_MARKS: readonly { bytes: readonly number[]; encoding: string }[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'UTF-32' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'UTF-32' },
  { bytes: [0xff, 0xfe], encoding: 'UTF-16' },
  { bytes: [0xfe, 0xff], encoding: 'UTF-16' },
];

function foreignEncoding(bytes: Uint8Array): string | undefined {
  return FOREIGN_MARKS.find((mark) => mark.bytes.every((byte, index) => bytes[index] === byte))
    ?.encoding;
}

/** The offset of the first byte that makes `bytes` invalid UTF-8 (they are known to be invalid). */
function firstInvalidByte(bytes: Uint8Array): number {
  // Binary search over prefixes would split sequences; a linear pass over the sequences is exact.
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] ?? 0;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte <= 0xdf
          ? 2
          : byte >= 0xe0 && byte <= 0xef
            ? 3
            : byte >= 0xf0 && byte <= 0xf4
              ? 4
              : 0;
    if (length === 0) return index;
    try {
      fatalUtf8.decode(bytes.subarray(index, index + length));
    } catch {
      return index;
    }
    index += length;
  }
  return index;
}

function lineAndColumn(text: string, index: number): string {
  let line = 1;
  let start = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) {
    line += 1;
    start = at + 1;
  }
  return `line ${line}, column ${index - start + 1}`;
}

/**
 * Decodes and screens the input of any door. Bytes must be UTF-8 (one leading byte order mark is
 * dropped, as it is from text); text is measured by its UTF-8 size, so the same spec has the same
 * size whichever way it arrives. Characters that do not belong in a spec are refused anywhere in
 * the file, comments included, with their position.
 */
export function decodeSpecInput(input: string | Uint8Array, limitBytes: number): DecodedInput {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > limitBytes) return { ok: false, issue: tooLargeIssue(limitBytes) };
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const foreign = foreignEncoding(input);
    if (foreign !== undefined)
      return refuse(`is ${foreign} text; spec files must be UTF-8: save the file as UTF-8`);
    try {
      text = fatalUtf8.decode(input);
    } catch {
      return refuse(
        `is not valid UTF-8 (byte ${firstInvalidByte(input)}): spec files are YAML or JSON text in UTF-8`,
      );
    }
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const refused = findRefusedCharacter(text);
  if (refused !== undefined) {
    const hint =
      refused.char === '\0' ? ' (a file full of U+0000 is often UTF-16: save it as UTF-8)' : '';
    return refuse(
      `contains the ${characterKind(refused.char)} ${codePointName(refused.char)} at ${lineAndColumn(text, refused.index)}; spec files are plain text: remove it${hint}`,
    );
  }
  return { ok: true, text };
}
