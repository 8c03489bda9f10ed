import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../../../functions/core/sql/statements.js';

describe('splitSqlStatements', () => {
  it('splits on semicolons and drops empty statements and trailing whitespace', () => {
    expect(splitSqlStatements('CREATE TABLE a (x INT);\n\n INSERT INTO a SELECT 1;  \n')).toEqual([
      'CREATE TABLE a (x INT)',
      'INSERT INTO a SELECT 1',
    ]);
  });

  it('keeps a last statement without a semicolon', () => {
    expect(splitSqlStatements('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('does not split inside quotes, identifiers or comments', () => {
    const sql = [
      "CREATE TABLE t (x INT) WITH ('connector' = 'x;y', 'a' = 'it''s;');",
      'SELECT `we;ird` FROM "q;t"; -- a comment; still one',
      '/* block; comment */ INSERT INTO t SELECT 1;',
    ].join('\n');
    expect(splitSqlStatements(sql)).toEqual([
      "CREATE TABLE t (x INT) WITH ('connector' = 'x;y', 'a' = 'it''s;')",
      'SELECT `we;ird` FROM "q;t"',
      '-- a comment; still one\n/* block; comment */ INSERT INTO t SELECT 1',
    ]);
  });

  it('keeps a statement set with its inner statements as one statement', () => {
    const sql =
      'CREATE TABLE a (x INT);\nEXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO a SELECT 1;\n  INSERT INTO a SELECT 2;\nEND;\n';
    expect(splitSqlStatements(sql)).toEqual([
      'CREATE TABLE a (x INT)',
      'EXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO a SELECT 1;\n  INSERT INTO a SELECT 2;\nEND',
    ]);
  });

  it('drops statements that are only comments', () => {
    expect(splitSqlStatements('-- only a comment\n;\nSELECT 1;')).toEqual(['SELECT 1']);
  });
});
