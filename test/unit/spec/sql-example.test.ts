import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../../../functions/core/sql/statements.js';
import {
  jobTypeOf,
  parseSpecDocuments,
  type FlinkCluster,
  type FlinkJob,
} from '../../../functions/core/spec/index.js';

function parsed(file: string) {
  const result = parseSpecDocuments(readFileSync(file, 'utf8'), { filename: file });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.documents;
}

describe('the SQL example', () => {
  it('is a SQL job of DDL and one INSERT on the local cluster', () => {
    const [job] = parsed('examples/specs/sql-clicks.yaml') as FlinkJob[];
    expect(job?.metadata.name).toBe('sql-clicks');
    expect(job && jobTypeOf(job.spec)).toBe('sql');
    expect(job?.spec.clusterRef).toBe('local');
    const statements = splitSqlStatements(job?.spec.sql?.statements ?? '');
    expect(statements).toHaveLength(3);
    expect(statements[2]).toMatch(/^INSERT INTO counts/);
  });

  it('runs on a local cluster that declares its SQL Gateway', () => {
    const [cluster] = parsed('examples/specs/local-cluster.yaml') as FlinkCluster[];
    expect(cluster?.spec.sqlGateway).toEqual({
      url: 'http://127.0.0.1:8083',
      auth: { type: 'none' },
    });
  });
});
