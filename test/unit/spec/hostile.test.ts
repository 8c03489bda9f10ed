/**
 * Hostile input through the shared parser, one class at a time: size, nesting, aliases, keys,
 * tags, encodings, unicode, control characters, prototype keys, issue floods and the CPU budget.
 * Every case must end in a rejection whose message names the cause, within generous time and
 * memory bounds, and never as a stack overflow.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  MAX_SPEC_DOCUMENT_BYTES,
  MAX_SPEC_FILE_BYTES,
  SPEC_LIMITS,
  parseSpecDocuments,
  type FieldIssue,
  type ParseResult,
} from '../../../functions/core/spec/index.js';
import { JOB_YAML, minimalJob } from './fixtures.js';
import { HOSTILE_BOUNDS, measure } from './measure.js';

/** JOB_YAML with `lines` appended under `spec:` (two-space indented). */
function jobWith(lines: string): string {
  return `${JOB_YAML}${lines}`;
}

function issuesOf(result: ParseResult): FieldIssue[] {
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.documents)}`);
  return result.issues;
}

/**
 * Parses `input` and asserts a rejection within the bounds, with an issue whose message matches
 * `cause` and no sign of a crash. Returns the issues for further checks.
 */
function expectRefused(input: string | Uint8Array, cause: RegExp, filename?: string): FieldIssue[] {
  const cost = measure(() => parseSpecDocuments(input, filename === undefined ? {} : { filename }));
  const issues = issuesOf(cost.value);
  const text = JSON.stringify(issues);
  expect(
    issues.some((issue) => cause.test(issue.message)),
    text.slice(0, 2000),
  ).toBe(true);
  expect(text).not.toMatch(/call stack|native code|could not be parsed/i);
  expect(issues.length).toBeLessThanOrEqual(SPEC_LIMITS.issues + 1);
  expect(cost.wallMs).toBeLessThan(HOSTILE_BOUNDS.wallMs);
  expect(cost.cpuMs).toBeLessThan(HOSTILE_BOUNDS.cpuMs);
  expect(cost.heapMb).toBeLessThan(HOSTILE_BOUNDS.memoryMb);
  expect(cost.peakRssMb).toBeLessThan(HOSTILE_BOUNDS.memoryMb);
  return issues;
}

function expectAccepted(input: string | Uint8Array, filename?: string) {
  const result = parseSpecDocuments(input, filename === undefined ? {} : { filename });
  if (!result.ok) throw new Error(`expected documents, got ${JSON.stringify(result.issues)}`);
  return result.documents;
}

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))),
  );

describe('size', () => {
  it('refuses a file over the limit before parsing it, whatever it holds', () => {
    const issues = expectRefused(Buffer.alloc(MAX_SPEC_FILE_BYTES + 1, 0x20), /larger than 1 MiB/);
    expect(issues).toEqual([
      {
        path: 'documents',
        message: `is larger than 1 MiB (${MAX_SPEC_FILE_BYTES} bytes); split it into several files`,
      },
    ]);
    // Characters are not bytes: 600 Ki two-byte characters are 1.2 MiB.
    expectRefused(`# ${'é'.repeat(600 * 1024)}\n${JOB_YAML}`, /larger than 1 MiB/);
  });

  it('refuses a document the store would refuse (what fjc validate accepts, the store accepts)', () => {
    const args = Array.from({ length: 1100 }, (_, i) => `"--arg-${i}=${'x'.repeat(90)}"`);
    const issues = expectRefused(jobWith(`  args: [${args.join(', ')}]\n`), /as stored JSON/);
    expect(issues).toEqual([
      {
        path: 'documents[0]',
        message: expect.stringMatching(
          new RegExp(
            `^is (more than )?\\d+ bytes as stored JSON; the store accepts at most ${MAX_SPEC_DOCUMENT_BYTES}`,
          ),
        ) as string,
      },
    ]);
  });

  it('refuses a flood of values early, before validating them', () => {
    const items = Array.from({ length: 400_000 }, () => 'x').join(',');
    expectRefused(`[${items}]`, /more than 100000 keys and values/);
  });
});

describe('nesting', () => {
  it('refuses 10,000 levels of flow and JSON nesting, 1,000 of block nesting, with a clear message', () => {
    expectRefused('['.repeat(10_000) + ']'.repeat(10_000), /nested more than 32 levels/);
    expectRefused(
      '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
      /nested more than 32/,
      'a.json',
    );
    let block = '';
    // Indentation makes deeper block nesting larger than the size limit.
    for (let depth = 0; depth < 1_000; depth++) block += `${' '.repeat(depth)}a:\n`;
    expectRefused(block, /nested more than 32 levels/);
    expectRefused('- '.repeat(10_000) + 'x\n', /nested more than 32 levels/);
  });

  it('draws the line at the same depth in YAML and JSON', () => {
    const nested = (depth: number): unknown => (depth === 1 ? { a: 1 } : { a: nested(depth - 1) });
    for (const [depth, refused] of [
      [32, false],
      [33, true],
    ] as const) {
      const job = minimalJob();
      job.metadata = nested(depth - 1);
      for (const text of [JSON.stringify(job), JSON.stringify(job, null, 1), stringify(job)]) {
        const issues = issuesOf(parseSpecDocuments(text));
        expect(issues.some((issue) => issue.message.includes('nested more than 32'))).toBe(refused);
      }
    }
  });
});

describe('aliases', () => {
  it('refuses the billion laughs', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    expectRefused(`${lines.join('\n')}\n`, /aliases expand to more than/);
  });

  it('refuses a large anchor repeated under the alias count limit', () => {
    const list = Array.from({ length: 20_000 }, () => 'x').join(',');
    const text = jobWith(
      `  args: &big [${list}]\n  flinkConfiguration: {k: [${Array(90).fill('*big').join(',')}]}\n`,
    );
    expectRefused(text, /aliases expand to more than/);
  });

  it('refuses more than 100 aliases in a document', () => {
    const text = jobWith(`  args: [&x a, ${Array(101).fill('*x').join(', ')}]\n`);
    expectRefused(text, /more than 100 aliases/);
  });

  it('refuses an alias inside the node it refers to', () => {
    expectRefused(jobWith('  args: &loop [a, *loop]\n'), /refers to a node that contains it/);
  });

  it('still accepts a few aliases', () => {
    const text = `${jobWith('  args: &args [a, b]\n')}---\n${JOB_YAML.replace('counter', 'other')}  args: [c]\n`;
    expect(expectAccepted(text)).toHaveLength(2);
  });
});

describe('keys', () => {
  it('finds a duplicate among 40,000 keys without quadratic work', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `    k${i}: v\n`).join('');
    const issues = expectRefused(
      jobWith(`  flinkConfiguration:\n${keys}    k7: again\n`),
      /duplicate key "k7"/,
    );
    expect(issues.find((issue) => issue.message.includes('duplicate'))).toEqual({
      path: 'documents[0].spec.flinkConfiguration.k7',
      message: expect.stringMatching(
        /^duplicate key "k7" \(first at line 18, column 5\) \(line \d+, column 5\)$/,
      ) as string,
    });
  });

  it('refuses duplicate keys in JSON, which JSON.parse would drop silently', () => {
    const issues = expectRefused(
      '{"kind": "FlinkJob", "kind": "FlinkCluster"}',
      /duplicate key "kind"/,
      'a.json',
    );
    expect(issues[0]).toEqual({
      path: 'documents[0].kind',
      message: 'duplicate key "kind" (first at line 1, column 2) (line 1, column 22)',
    });
  });

  it('refuses __proto__ keys at every depth, in YAML and in JSON', () => {
    expectRefused(jobWith('  flinkConfiguration:\n    __proto__: x\n'), /is not allowed as a key/);
    expectRefused(jobWith('  __proto__: {parallelism: 2}\n'), /is not allowed as a key/);
    const json = JSON.stringify(minimalJob()).replace('"spec":{', '"spec":{"__proto__":{"a":1},');
    expectRefused(json, /is not allowed as a key/, 'a.json');
  });

  it('treats keys named like Object.prototype members as plain data', () => {
    const config = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
    const [job] = expectAccepted(
      jobWith(`  flinkConfiguration:\n${config.map((key) => `    ${key}: x\n`).join('')}`),
    );
    expect(job?.kind === 'FlinkJob' && Object.keys(job.spec.flinkConfiguration)).toEqual(config);
    const issues = issuesOf(parseSpecDocuments(jobWith('  constructor: x\n  toString: y\n')));
    expect(issues.map((issue) => issue.path)).toEqual([
      'documents[0].spec.constructor',
      'documents[0].spec.toString',
    ]);
    expect(JSON.stringify(issues)).not.toMatch(/native code|function/);
  });

  it('refuses keys that are not plain strings', () => {
    expectRefused(jobWith('  flinkConfiguration:\n    ? [a, b]\n    : x\n'), /key/i);
  });
});

describe('tags', () => {
  it.each([
    ['!!js/function "function () { return 1 }"', '!!js/function'],
    ['!!python/object:os.system ls', '!!python/object:os.system'],
    ['!custom x', '!custom'],
    ['!!binary aGVsbG8=', '!!binary'],
    ['!<tag:example.com,2000:x> y', '!<tag:example.com,2000:x>'],
  ])('refuses %s, naming the tag', (value, tag) => {
    const issues = expectRefused(jobWith(`  args: [${value}]\n`), /tags are not allowed/);
    expect(issues[0]).toEqual({
      path: 'documents[0].spec.args[0]',
      message: `has the YAML tag ${tag}; tags are not allowed in specs: remove it and write the value as plain text (line 10, column 10)`,
    });
  });

  it('refuses tags declared with %TAG and tags on collections and keys', () => {
    expectRefused(
      `%TAG !e! tag:example.com,2000:\n---\n${jobWith('  args: [!e!x y]\n')}`,
      /YAML tag/,
    );
    expectRefused(jobWith('  flinkConfiguration: !!set {a: b}\n'), /YAML tag !!set/);
    expectRefused(
      jobWith('  flinkConfiguration: {!!js/undefined a: b}\n'),
      /YAML tag !!js\/undefined/,
    );
  });

  it('allows the tags of the YAML core schema', () => {
    const [job] = expectAccepted(jobWith('  args: [!!str 1, !!str true]\n'));
    expect(job?.kind === 'FlinkJob' && job.spec.args).toEqual(['1', 'true']);
  });
});

describe('control characters', () => {
  it('refuses raw control characters with their position', () => {
    const issues = expectRefused(jobWith('  args: ["a\0b"]\n'), /U\+0000/);
    expect(issues).toEqual([
      {
        path: 'documents',
        message:
          'contains the control character U+0000 at line 10, column 12; spec files are plain text: remove it (a file full of U+0000 is often UTF-16: save it as UTF-8)',
      },
    ]);
    expectRefused(jobWith('  args: [a\u0007b]\n'), /U\+0007/);
    expectRefused(jobWith('  args: [a\u009bb]\n'), /U\+009B/);
    expectRefused(`# \u202E hidden\n${JOB_YAML}`, /U\+202E/);
    expectRefused(`${JOB_YAML}# a\uFEFFb\n`, /U\+FEFF/);
  });

  it('refuses escaped control characters in values and keys', () => {
    const issues = expectRefused(jobWith('  args: ["a\\0b"]\n'), /control character/);
    expect(issues).toEqual([
      {
        path: 'documents[0].spec.args[0]',
        message: 'contains the control character U+0000: remove it (line 10, column 10)',
      },
    ]);
    const json = JSON.stringify({ ...minimalJob(), metadata: { name: 'a', labels: {} } }).replace(
      '"labels":{}',
      '"labels":{"a\\u001bb":"x"}',
    );
    expectRefused(json, /control character U\+001B/, 'a.json');
    expectRefused(jobWith('  flinkConfiguration: {"a\\u200Bb": x}\n'), /U\+200B/);
    expectRefused(jobWith('  args: ["\\u202Eevil"]\n'), /U\+202E/);
  });

  it('allows tabs and line breaks inside values', () => {
    const [job] = expectAccepted(jobWith('  args: ["a\\tb", "line 1\\nline 2", "\t"]\n'));
    expect(job?.kind === 'FlinkJob' && job.spec.args).toEqual(['a\tb', 'line 1\nline 2', '\t']);
  });
});

describe('encodings', () => {
  const job = Buffer.from(JOB_YAML);
  const json = Buffer.from(JSON.stringify(minimalJob()));

  it('accepts one UTF-8 byte order mark, as bytes and as text, in YAML and JSON', () => {
    expect(expectAccepted(bytes([0xef, 0xbb, 0xbf], JOB_YAML))).toHaveLength(1);
    expect(expectAccepted(`\uFEFF${JOB_YAML}`)).toHaveLength(1);
    expect(
      expectAccepted(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]), 'a.json'),
    ).toHaveLength(1);
    expect(expectAccepted(`\uFEFF${json.toString()}`)).toHaveLength(1);
    expectRefused(`\uFEFF\uFEFF${JOB_YAML}`, /U\+FEFF/);
  });

  it('refuses UTF-16 and UTF-32, with or without a byte order mark', () => {
    const utf16le = Buffer.from(`\uFEFF${JOB_YAML}`, 'utf16le');
    expectRefused(utf16le, /is UTF-16 text; spec files must be UTF-8/);
    expectRefused(Buffer.from(utf16le).swap16(), /is UTF-16/);
    expectRefused(Buffer.from(JOB_YAML, 'utf16le'), /UTF-16/);
    expectRefused(bytes([0xff, 0xfe, 0, 0], 'a'), /is UTF-32/);
    expectRefused(bytes([0, 0, 0xfe, 0xff]), /is UTF-32/);
  });

  it('refuses bytes that are not UTF-8, naming the offset', () => {
    const issues = expectRefused(bytes(JOB_YAML, [0xff]), /not valid UTF-8/);
    expect(issues).toEqual([
      {
        path: 'documents',
        message: `is not valid UTF-8 (byte ${job.length}): spec files are YAML or JSON text in UTF-8`,
      },
    ]);
    expectRefused(bytes('a: ', [0xc0, 0xaf]), /not valid UTF-8 \(byte 3\)/); // overlong '/'
    expectRefused(bytes('a: ', [0xed, 0xa0, 0x80]), /not valid UTF-8/); // a surrogate
    expectRefused(bytes('a: ', [0xe2, 0x82]), /not valid UTF-8/); // cut short
  });
});

describe('unicode', () => {
  it('refuses lone surrogates, in text and through JSON escapes', () => {
    expectRefused(`${JOB_YAML}  args: [a\uD800]\n`, /U\+D800/);
    const json = JSON.stringify({
      ...minimalJob(),
      spec: { ...(minimalJob().spec as object), args: ['x'] },
    });
    expectRefused(json.replace('["x"]', '["\\ud800"]'), /U\+D800/, 'a.json');
  });

  it('keeps what belongs: non-ASCII letters and emoji in values', () => {
    const [job] = expectAccepted(jobWith('  args: ["Grüße", "日本", "👩‍💻"]\n'));
    expect(job?.kind === 'FlinkJob' && job.spec.args).toEqual(['Grüße', '日本', '👩‍💻']);
  });

  it('refuses look-alike names', () => {
    expectRefused(JOB_YAML.replace('name: counter', 'name: cοunter'), /DNS label/); // Greek omicron
  });
});

describe('issue floods', () => {
  it('lists the first problems and counts the rest', () => {
    // 45,000 wrong values: fewer than the value limit, smaller than the store limit.
    const args = Array.from({ length: 45_000 }, () => '1').join(',');
    const issues = expectRefused(jobWith(`  args: [${args}]\n`), /more problems/);
    expect(issues).toHaveLength(SPEC_LIMITS.issues + 1);
    expect(issues[SPEC_LIMITS.issues]).toEqual({
      path: 'documents',
      message: `… and ${45_000 - SPEC_LIMITS.issues} more problems`,
    });
  });

  it('caps issues across documents too', () => {
    const bad = jobWith('  parallelism: 0\n  state: gone\n  upgradeMode: x\n');
    const text = Array.from({ length: 500 }, (_, i) => bad.replace('counter', `c-${i}`)).join(
      '---\n',
    );
    const issues = expectRefused(text, /… and 1400 more problems/);
    expect(issues).toHaveLength(SPEC_LIMITS.issues + 1);
  });
});

describe('CPU budget', () => {
  it('stops a parse that runs out of CPU time, naming the budget', () => {
    const text = Array.from({ length: 200 }, (_, i) => JOB_YAML.replace('counter', `c-${i}`)).join(
      '---\n',
    );
    const result = parseSpecDocuments(text, {}, { ...SPEC_LIMITS, cpuMs: 0 });
    expect(issuesOf(result)).toEqual([
      {
        path: 'documents',
        message: 'took more than 0 ms of CPU time to read; split the file or simplify it',
      },
    ]);
    expect(parseSpecDocuments(text).ok).toBe(true);
  });
});
