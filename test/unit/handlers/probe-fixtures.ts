/**
 * What the handler tests of the cluster probe share (deploy answers probes in AWS, reconcile in
 * the local runtime): the registered cluster `main` and a probe context over the bench's store
 * and scripted Flink whose secret holds a token the answer must never show.
 */
import type { ProbeContext } from '../../../functions/core/cluster-probe.js';
import { SecretValue } from '../../../functions/core/model/secret-value.js';
import type { Bench } from '../core/operations/harness.js';

/** The token in `main`'s secret: a probe's answer must not contain it. */
export const PROBED_TOKEN = 'tok-123-secret';

/** Registers cluster `main` (bearer auth), with `spec` fields added to its spec. */
export async function registerMain(b: Bench, spec: Record<string, unknown> = {}): Promise<void> {
  await b.store.putCluster(
    {
      name: 'main',
      spec: {
        apiVersion: 'fjc.dev/v1',
        kind: 'FlinkCluster',
        metadata: { name: 'main' },
        spec: {
          url: 'https://flink.example.com:8081',
          auth: { type: 'bearer', secretRef: 'fjc/main' },
          ...spec,
        },
      },
    },
    { expectedVersion: 0 },
  );
}

/** A probe context over the bench, with `overrides` (e.g. checkpoint storage) on top. */
export function probeContextOf(b: Bench, overrides: Partial<ProbeContext> = {}): ProbeContext {
  return {
    store: b.store,
    flink: (name) => b.ctx.flink(name),
    secrets: {
      getSecret: () =>
        Promise.resolve({
          type: 'bearer',
          token: new SecretValue(PROBED_TOKEN),
          urls: ['https://flink.example.com:8081'],
        }),
    },
    ...overrides,
  };
}
