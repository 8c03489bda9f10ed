import { describe, expect, it } from 'vitest';
import { parseSpecDocuments, validateSpecDocuments } from '../../../functions/core/spec/index.js';

/**
 * A FlinkCluster's url goes through the egress policy at validation, in every door (the parser
 * is shared): the metadata endpoint and link-local addresses are refused however they are written.
 */
function clusterYaml(url: string): string {
  return `apiVersion: fjc.dev/v1
kind: FlinkCluster
metadata:
  name: eu-1
spec:
  url: ${JSON.stringify(url)}
  auth:
    type: bearer
    secretRef: fjc/clusters/eu-1
`;
}

const REFUSED = [
  'https://169.254.169.254',
  'https://2852039166',
  'https://0xa9fea9fe:8443',
  'https://0251.0376.0251.0376',
  'https://169.254.43518',
  'https://169.16689662/latest',
  'https://169.254.169.254./latest/meta-data',
  'https://１６９.２５４.１６９.２５４',
  'https://[::ffff:169.254.169.254]',
  'https://[::ffff:a9fe:a9fe]:8443',
  'https://[fd00:ec2::254]',
  'https://169.254.170.2/v2/credentials',
  'https://[fe80::1]:8081',
  'https://metadata.google.internal',
  'https://0.0.0.0:8081',
];

describe('FlinkCluster url: egress policy at validation', () => {
  it.each(REFUSED)('refuses %s at spec.url with the reason', (url) => {
    const result = parseSpecDocuments(clusterYaml(url), { filename: 'eu-1.yaml' });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    const issue = issues.find((i) => i.path.startsWith('documents[0].spec.url'));
    expect(issue?.message).toMatch(/metadata|link-local|unspecified|container credentials/);
    expect(issue?.message).toMatch(/never connects|metadata host name/);
  });

  it('refuses the same in an already decoded document (JSON API body)', () => {
    const result = validateSpecDocuments([
      {
        apiVersion: 'fjc.dev/v1',
        kind: 'FlinkCluster',
        metadata: { name: 'eu-1' },
        spec: { url: 'http://[0:0:0:0:0:ffff:169.254.169.254]:80', auth: { type: 'none' } },
      },
    ]);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual([
      expect.objectContaining({
        path: 'documents[0].spec.url',
        message: expect.stringMatching(/cloud instance metadata endpoint/) as string,
      }),
    ]);
  });

  it.each(['https://127.0.0.1:8081', 'https://10.0.4.2:8081', 'https://flink.example.com/eu-1'])(
    'accepts %s (loopback, private and named hosts stay allowed)',
    (url) => {
      expect(parseSpecDocuments(clusterYaml(url), { filename: 'eu-1.yaml' }).ok).toBe(true);
    },
  );
});
