/**
 * The layer map is enforced by lint: a wrong import fails `npm run lint` (and so `npm run check`),
 * and docs/architecture.md shows the same arrows as the rule.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS, layerRule, layerViolation } from '../../../scripts/lint/layers.mjs';

const ROOT = join(import.meta.dirname, '../../..');
const FUNCTIONS = join(ROOT, 'functions');

/** ESLint with only the layer rule, as the repository's config wires it. */
function layerLinter(): ESLint {
  return new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['functions/**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { fjc: { rules: { layers: layerRule(FUNCTIONS) } } },
        rules: { 'fjc/layers': 'error' },
      },
    ],
  });
}

async function layerErrors(code: string, file: string): Promise<string[]> {
  const [result] = await layerLinter().lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('the layer rule', () => {
  it('fails on a deliberately wrong import from the core', async () => {
    const errors = await layerErrors(
      "import { DynamoJobStore } from '../../store/index.js';\nexport const s = DynamoJobStore;\n",
      'functions/core/plan/wrong.ts',
    );
    expect(errors).toEqual([expect.stringMatching(/core may not import store/)]);
  });

  it('fails on an AWS SDK or undici import in the core, the API or ingest', async () => {
    for (const [file, pkg] of [
      ['functions/core/x.ts', '@aws-sdk/client-dynamodb'],
      ['functions/api/x.ts', 'undici'],
      ['functions/ingest/x.ts', '@aws-sdk/client-s3'],
    ] as const)
      expect(await layerErrors(`import '${pkg}';\n`, file)).toEqual([
        expect.stringContaining(`may not use ${pkg}`),
      ]);
  });

  it('names a folder that is not in the map', async () => {
    expect(await layerErrors('export const x = 1;\n', 'functions/misc/x.ts')).toEqual([
      expect.stringMatching(/functions\/misc\/ is not a layer/),
    ]);
  });

  it('passes imports along the arrows, re-exports and dynamic imports included', async () => {
    expect(
      await layerErrors(
        [
          "import { sleep } from '../../commons/sleep.js';",
          "export * from '../model/index.js';",
          "export { x } from './x.js';",
          "await import('../spec/index.js');",
          "import { z } from 'zod';",
          'export const y = [sleep, z];',
        ].join('\n'),
        'functions/core/plan/ok.ts',
      ),
    ).toEqual([]);
  });

  it('decides every pair of layers as the map says', () => {
    for (const [from, layer] of Object.entries(LAYERS))
      for (const to of Object.keys(LAYERS)) {
        const verdict = layerViolation(join(FUNCTIONS, from, 'a.ts'), `../${to}/b.js`, FUNCTIONS);
        expect(verdict === undefined, `${from} → ${to}`).toBe(
          from === to || layer.may.includes(to),
        );
      }
    expect(layerViolation(join(FUNCTIONS, 'core/a.ts'), '../../lib/x.js', FUNCTIONS)).toMatch(
      /outside functions/,
    );
  });

  it('is switched on for every file of functions/ by the repository’s config', async () => {
    const config = (await new ESLint({ cwd: ROOT }).calculateConfigForFile(
      join(FUNCTIONS, 'core/reconcile.ts'),
    )) as { rules: Record<string, unknown> };
    expect(config.rules['fjc/layers']).toEqual([2]);
  });
});

describe('docs/architecture.md', () => {
  it('shows the arrows of the map', async () => {
    const doc = await readFile(join(ROOT, 'docs/architecture.md'), 'utf8');
    for (const [name, layer] of Object.entries(LAYERS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}/\``));
      expect(row, `a row for ${name}/`).toBeDefined();
      const may = row?.split('|')[2]?.trim() ?? '';
      const listed = may === '—' ? [] : may.split(',').map((m) => m.trim().replace(/`|\//g, ''));
      expect(listed.sort(), `${name}/ may import`).toEqual([...layer.may].sort());
    }
  });
});
