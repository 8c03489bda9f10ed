/**
 * How a Lambda handler becomes one ESM file: esbuild with three plugins that keep each bundle to
 * what its function runs (docs/deploy.md, "Bundle budget"). Used by {@link FjcFunction} at synth
 * (in a child process: esbuild plugins need the asynchronous API, CDK's local bundling is
 * synchronous) and by the tests that prove the plugins change sizes, not behaviour.
 */
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What {@link bundleHandler} builds. */
export interface HandlerBundleOptions {
  /** The entry file (TypeScript), absolute or relative to the repository root. */
  readonly entry: string;
  /** The output file, `index.mjs` in the asset directory. */
  readonly outfile: string;
  /** Module patterns left to the Lambda runtime, e.g. `@aws-sdk/*`. */
  readonly external: readonly string[];
  /** Write `index.mjs.map` (names and lines only, no sources). */
  readonly sourceMap: boolean;
  /** Read the sources and node_modules from here (default: this repository). */
  readonly root?: string;
}

/**
 * The parts of undici fjc uses (functions/flink), by the file that defines each. undici is
 * CommonJS, so its index.js (fetch, WebSocket, caches, mocks: half of its 540 KB) cannot be
 * tree-shaken; importing the parts keeps the rest out. A test checks each is the very object
 * `require('undici')` exports; a name missing here fails the build ("No matching export").
 */
export const UNDICI_PARTS = {
  Pool: 'undici/lib/dispatcher/pool.js',
  errors: 'undici/lib/core/errors.js',
  buildConnector: 'undici/lib/core/connect.js',
} as const;

/**
 * `import … from 'undici'` in our sources resolves to the parts in {@link UNDICI_PARTS}, plus the
 * one thing undici's index.js does on load that a pool needs: giving every dispatcher its
 * `request`/`stream`/`pipeline` methods.
 */
export function undiciPartsPlugin(): esbuild.Plugin {
  const namespace = 'fjc-undici-parts';
  return {
    name: 'fjc-undici-parts',
    setup(build) {
      build.onResolve({ filter: /^undici$/ }, (args) =>
        args.importer.includes(`${sep}node_modules${sep}`)
          ? undefined
          : { path: 'undici', namespace },
      );
      build.onLoad({ filter: /.*/, namespace }, () => ({
        contents: [
          "import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';",
          "import api from 'undici/lib/api/index.js';",
          'Object.assign(Dispatcher.prototype, api);',
          ...Object.entries(UNDICI_PARTS).map(
            ([name, path]) => `export { default as ${name} } from ${JSON.stringify(path)};`,
          ),
        ].join('\n'),
        resolveDir: build.initialOptions.absWorkingDir ?? REPO_ROOT,
        loader: 'js',
      }));
    },
  };
}

/**
 * undici carries its HTTP parser (llhttp, WebAssembly) twice, base64 in JavaScript: with SIMD
 * (72 KB) and without (72 KB), and loads the first that compiles, the plain one when SIMD fails.
 * The plain build runs everywhere and parses the small JSON answers of Flink's REST API no
 * slower that anyone would notice, so the SIMD build is replaced by a module that fails to load:
 * undici's own fallback then takes the plain one, on the first connection (not at cold start).
 */
export function undiciPlainParserPlugin(): esbuild.Plugin {
  const namespace = 'fjc-undici-no-simd';
  return {
    name: 'fjc-undici-plain-parser',
    setup(build) {
      build.onResolve({ filter: /llhttp_simd-wasm\.js$/ }, (args) =>
        args.importer.includes(`${sep}node_modules${sep}undici${sep}`)
          ? { path: args.path, namespace }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace }, () => ({
        contents:
          "throw new Error('fjc bundles only the plain llhttp build (lib/bundling/handler-bundle.ts)');",
        loader: 'js',
      }));
    },
  };
}

/**
 * undici's HTTP/1 and HTTP/2 clients load fetch's body machinery (`web/fetch/body.js` with WebIDL, FormData
 * parsing, data URLs: 42 KB) for one case only, a `FormData` request body. fjc never sends one
 * (the jar upload builds its own multipart body, functions/flink/multipart.ts), so that module is
 * replaced by one whose `extractBody` says so, should a FormData body ever be passed.
 */
export function undiciWithoutFormDataPlugin(): esbuild.Plugin {
  const namespace = 'fjc-undici-no-formdata';
  return {
    name: 'fjc-undici-without-formdata',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/web\/fetch\/body\.js$/ }, (args) =>
        /[\\/]node_modules[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h[12]\.js$/.test(
          args.importer,
        )
          ? { path: args.path, namespace }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace }, () => ({
        contents:
          'module.exports = { extractBody() { throw new Error("FormData request bodies are not in fjc bundles (lib/bundling/handler-bundle.ts)"); } };',
        loader: 'js',
      }));
    },
  };
}

/**
 * zod's `locales` namespace (40-odd languages, 264 KB) is re-exported by `zod` and `zod/v4/core`,
 * so `import { z } from 'zod'` carries all of it although fjc only ever speaks English. Inside
 * zod, `../locales/index.js` resolves to a module exporting `en` alone; `en` stays the default
 * locale (zod registers it from `../locales/en.js`, untouched), so every message is unchanged.
 */
export function zodEnglishOnlyPlugin(): esbuild.Plugin {
  const namespace = 'fjc-zod-locales';
  return {
    name: 'fjc-zod-english-only',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        args.importer.includes(`${sep}node_modules${sep}zod${sep}`)
          ? { path: join(dirname(args.importer), '..', 'locales', 'index.js'), namespace }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: `export { default as en } from './en.js';`,
        resolveDir: dirname(args.path),
        loader: 'js',
      }));
    },
  };
}

/**
 * Two opt-in parts of zod that the `z` namespace keeps in every bundle although fjc calls neither:
 * `z.compile` (a JIT of schemas into functions, 31 KB) and `z.fromJSONSchema` (12 KB). Each is
 * replaced by a module with the same exports that says so when called; parsing, messages and
 * `z.toJSONSchema` (the API's OpenAPI document) are untouched. A test keeps fjc from calling them.
 */
export function zodWithoutOptInsPlugin(): esbuild.Plugin {
  const namespace = 'fjc-zod-opt-ins';
  const stubs: Record<string, string> = {
    'compile.js': [
      'export const INVALID = Symbol.for("zod.compile.invalid");',
      'export class ZodCompileAsyncError extends Error {}',
      'export class ZodCompileUnsupportedError extends Error {}',
      'const absent = () => { throw new Error("z.compile is not in fjc bundles (lib/bundling/handler-bundle.ts)"); };',
      'export const compile = absent, withParser = absent, compileFn = absent;',
    ].join('\n'),
    'from-json-schema.js':
      'export function fromJSONSchema() { throw new Error("z.fromJSONSchema is not in fjc bundles (lib/bundling/handler-bundle.ts)"); }',
  };
  return {
    name: 'fjc-zod-without-opt-ins',
    setup(build) {
      build.onResolve({ filter: /^\.\/(compile|from-json-schema)\.js$/ }, (args) => {
        const file = args.path.slice(2);
        const inZod = /[\\/]node_modules[\\/]zod[\\/]v4[\\/](core|classic)[\\/]/.test(
          args.importer,
        );
        return inZod && stubs[file] !== undefined ? { path: file, namespace } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: stubs[args.path] ?? '',
        loader: 'js',
      }));
    },
  };
}

/**
 * In Lambda the function's credentials are in its environment (`AWS_ACCESS_KEY_ID`, …), so the
 * SDK's default chain (SSO, INI files, STS web identity, process, IMDS: ~90 KB with the nested
 * STS/SSO clients) is replaced by its first link, `fromEnv`, when the SDK is bundled.
 */
export function lambdaCredentialsPlugin(): esbuild.Plugin {
  const namespace = 'fjc-lambda-credentials';
  return {
    name: 'fjc-lambda-credentials',
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, async (args) => {
        if (args.pluginData === namespace) return undefined;
        const real = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: namespace,
        });
        if (real.errors.length > 0 || real.external) return undefined;
        return { path: real.path, namespace };
      });
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents:
          "import { fromEnv } from '@aws-sdk/credential-provider-env';\n" +
          'export const defaultProvider = (init) => fromEnv(init);',
        resolveDir: dirname(args.path),
        loader: 'js',
      }));
    },
  };
}

/**
 * Our own modules (`functions/**`) are declared free of import side effects, as a package's
 * `"sideEffects": false` would: a module none of whose exports a handler uses is left out even
 * when a barrel (`core/spec/index.ts`) re-exports it. This is what keeps the YAML parser (and
 * the `yaml` package) out of the functions that never parse YAML. The rule it relies on: no
 * module under functions/ may do work on import that others depend on (none does; each exports).
 */
export function functionsWithoutSideEffectsPlugin(root: string): esbuild.Plugin {
  const functionsDir = join(root, 'functions') + sep;
  const again = Symbol('fjc-resolving');
  return {
    name: 'fjc-functions-without-side-effects',
    setup(build) {
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.pluginData === again || !args.importer.startsWith(functionsDir)) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: again,
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return resolved.path.startsWith(functionsDir)
          ? { path: resolved.path, sideEffects: false }
          : undefined;
      });
    },
  };
}

/** The esbuild options of a handler bundle (also what the tests and the analysis use). */
export function handlerBuildOptions(options: HandlerBundleOptions): esbuild.BuildOptions {
  const root = options.root ?? REPO_ROOT;
  return {
    absWorkingDir: root,
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    format: 'esm',
    target: 'node22',
    platform: 'node',
    mainFields: ['module', 'main'],
    minify: true,
    // Errors are told apart by class name: the state machine's Retry/Catch and the codes
    // recorded on a job. Minified names (`Hr`) would match nothing.
    keepNames: true,
    sourcemap: options.sourceMap,
    sourcesContent: false,
    external: [...options.external],
    // Some CommonJS dependencies call require(); an ESM bundle has none unless given.
    banner: {
      js:
        "import { createRequire as __fjcCreateRequire } from 'node:module';" +
        'const require = __fjcCreateRequire(import.meta.url);',
    },
    plugins: [
      lambdaCredentialsPlugin(),
      undiciPartsPlugin(),
      undiciPlainParserPlugin(),
      undiciWithoutFormDataPlugin(),
      zodEnglishOnlyPlugin(),
      zodWithoutOptInsPlugin(),
      functionsWithoutSideEffectsPlugin(root),
    ],
    metafile: true,
    logLevel: 'warning',
  };
}

/** Builds one handler bundle; the metafile says what went in (`esbuild.analyzeMetafile`). */
export async function bundleHandler(options: HandlerBundleOptions): Promise<esbuild.Metafile> {
  const result = await esbuild.build(handlerBuildOptions(options));
  return result.metafile ?? { inputs: {}, outputs: {} };
}
