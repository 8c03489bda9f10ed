import { describe, expect, it } from 'vitest';
import {
  sqlGatewayIssues,
  storedClusterHasSqlGateway,
} from '../../../../functions/core/apply/sql-gateway-rule.js';
import { previewDocuments } from '../../../../functions/core/plan/preview.js';
import { parseSpecDocuments, type SpecDocument } from '../../../../functions/core/spec/index.js';

const SHA = 'a'.repeat(64);

function documents(yaml: string): SpecDocument[] {
  const result = parseSpecDocuments(yaml, { filename: 'spec.yaml' });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.documents;
}

function cluster(name: string, gateway: boolean): string {
  return `apiVersion: fjc.dev/v1
kind: FlinkCluster
metadata: { name: ${name} }
spec:
  url: http://127.0.0.1:8081
${gateway ? '  sqlGateway: { url: "http://127.0.0.1:8083" }\n' : ''}`;
}

function job(name: string, clusterRef: string, program: string): string {
  return `apiVersion: fjc.dev/v1
kind: FlinkJob
metadata: { name: ${name} }
spec:
  team: data
  clusterRef: ${clusterRef}
${program}`;
}

const SQL = '  sql: { statements: "INSERT INTO a SELECT 1;" }\n';
const JAR = `  artifact: { uri: jobs/a.jar, sha256: ${SHA} }\n`;

describe('apply rule: a SQL job needs a cluster with a SQL Gateway', () => {
  it('refuses a SQL job on a cluster declared in the file without sqlGateway, naming it', () => {
    const docs = documents(`${cluster('eu-1', false)}---\n${job('q', 'eu-1', SQL)}`);
    expect(sqlGatewayIssues(docs, () => undefined)).toEqual([
      {
        path: 'documents[1].spec.sql',
        message: expect.stringContaining(
          'FlinkCluster "eu-1" declares no spec.sqlGateway',
        ) as unknown,
      },
    ]);
  });

  it('accepts it on a cluster with one, declared or stored; ignores jar jobs', () => {
    expect(
      sqlGatewayIssues(
        documents(`${cluster('eu-1', true)}---\n${job('q', 'eu-1', SQL)}`),
        () => false,
      ),
    ).toEqual([]);
    expect(sqlGatewayIssues(documents(job('q', 'eu-1', SQL)), () => true)).toEqual([]);
    expect(sqlGatewayIssues(documents(job('j', 'eu-1', JAR)), () => false)).toEqual([]);
  });

  it('refuses it on a stored cluster without one; leaves an unknown cluster to the reference rule', () => {
    expect(sqlGatewayIssues(documents(job('q', 'eu-1', SQL)), () => false)).toHaveLength(1);
    expect(sqlGatewayIssues(documents(job('q', 'eu-1', SQL)), () => undefined)).toEqual([]);
  });

  it('reads a stored cluster record', () => {
    const record = (spec: Record<string, unknown>) => ({
      name: 'eu-1',
      version: 1,
      updatedAt: '2026-01-01T00:00:00Z',
      spec: { kind: 'FlinkCluster', spec },
    });
    expect(storedClusterHasSqlGateway(record({ url: 'http://x' }))).toBe(false);
    expect(
      storedClusterHasSqlGateway(record({ url: 'http://x', sqlGateway: { url: 'http://y' } })),
    ).toBe(true);
  });
});

describe('plan preview: the same rule', () => {
  it('fails the preview of a SQL job on a cluster without a SQL Gateway', () => {
    const preview = previewDocuments(
      documents(`${cluster('eu-1', false)}---\n${job('q', 'eu-1', SQL)}`),
      {
        jobs: new Map(),
        clusters: new Map(),
      },
    );
    expect(preview.ok).toBe(false);
    expect(preview.ok ? [] : preview.issues.map((i) => i.path)).toEqual(['documents[1].spec.sql']);
    expect(
      previewDocuments(documents(`${cluster('eu-1', true)}---\n${job('q', 'eu-1', SQL)}`), {
        jobs: new Map(),
        clusters: new Map(),
      }).ok,
    ).toBe(true);
  });
});
