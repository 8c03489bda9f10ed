// @ts-check
/**
 * The layer map of functions/ as data, and the ESLint rule that enforces it. Each folder directly
 * under functions/ is a layer; an import from one layer into another must be an arrow of this map,
 * and some layers may not use some packages at all (the core talks to no AWS service and no
 * HTTP client: adapters do). docs/architecture.md draws the same map; a test keeps them equal.
 */
import { dirname, relative, resolve, sep } from 'node:path';

/** @typedef {{ may: readonly string[], packages?: readonly string[], why: string }} Layer */

/** Packages only adapters and composition roots may use. */
const IO_PACKAGES = ['@aws-sdk/', '@smithy/', 'undici', '@aws-lambda-powertools/parameters'];

/** @type {Readonly<Record<string, Layer>>} */
export const LAYERS = {
  commons: {
    may: [],
    packages: [...IO_PACKAGES],
    why: 'the shared kernel (errors, environment, observability) depends on nothing of fjc',
  },
  core: {
    may: ['commons'],
    packages: [...IO_PACKAGES, '@aws-lambda-powertools/', 'aws-cdk-lib'],
    why: 'the core is plain TypeScript: it defines the ports and never reaches for an adapter',
  },
  flink: {
    may: ['commons', 'core'],
    packages: ['@aws-sdk/', '@smithy/'],
    why: 'the Flink adapter implements the core’s Flink port and knows nothing else',
  },
  store: {
    may: ['commons', 'core'],
    packages: ['undici'],
    why: 'the DynamoDB adapter implements the core’s store ports and knows nothing else',
  },
  adapters: {
    may: ['commons', 'core', 'flink', 'store'],
    why: 'the other adapters (S3, Step Functions, secrets, files) implement core ports',
  },
  api: {
    may: ['commons', 'core'],
    packages: [...IO_PACKAGES],
    why: 'the API is transport-neutral: it gets its ports injected',
  },
  ingest: {
    may: ['commons', 'core'],
    packages: [...IO_PACKAGES],
    why: 'spec intake gets its ports injected',
  },
  runtime: {
    may: ['commons', 'core', 'flink', 'store', 'adapters', 'api', 'ingest'],
    why: 'the composition roots wire adapters to the core, the API and ingest',
  },
  handlers: {
    may: ['commons', 'core', 'api', 'ingest', 'runtime'],
    packages: [...IO_PACKAGES],
    why: 'Lambda entry points: parse the event, call the core through a factory, map the result',
  },
};

/**
 * @param {string} file absolute path of the importing file
 * @param {string} functionsDir absolute path of functions/
 * @returns {string | undefined} the layer a file of functions/ belongs to
 */
function layerOf(file, functionsDir) {
  const rel = relative(functionsDir, file);
  if (rel.startsWith('..') || rel === '') return undefined;
  return rel.split(sep)[0];
}

/**
 * Why `source`, imported from `file`, breaks the map; undefined when it keeps it.
 * @param {string} file
 * @param {string} source
 * @param {string} functionsDir
 * @returns {string | undefined}
 */
export function layerViolation(file, source, functionsDir) {
  const from = layerOf(file, functionsDir);
  if (from === undefined || !file.endsWith('.ts')) return undefined;
  const layer = LAYERS[from];
  if (!layer) return undefined; // reported once per file by the rule
  if (source.startsWith('.')) {
    const target = resolve(dirname(file), source);
    const to = layerOf(target, functionsDir);
    if (to === undefined) return `functions/ may not import from outside functions/ (${source})`;
    if (to === from || layer.may.includes(to)) return undefined;
    return `${from} may not import ${to} (${layer.why})`;
  }
  const banned = layer.packages?.find((p) => source === p || source.startsWith(p));
  return banned === undefined ? undefined : `${from} may not use ${source} (${layer.why})`;
}

/**
 * @param {string} functionsDir
 * @returns {import('eslint').Rule.RuleModule}
 */
export function layerRule(functionsDir) {
  return {
    meta: {
      type: 'problem',
      docs: { description: 'imports follow the layer map of functions/ (docs/architecture.md)' },
      schema: [],
    },
    create(context) {
      /** @param {import('estree').Node & { source?: import('estree').Literal | null }} node */
      const check = (node) => {
        const source = node.source?.value;
        if (typeof source !== 'string') return;
        const why = layerViolation(context.filename, source, functionsDir);
        if (why !== undefined) context.report({ node, message: `Layer map: ${why}.` });
      };
      const from = layerOf(context.filename, functionsDir);
      return {
        Program(node) {
          if (from !== undefined && context.filename.endsWith('.ts') && !LAYERS[from])
            context.report({
              node,
              message: `Layer map: functions/${from}/ is not a layer; add it to scripts/lint/layers.mjs and docs/architecture.md.`,
            });
        },
        ImportDeclaration: check,
        ExportAllDeclaration: check,
        ExportNamedDeclaration: check,
        ImportExpression: check,
      };
    },
  };
}
