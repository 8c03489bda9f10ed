import type { Rule } from 'eslint';

/** One layer of functions/: the layers it may import and the packages it may not use. */
export interface Layer {
  may: readonly string[];
  packages?: readonly string[];
  why: string;
}

export const LAYERS: Readonly<Record<string, Layer>>;
export function layerViolation(
  file: string,
  source: string,
  functionsDir: string,
): string | undefined;
export function layerRule(functionsDir: string): Rule.RuleModule;
