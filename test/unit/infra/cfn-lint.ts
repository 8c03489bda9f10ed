/**
 * cfn-lint from PyPI in an ignored virtualenv (`.cache/cfn-lint-venv`), installed on first use.
 * Pinned, so a new cfn-lint release cannot fail the build of an unchanged template.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CFN_LINT_VERSION = '1.58.0';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const VENV = join(ROOT, '.cache', 'cfn-lint-venv');
const BIN = join(VENV, 'bin', 'cfn-lint');

/** The path of the cfn-lint executable, installing it when missing or of another version. */
export function ensureCfnLint(): string {
  const installed = existsSync(BIN)
    ? execFileSync(BIN, ['--version'], { encoding: 'utf8' }).trim()
    : '';
  if (installed.endsWith(CFN_LINT_VERSION)) return BIN;
  if (!existsSync(join(VENV, 'bin', 'python'))) execFileSync('python3', ['-m', 'venv', VENV]);
  execFileSync(join(VENV, 'bin', 'pip'), ['install', '--quiet', `cfn-lint==${CFN_LINT_VERSION}`], {
    stdio: 'inherit',
  });
  return BIN;
}

export interface CfnLintMatch {
  Level: 'Error' | 'Warning' | 'Informational';
  Rule: { Id: string };
  Message: string;
  Filename: string;
}

/** Runs cfn-lint on the templates and returns its findings (its exit code only says which kinds). */
export function cfnLint(templates: string[], ignoreChecks: string[]): CfnLintMatch[] {
  const args = [
    '--format',
    'json',
    ...ignoreChecks.flatMap((c) => ['--ignore-checks', c]),
    '--',
    ...templates,
  ];
  try {
    return JSON.parse(execFileSync(ensureCfnLint(), args, { encoding: 'utf8' })) as CfnLintMatch[];
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout === undefined || stdout === '') throw error;
    return JSON.parse(stdout) as CfnLintMatch[];
  }
}
