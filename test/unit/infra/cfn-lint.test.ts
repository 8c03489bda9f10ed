import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFjcApp } from '../../../lib/fjc-app.js';
import { cfnLint, ensureCfnLint } from './cfn-lint.js';

/**
 * Ignored rules, each with its reason:
 * - W3005 (redundant DependsOn): CDK makes every function depend on its role AND the role's
 *   default policy, so the function is never created before it may log; the role half is
 *   redundant with the GetAtt, harmless, and not configurable.
 */
const IGNORED = ['W3005'];

let outdir: string;
beforeAll(() => {
  ensureCfnLint(); // Installs on the first run; a no-op afterwards.
  outdir = mkdtempSync(join(tmpdir(), 'fjc-cfn-lint-'));
  createFjcApp({ outdir, nag: false, context: { 'fjc:bundle': false } }).app.synth();
}, 300_000);
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('cfn-lint', () => {
  it('finds nothing in the synthesized templates', () => {
    const templates = readdirSync(outdir)
      .filter((name) => name.endsWith('.template.json'))
      .map((name) => join(outdir, name));
    expect(templates).toHaveLength(2);
    const findings = cfnLint(templates, IGNORED).map(
      (m) => `${m.Level} ${m.Rule.Id} ${m.Filename}: ${m.Message}`,
    );
    expect(findings).toEqual([]);
  }, 120_000);
});
