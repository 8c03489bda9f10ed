/**
 * A changed cluster URL decides where the cluster's credentials are sent next: through the API
 * only admins may change it, and each change leaves an audit line naming the old and new host.
 */
import { describe, expect, it } from 'vitest';
import { clusterDoc, expectError, useApiHarness } from './harness.js';

const h = useApiHarness();

describe('changing a cluster URL through the API', () => {
  it.each(['alice', 'bob', 'nobody'] as const)('is refused for %s, writing nothing', async (as) => {
    const before = await h.snapshot();
    const reply = await h.call('PUT', '/v1/clusters/eu-1', {
      as,
      body: clusterDoc('eu-1', 'https://attacker.example.com'),
    });
    expectError(reply, 403, 'FORBIDDEN');
    expect(reply.text).toContain('only admins change clusters');
    expect(await h.snapshot()).toBe(before);
    expect(h.logger.lines.map((l) => l.message)).not.toContain('cluster url changed');
  });

  it('is audited for an admin, naming the old and the new host', async () => {
    const reply = await h.call('PUT', '/v1/clusters/eu-1', {
      body: clusterDoc('eu-1', 'https://flink.example.com:8443'),
    });
    expect(reply.status, reply.text).toBe(200);
    const correlationId = reply.headers.get('x-correlation-id');
    expect(
      h.logger.lines.filter(
        (l) => l.message === 'cluster url changed' && l.attributes.correlationId === correlationId,
      ),
    ).toEqual([
      {
        level: 'info',
        message: 'cluster url changed',
        attributes: expect.objectContaining({
          audit: 'cluster-url-change',
          principal: 'arn:aws:iam::111122223333:role/fjc-admin',
          resource: 'cluster/eu-1',
          fromHost: '127.0.0.1:8081',
          toHost: 'flink.example.com:8443',
        }) as unknown,
      },
    ]);
  });
});
