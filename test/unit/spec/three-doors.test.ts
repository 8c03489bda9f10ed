/**
 * What `fjc validate` accepts, the API and S3 ingest accept, and the reverse: one corpus of
 * valid and hostile files, byte for byte, through the three doors, the CLI (in-process), the API
 * (real HTTP) and ingest (s3rver + the handler). The verdicts must agree; where the API and
 * ingest list problems, they list the same ones; a refusal never changes the store and never
 * comes back as a 5xx.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SPEC_FILE_BYTES } from '../../../functions/core/spec/index.js';
import { TOKEN, startHarness, type Harness } from '../api/harness.js';
import { runCaptured } from '../cli/harness.js';
import { newBench, snapshot, type Bench } from '../ingest/fixtures.js';
import { startS3rver, type LocalS3 } from '../../support/s3rver.js';
import { HOSTILE_BOUNDS } from './measure.js';

const cluster = (name: string) =>
  `apiVersion: fjc.dev/v1\nkind: FlinkCluster\nmetadata:\n  name: ${name}\nspec:\n  url: http://127.0.0.1:8081\n`;
const job = (name: string, cluster: string, extra = '') =>
  `apiVersion: fjc.dev/v1\nkind: FlinkJob\nmetadata:\n  name: ${name}\nspec:\n  team: payments\n  clusterRef: ${cluster}\n  artifact:\n    uri: s3://fjc-artifacts/${name}/${name}-1.0.jar\n${extra}`;
/** A cluster and a job of unique names, `extra` lines under the job's spec. */
function fleet(extra = ''): string {
  const id = randomUUID().slice(0, 8);
  return `${cluster(`c-${id}`)}---\n${job(`j-${id}`, `c-${id}`, extra)}`;
}
function fleetJson(): string {
  const id = randomUUID().slice(0, 8);
  return JSON.stringify([
    {
      apiVersion: 'fjc.dev/v1',
      kind: 'FlinkCluster',
      metadata: { name: `c-${id}` },
      spec: { url: 'http://127.0.0.1:8081' },
    },
    {
      apiVersion: 'fjc.dev/v1',
      kind: 'FlinkJob',
      metadata: { name: `j-${id}` },
      spec: { team: 'payments', clusterRef: `c-${id}`, artifact: { uri: 's3://b-1/a.jar' } },
    },
  ]);
}

interface Sample {
  name: string;
  file: string;
  bytes: () => Uint8Array;
  accepted: boolean;
}

const utf8 = (text: string) => Buffer.from(text);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const CORPUS: Sample[] = [
  { name: 'a valid file', file: 'ok.yaml', bytes: () => utf8(fleet()), accepted: true },
  {
    name: 'a UTF-8 BOM (YAML)',
    file: 'bom.yaml',
    bytes: () => Buffer.concat([BOM, utf8(fleet())]),
    accepted: true,
  },
  {
    name: 'a UTF-8 BOM (JSON)',
    file: 'bom.json',
    bytes: () => Buffer.concat([BOM, utf8(fleetJson())]),
    accepted: true,
  },
  {
    name: 'tabs and line breaks in args',
    file: 'tabs.yaml',
    bytes: () => utf8(fleet('  args: ["a\\tb", "1\\n2"]\n')),
    accepted: true,
  },
  {
    name: 'keys named like prototype members',
    file: 'proto-names.yaml',
    bytes: () => utf8(fleet('  flinkConfiguration: {constructor: x, toString: y}\n')),
    accepted: true,
  },
  {
    name: 'UTF-16 with a BOM',
    file: 'utf16.yaml',
    bytes: () => Buffer.from(`\uFEFF${fleet()}`, 'utf16le'),
    accepted: false,
  },
  {
    name: 'a byte that is not UTF-8',
    file: 'latin1.yaml',
    bytes: () => Buffer.concat([utf8(fleet()), Buffer.from([0xe9])]),
    accepted: false,
  },
  {
    name: 'a raw NUL',
    file: 'nul.yaml',
    bytes: () => utf8(fleet('  args: ["a\0"]\n')),
    accepted: false,
  },
  {
    name: 'an escaped NUL',
    file: 'nul-escaped.yaml',
    bytes: () => utf8(fleet('  args: ["a\\0"]\n')),
    accepted: false,
  },
  {
    name: 'a bidi override in a comment',
    file: 'bidi.yaml',
    bytes: () => utf8(`# \u202E\n${fleet()}`),
    accepted: false,
  },
  {
    name: 'a !!js/function tag',
    file: 'tag.yaml',
    bytes: () => utf8(fleet('  args: [!!js/function "function(){}"]\n')),
    accepted: false,
  },
  {
    name: 'a duplicate key',
    file: 'dup.json',
    bytes: () => utf8('{"kind":"FlinkJob","kind":"FlinkCluster"}'),
    accepted: false,
  },
  {
    name: 'a __proto__ key',
    file: 'proto.yaml',
    bytes: () => utf8(fleet('  flinkConfiguration: {__proto__: x}\n')),
    accepted: false,
  },
  {
    name: 'an inline secret',
    file: 'secret.yaml',
    bytes: () => utf8(fleet('  flinkConfiguration: {s3.secret-key: abc}\n')),
    accepted: false,
  },
  ...[
    'http://169.254.169.254/latest/meta-data',
    'http://2852039166:80',
    'http://0xa9fea9fe',
    'http://[::ffff:169.254.169.254]:8081',
    'http://169.254.170.2/v2/credentials',
  ].map((url): Sample => ({
    name: `a cluster url at the metadata endpoint (${url})`,
    file: 'ssrf.yaml',
    bytes: () => utf8(fleet().replace('http://127.0.0.1:8081', url)),
    accepted: false,
  })),
  {
    name: 'a document larger than the store accepts',
    file: 'store-size.yaml',
    bytes: () =>
      utf8(
        fleet(
          `  args: [${Array.from({ length: 1100 }, () => `"${'x'.repeat(100)}"`).join(',')}]\n`,
        ),
      ),
    accepted: false,
  },
  {
    name: 'a file over 1 MiB',
    file: 'huge.yaml',
    bytes: () => Buffer.alloc(MAX_SPEC_FILE_BYTES + 1, 0x20),
    accepted: false,
  },
  {
    name: '10,000 levels of nesting',
    file: 'deep.yaml',
    bytes: () => utf8(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
    accepted: false,
  },
  {
    name: 'the billion laughs',
    file: 'laughs.yaml',
    bytes: () => {
      const lines = ['a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]'];
      for (let i = 1; i < 9; i++)
        lines.push(
          `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(96 + i)}`)
            .join(',')}]`,
        );
      return utf8(`${lines.join('\n')}\n`);
    },
    accepted: false,
  },
  {
    name: 'a flood of wrong values',
    file: 'flood.yaml',
    bytes: () => utf8(fleet(`  args: [${Array(45_000).fill('1').join(',')}]\n`)),
    accepted: false,
  },
];

let dir: string;
let api: Harness;
let s3: LocalS3;
let bench: Bench;

beforeAll(async () => {
  [api, s3, dir] = await Promise.all([
    startHarness(),
    startS3rver(),
    mkdtemp(join(tmpdir(), 'fjc-doors-')),
  ]);
  bench = await newBench(s3, api.dynamo);
});
afterAll(async () => {
  await Promise.all([api.stop(), s3.stop(), rm(dir, { recursive: true, force: true })]);
});

interface Verdicts {
  cli: boolean;
  api: boolean;
  ingest: boolean;
  apiIssues?: unknown;
  ingestIssues?: unknown;
}

async function throughCli(sample: Sample, bytes: Uint8Array): Promise<boolean> {
  await writeFile(join(dir, sample.file), bytes);
  const run = await runCaptured(['validate', sample.file], { cwd: dir });
  expect([0, 2], run.stderr).toContain(run.code);
  return run.code === 0;
}

async function throughApi(
  sample: Sample,
  bytes: Uint8Array,
): Promise<{ ok: boolean; issues?: unknown }> {
  const before = await api.snapshot();
  const started = performance.now();
  const response = await fetch(`${api.url}/v1/plan`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN.root}`,
      'content-type': sample.file.endsWith('.json') ? 'application/json' : 'application/yaml',
    },
    body: bytes,
  });
  const text = await response.text();
  expect(performance.now() - started).toBeLessThan(HOSTILE_BOUNDS.wallMs);
  expect(response.status, text.slice(0, 500)).toBeLessThan(500);
  expect(await api.snapshot()).toBe(before);
  if (response.status === 200) return { ok: true };
  expect([400, 413], text.slice(0, 500)).toContain(response.status);
  const body = JSON.parse(text) as { error: { issues?: unknown } };
  return { ok: false, issues: body.error.issues };
}

async function throughIngest(
  sample: Sample,
  bytes: Uint8Array,
): Promise<{ ok: boolean; issues?: unknown }> {
  // One key per sample; an authorization scheme by key prefix would choose it here.
  const key = `specs/admin/doors/${randomUUID().slice(0, 8)}/${sample.file}`;
  const before = await snapshot(bench.store, []);
  const outcome = await bench.handler(await bench.upload(key, bytes));
  expect(['applied', 'rejected']).toContain(outcome.status);
  if (outcome.status === 'applied') return { ok: true };
  expect(await snapshot(bench.store, [])).toEqual(before);
  const result = await bench.result(key);
  return { ok: false, issues: result.issues };
}

describe('the three doors', () => {
  it.each(CORPUS)('agree on $name', async (sample) => {
    const bytes = sample.bytes();
    const verdicts: Verdicts = { cli: await throughCli(sample, bytes), api: false, ingest: false };
    const viaApi = await throughApi(sample, bytes);
    const viaIngest = await throughIngest(sample, bytes);
    verdicts.api = viaApi.ok;
    verdicts.ingest = viaIngest.ok;
    expect(verdicts).toEqual({
      cli: sample.accepted,
      api: sample.accepted,
      ingest: sample.accepted,
    });
    // Both list problems for everything below the size limit, and list the same ones.
    if (!sample.accepted && bytes.byteLength <= MAX_SPEC_FILE_BYTES)
      expect(viaApi.issues).toEqual(viaIngest.issues);
  });
});
