import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApplyResult } from '../../../functions/core/apply/apply-documents.js';
import { SpecFolder } from '../../../scripts/local/spec-files.js';

const applied: ApplyResult = { clusters: [], jobs: [] };

let root: string;
let specs: string;
let digests: string;
let calls: string[];

const apply = (text: string, file: string): Promise<ApplyResult> => {
  calls.push(`${file}:${text}`);
  return Promise.resolve(applied);
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'fjc-specs-'));
  specs = join(root, 'specs');
  digests = join(root, '.local', 'spec-digests.json');
  await mkdir(specs);
  calls = [];
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('SpecFolder', () => {
  it('does not re-apply, after a restart, a file that has not changed since it was applied', async () => {
    await writeFile(join(specs, 'job.yaml'), 'v1');
    const first = new SpecFolder(specs, apply, root, { digestsFile: digests });
    expect((await first.sync()).map((o) => o.status)).toEqual(['applied']);
    // A restart: a new folder object reading the digests the first one remembered.
    const restarted = new SpecFolder(specs, apply, root, { digestsFile: digests });
    expect((await restarted.sync()).map((o) => o.status)).toEqual(['unchanged']);
    expect(calls).toEqual(['specs/job.yaml:v1']);
    expect(JSON.parse(await readFile(digests, 'utf8'))).toHaveProperty(['specs/job.yaml']);
  });

  it('applies after a restart a file edited while fjc was down', async () => {
    await writeFile(join(specs, 'job.yaml'), 'v1');
    await new SpecFolder(specs, apply, root, { digestsFile: digests }).sync();
    await writeFile(join(specs, 'job.yaml'), 'v2');
    const restarted = new SpecFolder(specs, apply, root, { digestsFile: digests });
    expect((await restarted.sync()).map((o) => o.status)).toEqual(['applied']);
    expect(calls).toEqual(['specs/job.yaml:v1', 'specs/job.yaml:v2']);
  });

  it('re-applies a file whose fingerprint changed although its text did not', async () => {
    await writeFile(join(specs, 'cluster.yaml'), 'kind: FlinkCluster');
    let url = 'http://127.0.0.1:1000';
    const fingerprint = (text: string) => `${text}\n${url}`;
    await new SpecFolder(specs, apply, root, { digestsFile: digests, fingerprint }).sync();
    url = 'http://127.0.0.1:2000';
    const restarted = new SpecFolder(specs, apply, root, { digestsFile: digests, fingerprint });
    expect((await restarted.sync()).map((o) => o.status)).toEqual(['applied']);
  });

  it('retries a rejected file after a restart, and remembers nothing for it', async () => {
    await writeFile(join(specs, 'job.yaml'), 'bad');
    const rejecting = () => Promise.reject(new Error('no'));
    const first = new SpecFolder(specs, rejecting, root, { digestsFile: digests });
    expect((await first.sync()).map((o) => o.status)).toEqual(['rejected']);
    expect((await first.sync()).map((o) => o.status)).toEqual(['unchanged']);
    const restarted = new SpecFolder(specs, apply, root, { digestsFile: digests });
    expect((await restarted.sync()).map((o) => o.status)).toEqual(['applied']);
  });

  it('applies every file again when told the store the digests were applied to is gone', async () => {
    await writeFile(join(specs, 'job.yaml'), 'v1');
    await new SpecFolder(specs, apply, root, { digestsFile: digests }).sync();
    const fresh = new SpecFolder(specs, apply, root, { digestsFile: digests, forgetApplied: true });
    expect((await fresh.sync()).map((o) => o.status)).toEqual(['applied']);
  });

  it('treats an unreadable digests file as none remembered', async () => {
    await writeFile(join(specs, 'job.yaml'), 'v1');
    await mkdir(join(root, '.local'));
    await writeFile(digests, '{not json');
    const folder = new SpecFolder(specs, apply, root, { digestsFile: digests });
    expect((await folder.sync()).map((o) => o.status)).toEqual(['applied']);
  });
});
