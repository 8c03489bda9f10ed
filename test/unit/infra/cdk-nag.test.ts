import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFjcApp, type FjcApp } from '../../../lib/fjc-app.js';

/**
 * cdk-nag 3 is a CDK policy-validation plugin: it does not add annotations any more. Synth
 * throws on an unacknowledged error (in-memory app mode) and writes every finding, warnings
 * included, to `validation-report.json`; `validateScope` returns them directly.
 */
let fjc: FjcApp;
let outdir: string;
let synthError: unknown;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'fjc-nag-'));
  fjc = createFjcApp({ outdir, context: { 'fjc:bundle': false } });
  try {
    fjc.app.synth();
  } catch (error) {
    synthError = error;
  }
});
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('cdk-nag AwsSolutions', () => {
  it('is registered as a validation plugin on the app', () => {
    expect(fjc.nag).toBeDefined();
  });

  it('lets the app synthesize (no unacknowledged errors)', () => {
    expect(synthError).toBeUndefined();
  });

  it('reports no unacknowledged finding of any severity', () => {
    const nag = fjc.nag;
    if (nag === undefined) throw new Error('cdk-nag is not registered');
    const report = nag.validateScope(fjc.app);
    const findings = report.violations.map(
      (v) =>
        `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('writes a validation report without violations', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('acknowledges only with a real reason, per finding where the rule is granular', () => {
    const acknowledgements: { path: string; id: string; reason: string }[] = [];
    for (const construct of fjc.app.node.findAll())
      for (const entry of construct.node.metadata)
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
            acknowledgements.push({
              path: construct.node.path,
              id: id.replace(/^annotation::/i, ''),
              reason,
            });
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgements) {
      expect(reason.length, id).toBeGreaterThanOrEqual(40);
      // IAM4/IAM5 findings are acknowledged one by one, never as a whole rule.
      if (/^AwsSolutions-IAM[45]/.test(id)) expect(id).toMatch(/\[.+\]$/);
    }
    // Never a blanket wildcard acknowledgement of a service action.
    expect(acknowledgements.map((a) => a.id)).not.toContainEqual(
      expect.stringMatching(/Action::[a-z0-9-]+:\*\]/),
    );
  });
});
