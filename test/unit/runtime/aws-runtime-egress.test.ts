import { describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../../functions/commons/errors.js';
import { FlinkEgressRefusedError } from '../../../functions/flink/index.js';
import { cannedServer, json } from '../flink/canned-server.js';
import { freshAwsRuntime, useAwsEnv } from './aws-env.js';

useAwsEnv();

describe('awsControlContext egress', () => {
  it('fails the cold start on a bad egress rule, naming the variable and the rule', async () => {
    vi.stubEnv('FJC_EGRESS_DENY', '127.0.0.0/8,10.0.0.1/8');
    vi.stubEnv('FJC_EGRESS_ALLOW', 'flink_bad');
    const { awsControlContext } = await freshAwsRuntime();
    const error: unknown = await Promise.resolve()
      .then(() => awsControlContext())
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe(ConfigurationError.name);
    expect((error as Error).message).toMatch(/FJC_EGRESS_DENY: 10\.0\.0\.1\/8 has host bits set/);
    expect((error as Error).message).toMatch(/FJC_EGRESS_ALLOW: flink_bad/);
  });

  it('gives the Flink clients the policy from FJC_EGRESS_DENY', async () => {
    const server = await cannedServer((_req, res) => {
      json(res, 200, { jobs: [] });
    });
    try {
      vi.stubEnv('FJC_EGRESS_DENY', '127.0.0.0/8,::1');
      const { awsControlContext } = await freshAwsRuntime();
      const ctx = await awsControlContext();
      vi.spyOn(ctx.store, 'getCluster').mockResolvedValue({
        name: 'eu-1',
        version: 1,
        updatedAt: '2026-01-01T00:00:00.000Z',
        spec: {
          apiVersion: 'fjc.dev/v1',
          kind: 'FlinkCluster',
          metadata: { name: 'eu-1' },
          spec: { url: server.url, flinkVersion: '2.3', auth: { type: 'none' } },
        },
      });
      const flink = await ctx.flink('eu-1');
      const error: unknown = await flink.listJobs().catch((e: unknown) => e);
      // Modules were reset: compare by name, not by class identity.
      expect((error as Error).name).toBe(FlinkEgressRefusedError.name);
      expect((error as Error).message).toMatch(/127\.0\.0\.0\/8, denied by FJC_EGRESS_DENY/);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
