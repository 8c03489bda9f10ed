import { describe, expect, it } from 'vitest';
import { parseSpecDocuments } from '../../../functions/core/spec/index.js';

function clusterYaml(sqlGateway: string): string {
  return `apiVersion: fjc.dev/v1
kind: FlinkCluster
metadata:
  name: eu-1
spec:
  url: https://flink.example.com:8081
${sqlGateway}`;
}

function issuesOf(yaml: string): { path: string; message: string }[] {
  const result = parseSpecDocuments(yaml, { filename: 'eu-1.yaml' });
  return result.ok ? [] : result.issues.map(({ path, message }) => ({ path, message }));
}

describe('FlinkCluster spec.sqlGateway', () => {
  it('is optional', () => {
    expect(parseSpecDocuments(clusterYaml(''), { filename: 'eu-1.yaml' }).ok).toBe(true);
  });

  it('takes a url and an auth like the cluster’s', () => {
    const result = parseSpecDocuments(
      clusterYaml(
        '  sqlGateway:\n    url: https://sql.example.com:8083\n    auth: { type: bearer, secretRef: fjc/clusters/eu-1-sql }\n',
      ),
      { filename: 'eu-1.yaml' },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const cluster = result.documents[0] as { spec: { sqlGateway?: unknown } };
    expect(cluster.spec.sqlGateway).toEqual({
      url: 'https://sql.example.com:8083',
      auth: { type: 'bearer', secretRef: 'fjc/clusters/eu-1-sql' },
    });
  });

  it('defaults auth to none', () => {
    const result = parseSpecDocuments(
      clusterYaml('  sqlGateway:\n    url: http://127.0.0.1:8083\n'),
      { filename: 'eu-1.yaml' },
    );
    expect(result.ok).toBe(true);
  });

  it('refuses credentials over http, a metadata address and unknown fields, each at its path', () => {
    expect(
      issuesOf(
        clusterYaml(
          '  sqlGateway:\n    url: http://sql.example.com:8083\n    auth: { type: basic, secretRef: s }\n',
        ),
      ),
    ).toContainEqual(
      expect.objectContaining({
        path: 'documents[0].spec.sqlGateway.auth.type',
        message: expect.stringMatching(/needs an https url/) as unknown,
      }),
    );
    expect(
      issuesOf(clusterYaml('  sqlGateway:\n    url: http://169.254.169.254/\n')).map((i) => i.path),
    ).toContain('documents[0].spec.sqlGateway.url');
    expect(
      issuesOf(clusterYaml('  sqlGateway:\n    url: http://127.0.0.1:8083\n    port: 1\n')).map(
        (i) => i.path,
      ),
    ).toContain('documents[0].spec.sqlGateway.port');
  });
});
