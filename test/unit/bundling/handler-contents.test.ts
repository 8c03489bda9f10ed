import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_BUNDLES } from '../../../lib/bundling/bundle-budget.js';
import { bundleHandler, UNDICI_PARTS } from '../../../lib/bundling/handler-bundle.js';
import type { HandlerName } from '../../../lib/constructs/fjc-function.js';

/**
 * What each handler bundle holds, read from esbuild's metafile: the per-handler rules of
 * docs/deploy.md ("Bundle budget"). Sizes are asserted by the infra bundling test; this one says
 * which package went where, so a regression names its cause.
 */
const HANDLERS: readonly HandlerName[] = ['reconcile', 'deploy', 'verify', 'ingest', 'api'];

let outdir: string;
const bundled = new Map<
  HandlerName,
  { packages: Set<string>; inputs: string[]; external: Set<string> }
>();

function packageOf(path: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
}

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'fjc-contents-'));
  for (const handler of HANDLERS) {
    const metafile: Metafile = await bundleHandler({
      entry: join('functions', 'handlers', `${handler}.ts`),
      outfile: join(outdir, handler, 'index.mjs'),
      ...HANDLER_BUNDLES[handler],
    });
    // What made it into the output (a module tree-shaken away is listed with 0 bytes).
    const inputs = Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    );
    // What the output itself imports at run time (the runtime's SDK, Node built-ins).
    const external = new Set(
      Object.values(metafile.outputs).flatMap((output) =>
        output.imports.filter((i) => i.external === true).map((i) => i.path),
      ),
    );
    bundled.set(handler, {
      packages: new Set(inputs.map(packageOf).filter((p) => p !== undefined)),
      inputs,
      external,
    });
  }
}, 120_000);
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

function holding(
  predicate: (b: { packages: Set<string>; inputs: string[]; external: Set<string> }) => boolean,
): HandlerName[] {
  return HANDLERS.filter((h) => {
    const b = bundled.get(h);
    return b !== undefined && predicate(b);
  });
}

describe('handler bundles hold what their function runs', () => {
  it('undici only in the functions that talk to Flink', () => {
    expect(holding((b) => b.packages.has('undici'))).toEqual(['reconcile', 'deploy', 'verify']);
  });

  it('yaml only where YAML is parsed (spec files in ingest, request bodies in the api)', () => {
    expect(holding((b) => b.packages.has('yaml'))).toEqual(['ingest', 'api']);
  });

  it('S3 only where objects are read: artifacts (deploy, verify) and spec files (ingest)', () => {
    expect(holding((b) => b.external.has('@aws-sdk/client-s3'))).toEqual([
      'deploy',
      'verify',
      'ingest',
    ]);
  });

  it('no X-Ray SDK, and the AWS SDK left to the runtime', () => {
    for (const handler of HANDLERS) {
      const b = bundled.get(handler);
      expect(
        [...(b?.packages ?? [])].filter((p) => /xray|tracer|^@aws-sdk\/|^@smithy\//.test(p)),
        handler,
      ).toEqual([]);
    }
  });

  it('zod with its English messages only', () => {
    for (const handler of HANDLERS) {
      const locales = (bundled.get(handler)?.inputs ?? [])
        .filter((p) => !/^[\w-]+:/.test(p)) // files only, not the plugins' stand-ins
        .filter((p) => p.includes('node_modules/zod/') && p.includes('/locales/'))
        .map((p) => p.replace(/^.*\/locales\//, ''));
      expect(locales, handler).toEqual(['en.js']);
    }
  });

  it('undici by its parts, each the very object undici exports', () => {
    const require = createRequire(import.meta.url);
    const undici = require('undici') as Record<string, unknown>;
    for (const [name, path] of Object.entries(UNDICI_PARTS))
      expect(require(path), name).toBe(undici[name]);
    for (const handler of HANDLERS) {
      const index = (bundled.get(handler)?.inputs ?? []).filter((p) =>
        p.endsWith('node_modules/undici/index.js'),
      );
      expect(index, handler).toEqual([]);
    }
  });
});
