/**
 * `node --import tsx lib/bundling/bundle-cli.ts '<HandlerBundleOptions as JSON>'`: builds one
 * handler bundle. {@link FjcFunction} runs it as a child process at synth, because esbuild
 * plugins need esbuild's asynchronous API and CDK's local bundling hook is synchronous. With
 * `FJC_BUNDLE_ANALYZE=1` it also prints what went into the bundle, largest first.
 */
import * as esbuild from 'esbuild';
import { bundleHandler, type HandlerBundleOptions } from './handler-bundle.js';

const options = JSON.parse(process.argv[2] ?? '{}') as HandlerBundleOptions;
const metafile = await bundleHandler(options);
if (process.env.FJC_BUNDLE_ANALYZE === '1')
  process.stderr.write(await esbuild.analyzeMetafile(metafile, { verbose: false }));
