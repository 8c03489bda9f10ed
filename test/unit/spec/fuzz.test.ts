/**
 * 10,000 generated hostile documents through the shared parser. Each is a valid spec with one
 * kind of attack worked in (control characters, tags, deep nesting, aliases, duplicate and
 * prototype keys, inline secrets, broken encodings) or plain noise. The parser must never throw,
 * must answer within bounds, must say the same for bytes and text, and must refuse every input
 * whose attack is certain to make it invalid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SPEC_LIMITS,
  encodeSpecDocument,
  parseSpecDocuments,
  specDocumentSchema,
  type ParseResult,
} from '../../../functions/core/spec/index.js';
import { CLUSTER_YAML, JOB_YAML, minimalJob } from './fixtures.js';
import { HOSTILE_BOUNDS, measure } from './measure.js';

/** A generated input and whether it must be refused. */
interface Hostile {
  input: string | Uint8Array;
  mustRefuse: boolean;
}

const JOB_JSON = JSON.stringify(minimalJob(), null, 2);
const base = fc.constantFrom<string>(JOB_YAML, `${CLUSTER_YAML}---\n${JOB_YAML}`);

/** Inserts `fragment` at `at` (modulo the length). */
function insert(text: string, at: number, fragment: string): string {
  const index = at % (text.length + 1);
  return text.slice(0, index) + fragment + text.slice(index);
}

const REFUSED_CHARS = [
  ...Array.from({ length: 32 }, (_, code) => code).filter((code) => ![9, 10, 13].includes(code)),
  0x7f,
  0x80,
  0x85,
  0x9f,
  0x202a,
  0x202e,
  0x2066,
  0x2069,
  0xfeff,
  0xfffe,
  0xd800,
  0xdfff,
].map((code) => String.fromCharCode(code));

const rawControl = fc
  .tuple(base, fc.nat(), fc.constantFrom(...REFUSED_CHARS))
  // Not at the very start, where U+FEFF is the byte order mark (allowed once).
  .map(([text, at, char]): Hostile => ({
    input: insert(text, 1 + (at % text.length), char),
    mustRefuse: true,
  }));

const escapedControl = fc
  .tuple(
    fc.constantFrom('\\0', '\\a', '\\b', '\\e', '\\x01', '\\x7f', '\\x9b', '\\u202e', '\\ud800'),
    fc.string({ maxLength: 5 }).map((s) => s.replace(/["\\]/g, '')),
  )
  .map(([escape, around]): Hostile => ({
    input: `${JOB_YAML}  args: ["${around}${escape}${around}"]\n`,
    mustRefuse: true,
  }));

/** Tags outside the core schema (the non-specific `!` resolves to a core type and is allowed). */
const tagged = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(
        '!!js/function',
        '!!js/regexp',
        '!!python/object/apply:os.system',
        '!!binary',
        '!!set',
        '!!omap',
        '!x',
        '!<tag:example.com,2000:x>',
      ),
      fc.stringMatching(/^![a-z]{1,8}$/),
    ),
    fc.constantFrom(
      'args: [TAG x]',
      'flinkConfiguration: {a: TAG b}',
      'flinkConfiguration: TAG {a: b}',
      'parallelism: TAG 2',
    ),
  )
  .map(([tag, line]): Hostile => ({
    input: `${JOB_YAML}  ${line.replace('TAG', tag)}\n`,
    mustRefuse: true,
  }));

const deep = fc
  .tuple(fc.integer({ min: 33, max: 400 }), fc.constantFrom('flow', 'json', 'block', 'seq'))
  .map(([depth, form]): Hostile => {
    if (form === 'flow')
      return {
        input: `${JOB_YAML}  args: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
        mustRefuse: true,
      };
    if (form === 'json')
      return {
        input: JOB_JSON.replace(
          '"spec": {',
          `"spec": {"x": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},`,
        ),
        mustRefuse: true,
      };
    if (form === 'seq')
      return { input: `${JOB_YAML}  args:\n    ${'- '.repeat(depth)}x\n`, mustRefuse: true };
    let block = `${JOB_YAML}  flinkConfiguration:\n`;
    for (let level = 0; level < depth; level++) block += `${' '.repeat(4 + level)}a:\n`;
    return { input: block, mustRefuse: true };
  });

const aliases = fc
  .tuple(
    fc.integer({ min: 1, max: 40 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 4 }),
  )
  .map(([width, uses, levels]): Hostile => {
    const lines = [`  flinkConfiguration:`, `    l0: &l0 [${Array(width).fill('x').join(',')}]`];
    for (let level = 1; level < levels; level++)
      lines.push(
        `    l${level}: &l${level} [${Array(uses)
          .fill(`*l${level - 1}`)
          .join(',')}]`,
      );
    // Lists are not strings: every such document is invalid, whether or not a budget trips.
    return { input: `${JOB_YAML}${lines.join('\n')}\n`, mustRefuse: true };
  });

const duplicateKey = fc
  .tuple(
    fc.constantFrom('  team: platform\n', '  clusterRef: local\n', 'kind: FlinkJob\n'),
    fc.boolean(),
  )
  .map(([line, twice]): Hostile => ({
    input: JOB_YAML.replace(
      line,
      twice ? `${line}${line}` : `${line}${line.replace(/: .*/, ': again')}`,
    ),
    mustRefuse: true,
  }));

const protoKey = fc
  .constantFrom(
    '  flinkConfiguration: {__proto__: x}\n',
    '  __proto__: {parallelism: 2}\n',
    '  flinkConfiguration:\n    "__proto__": {a: b}\n',
  )
  .map((line): Hostile => ({ input: `${JOB_YAML}${line}`, mustRefuse: true }));

const inlineSecret = fc
  .tuple(
    fc.constantFrom(
      's3.secret-key',
      'fs.s3a.secret.key',
      'security.ssl.key-password',
      'x.sasl.jaas.config',
      'my.apiKey',
      'a.token',
    ),
    fc.stringMatching(/^[A-Za-z0-9]{1,20}$/),
  )
  .map(([key, value]): Hostile => ({
    input: `${JOB_YAML}  flinkConfiguration: {${key}: "${value}"}\n`,
    mustRefuse: true,
  }));

const brokenEncoding = fc
  .tuple(
    base,
    fc.nat(),
    fc.constantFrom(
      [0xff],
      [0xfe],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
    ),
    fc.constantFrom('utf8', 'utf16le', 'utf16be-bom', 'utf32-bom'),
  )
  .map(([text, at, bad, encoding]): Hostile => {
    if (encoding === 'utf8') {
      const bytes = Buffer.from(text);
      const index = at % (bytes.length + 1);
      return {
        input: Buffer.concat([bytes.subarray(0, index), Buffer.from(bad), bytes.subarray(index)]),
        mustRefuse: true,
      };
    }
    if (encoding === 'utf16le') return { input: Buffer.from(text, 'utf16le'), mustRefuse: true };
    if (encoding === 'utf16be-bom')
      return { input: Buffer.from(`\uFEFF${text}`, 'utf16le').swap16(), mustRefuse: true };
    return {
      input: Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from(text, 'utf16le')]),
      mustRefuse: true,
    };
  });

/** Noise: random edits of a valid file, random unicode, random bytes. Anything may come back. */
const noise = fc.oneof(
  fc
    .tuple(
      base,
      fc.array(fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 4 }),
    )
    .map(([text, edits]): Hostile => ({
      input: edits.reduce((out, [at, fragment]) => insert(out, at, fragment), text),
      mustRefuse: false,
    })),
  fc
    .string({ unit: 'binary', maxLength: 200 })
    .map((input): Hostile => ({ input, mustRefuse: false })),
  fc.uint8Array({ maxLength: 200 }).map((input): Hostile => ({ input, mustRefuse: false })),
  fc
    .array(
      fc.constantFrom(
        '[',
        ']',
        '{',
        '}',
        '&a ',
        '*a',
        ', ',
        ': ',
        '- ',
        '\n',
        '  ',
        '? ',
        '!!str ',
        '"',
        "'",
        'x',
        '---\n',
        '#',
        '|',
      ),
      { maxLength: 80 },
    )
    .map((parts): Hostile => ({ input: parts.join(''), mustRefuse: false })),
);

const hostile = fc.oneof(
  rawControl,
  escapedControl,
  tagged,
  deep,
  aliases,
  duplicateKey,
  protoKey,
  inlineSecret,
  brokenEncoding,
  noise,
);

/** Valid Unicode text (no lone surrogates): the same input as UTF-8 bytes means the same. */
function asBytes(text: string): Uint8Array | undefined {
  return /[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))
    ? undefined
    : Buffer.from(text);
}

function expectWellFormed(result: ParseResult): void {
  if (result.ok) {
    for (const document of result.documents) {
      expect(specDocumentSchema.parse(encodeSpecDocument(document))).toEqual(document);
    }
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  expect(result.issues.length).toBeLessThanOrEqual(SPEC_LIMITS.issues + 1);
  for (const issue of result.issues) {
    expect(issue.path).toMatch(/^documents/);
    expect(issue.message.length).toBeGreaterThan(0);
    expect(issue.message).not.toMatch(/call stack|native code|could not be parsed/i);
  }
}

describe('fuzzing the shared parser', () => {
  it('refuses 10,000 hostile documents within bounds, never throwing', () => {
    let slowest = 0;
    fc.assert(
      fc.property(hostile, fc.boolean(), ({ input, mustRefuse }, named) => {
        // Named YAML, or sniffed (JSON when it starts with { or [).
        const source = named ? { filename: 'spec.yaml' } : {};
        const cost = measure(() => parseSpecDocuments(input, source));
        slowest = Math.max(slowest, cost.wallMs);
        expect(cost.wallMs).toBeLessThan(HOSTILE_BOUNDS.wallMs);
        expectWellFormed(cost.value);
        if (mustRefuse) expect(cost.value.ok).toBe(false);
        if (typeof input === 'string') {
          const bytes = asBytes(input);
          if (bytes !== undefined) expect(parseSpecDocuments(bytes, source)).toEqual(cost.value);
        }
      }),
      { numRuns: 10_000 },
    );
    expect(slowest).toBeLessThan(HOSTILE_BOUNDS.wallMs);
    // About ten seconds of CPU; the timeout guards a hang on a loaded machine, not the speed.
  }, 180_000);
});
