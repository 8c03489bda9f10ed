// Values that test/support/flink-global-setup.ts hands to the `flink` test project.
declare module 'vitest' {
  export interface ProvidedContext {
    /** REST base URL of the Flink cluster under test, without a trailing slash. */
    flinkUrl: string;
    /** The cluster's `flink-version` from GET /config, e.g. "2.3.0". */
    flinkVersion: string;
    /** Absolute path of the example job jar built for that version. */
    exampleJar: string;
    /** Default savepoint folder of a cluster we started; empty for an external cluster. */
    savepointDir: string;
    /** REST base URL of the SQL Gateway in front of that cluster; empty when there is none. */
    sqlGatewayUrl: string;
    /** Log folder of a cluster we started (its TaskManager's stdout is there); empty otherwise. */
    flinkLogDir: string;
  }
}

export {};
