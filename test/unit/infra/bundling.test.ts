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

  it('load as ES modules in plain Node and export a handler function', () => {
    // A child process, so the bundles meet Node's own ESM loader (as in Lambda), not Vite's.
    const files = bundles.map((b) => pathToFileURL(join(b.dir, b.file)).href);
    const script = `for (const f of ${JSON.stringify(files)}) { const m = await import(f); if (typeof m.handler !== 'function') throw new Error(f); }`;
    expect(() =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' }),
    ).not.toThrow();
  });

  it('stay well under the 50 MB zipped Lambda limit', () => {
    for (const bundle of bundles) expect(bundle.bytes).toBeLessThan(10 * 1024 * 1024);
  });
});
