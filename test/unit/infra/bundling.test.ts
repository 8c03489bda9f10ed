import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFjcApp, STACK_NAMES } from '../../../lib/fjc-app.js';
import { HANDLER_METADATA_KEY } from '../../../lib/constructs/fjc-function.js';

/** The one test that really bundles: esbuild, local, no Docker, exactly as `cdk synth` does. */
let outdir: string;
let bundles: { handler: string; dir: string; file: string; bytes: number; mapBytes: number }[];
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'fjc-bundle-'));
  const { app } = createFjcApp({ outdir, nag: false, context: { 'fjc:bundle': true } });
  const template = app.synth().getStackByName(STACK_NAMES.controlPlane).template as {
    Resources: Record<
      string,
      { Type: string; Properties: { Code: { S3Key?: string } }; Metadata?: Record<string, unknown> }
    >;
  };
  bundles = Object.values(template.Resources)
    .filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.[HANDLER_METADATA_KEY] !== undefined,
    )
    .map((r) => {
      const dir = join(outdir, `asset.${String(r.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
      const files = readdirSync(dir);
      const file = files.find((f) => f.endsWith('.mjs')) ?? files.join(',');
      const map = files.find((f) => f.endsWith('.map'));
      return {
        handler: String(r.Metadata?.[HANDLER_METADATA_KEY]),
        dir,
        file,
        bytes: statSync(join(dir, file)).size,
        mapBytes: map === undefined ? 0 : statSync(join(dir, map)).size,
      };
    });
  console.table(
    bundles.map(({ handler, file, bytes, mapBytes }) => ({
      function: handler,
      file,
      bytes,
      'sourcemap bytes': mapBytes,
    })),
  );
}, 120_000);
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('Lambda bundles', () => {
  it('are built for all five handlers as ESM with a source map', () => {
    expect(bundles.map((b) => b.handler).sort()).toEqual([
      'api',
      'deploy',
      'ingest',
      'reconcile',
      'verify',
    ]);
    for (const bundle of bundles) {
      expect(bundle.file).toBe('index.mjs');
      expect(bundle.bytes).toBeGreaterThan(0);
      expect(bundle.mapBytes).toBeGreaterThan(0);
    }
  });

  // The environment a deployed function gets; module init validates it.
  const lambdaEnv = {
    ...process.env,
    FJC_TABLE_NAME: 'fjc',
    FJC_BUCKET_NAME: 'fjc-specs',
    FJC_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:fjc',
    AWS_REGION: 'eu-west-1',
  };

  it('load as ES modules in plain Node, export a handler function, and report their init time', () => {
    // One fresh child process per bundle, so the bundles meet Node's own ESM loader (as in
    // Lambda), not Vite's, and each import is a cold start.
    const rows = bundles.map((b) => {
      const url = pathToFileURL(join(b.dir, b.file)).href;
      const script = `const t = performance.now(); const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== 'function') throw new Error('no handler'); console.log(Math.round(performance.now() - t));`;
      const ms = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: lambdaEnv,
        stdio: 'pipe',
      });
      return `${b.handler.padEnd(10)} ${String(b.bytes).padStart(10)} bytes  init ${ms.toString().trim()} ms`;
    });
    console.log(`fjc: Lambda bundles (local esbuild, Node ${process.version})\n${rows.join('\n')}`);
  });

  it('fail the cold start naming a missing environment variable', () => {
    const reconcile = bundles.find((b) => b.handler === 'reconcile');
    if (!reconcile) throw new Error('no reconcile bundle');
    const url = pathToFileURL(join(reconcile.dir, reconcile.file)).href;
    const env = { ...lambdaEnv, FJC_TABLE_NAME: '' };
    let stderr = '';
    try {
      execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(url)})`],
        { env, stdio: 'pipe' },
      );
    } catch (error) {
      stderr = String((error as { stderr?: Buffer }).stderr);
    }
    expect(stderr).toContain('FJC_TABLE_NAME');
  });

  it('keep class names, which Step Functions retries and the recorded errors match on', () => {
    // The state machine's Retry/Catch match `FlinkUnreachableError` and friends by name; a
    // minifier that renames classes would turn every error into `e` and silence those retries.
    const deploy = bundles.find((b) => b.handler === 'deploy');
    if (!deploy) throw new Error('no deploy bundle');
    const url = pathToFileURL(join(deploy.dir, deploy.file)).href;
    const script = `const m = await import(${JSON.stringify(url)}); try { await m.handler({}); } catch (e) { console.log(e.name); }`;
    const name = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: lambdaEnv,
      stdio: 'pipe',
    });
    expect(name.toString().trim()).toBe('ValidationError');
  });

  it('stay well under the 50 MB zipped Lambda limit', () => {
    for (const bundle of bundles) expect(bundle.bytes).toBeLessThan(10 * 1024 * 1024);
  });
});
