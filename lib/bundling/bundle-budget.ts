import type { HandlerName } from '../constructs/fjc-function.js';

/** How one handler is bundled (docs/deploy.md, "Bundle budget"). */
export interface HandlerBundleProfile {
  /**
   * Module patterns left to the Lambda runtime instead of bundled (`['@aws-sdk/*']` would take
   * the runtime's AWS SDK). Empty everywhere: measured both ways (docs/deploy.md), the runtime's
   * SDK halves the bundles but adds 100–170 ms of CPU to every cold init, because its CommonJS
   * builds hold every command and schema of a service while the bundled ES build is
   * tree-shaken to the commands fjc sends. Bundled, the version tested is also the version run.
   */
  readonly external: readonly string[];
  /**
   * A source map (`--enable-source-maps`). Only where stack traces are read: the functions that
   * talk to Flink, whose failures are diagnosed from their logs. api and ingest answer every
   * error with its name, message and remedy; a map there costs cold init (Node parses it on
   * load) and buys nothing a caller sees.
   */
  readonly sourceMap: boolean;
}

const BUNDLE_EVERYTHING: readonly string[] = [];

/** Every handler's bundle profile. */
export const HANDLER_BUNDLES: Readonly<Record<HandlerName, HandlerBundleProfile>> = {
  reconcile: { external: BUNDLE_EVERYTHING, sourceMap: true },
  deploy: { external: BUNDLE_EVERYTHING, sourceMap: true },
  verify: { external: BUNDLE_EVERYTHING, sourceMap: true },
  ingest: { external: BUNDLE_EVERYTHING, sourceMap: false },
  api: { external: BUNDLE_EVERYTHING, sourceMap: false },
};
