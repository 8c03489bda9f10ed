/**
 * `npx tsx scripts/bundle-compare.ts [rounds]`: the measurement behind the AWS SDK choice of
 * lib/bundling/bundle-budget.ts. Builds every handler twice, with the SDK bundled (as deployed)
 * and left to the runtime (`@aws-sdk/*` external, imported from node_modules the way a function
 * imports the runtime's), then imports each bundle cold in fresh Node processes, the two
 * variants interleaved so a busy machine slows both alike. Prints bytes and the medians of wall
 * and CPU time of the import (CPU: all of Node's threads; the steadier figure on a shared
 * machine). Not a test: timings are reported, never asserted.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HANDLER_BUNDLES } from '../lib/bundling/bundle-budget.js';
import { bundleHandler } from '../lib/bundling/handler-bundle.js';
import type { HandlerName } from '../lib/constructs/fjc-function.js';

const HANDLERS: readonly HandlerName[] = ['api', 'ingest', 'reconcile', 'deploy', 'verify'];
const VARIANTS = { bundled: [] as string[], runtime: ['@aws-sdk/*'] };
type Variant = keyof typeof VARIANTS;
const rounds = Number(process.argv[2] ?? 7);

// Inside the repository, so that the external variant finds the SDK in node_modules.
mkdirSync('.cache', { recursive: true });
const outdir = mkdtempSync(join('.cache', 'bundle-compare-'));
const env = {
  ...process.env,
  FJC_TABLE_NAME: 'fjc',
  FJC_BUCKET_NAME: 'fjc-specs',
  FJC_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:fjc',
  AWS_REGION: 'eu-west-1',
};

function file(handler: HandlerName, variant: Variant): string {
  return join(outdir, variant, handler, 'index.mjs');
}

function coldImport(path: string, sourceMap: boolean): [number, number] {
  const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(path).href)}); const u = process.cpuUsage(c); console.log(performance.now() - t, (u.user + u.system) / 1000);`;
  const [wall = NaN, cpu = NaN] = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script],
    {
      env: { ...env, NODE_OPTIONS: sourceMap ? '--enable-source-maps' : '' },
    },
  )
    .toString()
    .trim()
    .split(' ')
    .map(Number);
  return [wall, cpu];
}

const median = (values: number[]): string =>
  (values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN).toFixed(0);

try {
  for (const handler of HANDLERS)
    for (const [variant, external] of Object.entries(VARIANTS))
      await bundleHandler({
        entry: join('functions', 'handlers', `${handler}.ts`),
        outfile: file(handler, variant as Variant),
        external,
        sourceMap: HANDLER_BUNDLES[handler].sourceMap,
      });
  const times = new Map<string, { wall: number[]; cpu: number[] }>();
  for (let round = 0; round < rounds; round++)
    for (const handler of HANDLERS)
      for (const variant of Object.keys(VARIANTS) as Variant[]) {
        const [wall, cpu] = coldImport(file(handler, variant), HANDLER_BUNDLES[handler].sourceMap);
        const entry = times.get(`${handler}/${variant}`) ?? { wall: [], cpu: [] };
        entry.wall.push(wall);
        entry.cpu.push(cpu);
        times.set(`${handler}/${variant}`, entry);
      }
  console.log(`fjc: bundle size and cold import, median of ${rounds} (Node ${process.version})`);
  for (const handler of HANDLERS)
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const t = times.get(`${handler}/${variant}`) ?? { wall: [], cpu: [] };
      console.log(
        `${handler.padEnd(10)} SDK ${variant.padEnd(8)} ${String(statSync(file(handler, variant)).size).padStart(9)} bytes` +
          `  ${median(t.wall).padStart(5)} ms wall  ${median(t.cpu).padStart(5)} ms CPU`,
      );
    }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
