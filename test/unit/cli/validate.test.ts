/**
 * `fjc validate` through the real launcher in a child process: exit codes and every problem
 * printed with its file, position and path.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/fjc.mjs', import.meta.url));

function fjc(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Five different mistakes: wrong apiVersion, bad name, missing artifact, bad type, bad enum. */
const FIVE_MISTAKES = `apiVersion: fjc.dev/v2
kind: FlinkJob
metadata:
  name: Orders_1
spec:
  team: payments
  clusterRef: eu-1
  parallelism: two
  upgradeMode: sometimes
`;

const VALID = `apiVersion: fjc.dev/v1
kind: FlinkCluster
metadata:
  name: eu-1
spec:
  url: http://127.0.0.1:8081
---
apiVersion: fjc.dev/v1
kind: FlinkJob
metadata:
  name: orders
spec:
  team: payments
  clusterRef: eu-1
  artifact:
    uri: s3://bucket/app.jar
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fjc-validate-'));
  await writeFile(join(dir, 'bad.yaml'), FIVE_MISTAKES);
  await writeFile(join(dir, 'good.yaml'), VALID);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fjc validate', () => {
  it('warns, exiting 0, when the configuration turns off the checkpoints the gate waits for', async () => {
    await writeFile(
      join(dir, 'no-checkpoints.yaml'),
      `${VALID}  flinkConfiguration:\n    execution.checkpointing.interval: "0"\n`,
    );
    const { code, stdout, stderr } = await fjc(['validate', 'no-checkpoints.yaml'], dir);
    expect(code).toBe(0);
    expect(stdout).toContain('no-checkpoints.yaml: ok');
    expect(stderr.trim()).toMatch(
      /^no-checkpoints\.yaml: warning: FlinkJob\/orders: spec\.flinkConfiguration\.execution\.checkpointing\.interval: "0" disables checkpointing, but stabilityGate\.minCompletedCheckpoints is \d+/,
    );
  });

  it('exits 2 and names all five mistakes with file, line and column', async () => {
    const { code, stdout, stderr } = await fjc(['validate', 'bad.yaml'], dir);
    expect(code).toBe(2);
    expect(stdout.trim().split('\n')).toEqual([
      'bad.yaml:1:13: documents[0].apiVersion: must be "fjc.dev/v1"',
      "bad.yaml:4:9: documents[0].metadata.name: must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit",
      'bad.yaml:8:16: documents[0].spec.parallelism: must be a whole number from 1 to 32768',
      'bad.yaml:9:16: documents[0].spec.upgradeMode: must be one of stateless, savepoint, last-state',
      'bad.yaml:6:3: documents[0].spec: give exactly one of artifact (a jar job), python (a PyFlink job) or sql (a SQL job)',
    ]);
    expect(stderr).toBe('1 of 1 file invalid, 5 problems\n');
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('exits 0 for valid files and lists their documents', async () => {
    const { code, stdout } = await fjc(['validate', 'good.yaml'], dir);
    expect(code).toBe(0);
    expect(stdout).toBe('good.yaml: ok (2 documents: FlinkCluster/eu-1, FlinkJob/orders)\n');
  });

  it('reports every file, including one that cannot be read, and exits 2', async () => {
    const { code, stdout } = await fjc(['validate', 'good.yaml', 'missing.yaml', 'bad.yaml'], dir);
    expect(code).toBe(2);
    expect(stdout).toContain('good.yaml: ok');
    expect(stdout).toContain('missing.yaml: (file): cannot be read: no such file');
    expect(stdout.split('\n').filter((line) => line.startsWith('bad.yaml:'))).toHaveLength(5);
  });

  it('prints help from any working directory and exits 2 on a usage error', async () => {
    const help = await fjc(['--help'], tmpdir());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: fjc');
    expect(help.stdout).toContain('Exit codes:');
    const usage = await fjc(['get', '-o', 'xml'], tmpdir());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("argument 'xml' is invalid");
  });
});
