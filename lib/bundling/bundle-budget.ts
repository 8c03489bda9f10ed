import type { HandlerName } from '../constructs/fjc-function.js';

/** How one handler is bundled (docs/deploy.md, "Bundle budget"). */
export interface HandlerBundleProfile {
  /**
   * Left to the Lambda runtime. The Node.js runtimes ship the AWS SDK v3 (`@aws-sdk/*` and the
   * `@smithy/*` it uses): bundled, the SDK alone is 300–550 KB per function, which no budget of
   * the issue-12 table fits (reconcile ≤ 700 KB with undici in it); measured, importing it from
   * the runtime's node_modules costs cold init about what parsing it from the bundle does.
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

const RUNTIME_SDK = ['@aws-sdk/*'] as const;

/** Every handler's bundle profile. */
export const HANDLER_BUNDLES: Readonly<Record<HandlerName, HandlerBundleProfile>> = {
  reconcile: { external: RUNTIME_SDK, sourceMap: true },
  deploy: { external: RUNTIME_SDK, sourceMap: true },
  verify: { external: RUNTIME_SDK, sourceMap: true },
  ingest: { external: RUNTIME_SDK, sourceMap: false },
  api: { external: RUNTIME_SDK, sourceMap: false },
};
