import { describe, expect, it } from 'vitest';
import { clusterDoc, expectError, useApiHarness } from './harness.js';

/**
 * Through the API door: an admin writing a cluster whose url is the metadata endpoint (in any
 * encoding) or link-local gets a 400 that names the field and the cause, and nothing is stored.
 */
const h = useApiHarness();

describe('PUT /v1/clusters/{name} with a url fjc must never reach', () => {
  it.each([
    'http://169.254.169.254/latest',
    'http://2852039166',
    'http://0xa9fea9fe:80',
    'http://0251.0376.0251.0376',
    'http://169.254.43518',
    'http://[::ffff:169.254.169.254]',
    'http://[fd00:ec2::254]',
    'http://169.254.170.2/v2/credentials',
    'http://[fe80::1]:8081',
    'http://metadata.google.internal',
  ])('refuses %s with 400 and stores nothing', async (url) => {
    const before = await h.snapshot();
    const started = performance.now();
    for (const name of ['eu-1', 'fresh']) {
      const reply = await h.call('PUT', `/v1/clusters/${name}`, { body: clusterDoc(name, url) });
      const error = expectError(reply, 400);
      expect(error.issues).toEqual([
        expect.objectContaining({
          path: expect.stringMatching(/spec\.url$/) as string,
          message: expect.stringMatching(
            /is not allowed: .*(metadata|link-local|container)/,
          ) as string,
        }),
      ]);
    }
    // A generous guard against a hang, not a speed target.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await h.snapshot()).toBe(before);
  });
});
