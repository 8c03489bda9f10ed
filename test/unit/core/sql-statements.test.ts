import { describe, expect, it } from 'vitest';
import { ClusterRefusedError } from '../../../functions/core/ports/index.js';
import {
  sqlPreflightOf,
  sqlProgramOf,
  sqlStatementKind,
} from '../../../functions/core/sql/program.js';
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

describe('sqlStatementKind', () => {
  it.each([
    ["SET 'parallelism.default' = '2'", 'session'],
    ['RESET', 'session'],
    ['USE CATALOG c', 'session'],
    [
      "CREATE TABLE t (k INT, ts AS PROCTIME(), WATERMARK FOR ts AS ts) WITH ('a' = 'AS')",
      'session',
    ],
    ['CREATE TEMPORARY VIEW v AS SELECT 1', 'session'],
    ["CREATE FUNCTION f AS 'com.acme.F'", 'session'],
    ["CREATE CATALOG c WITH ('type' = 'generic_in_memory')", 'session'],
    ['ALTER TABLE t SET (x = y)', 'session'],
    ['DROP TEMPORARY TABLE IF EXISTS t', 'session'],
    ['LOAD MODULE hive', 'session'],
    ["ADD JAR '/x.jar'", 'session'],
    ['SHOW TABLES', 'session'],
    ['DESCRIBE t', 'session'],
    ['EXPLAIN SELECT 1', 'session'],
    ['INSERT INTO t SELECT 1', 'job'],
    ['insert overwrite t select 1', 'job'],
    ['EXECUTE STATEMENT SET BEGIN INSERT INTO t SELECT 1; END', 'job'],
    ['EXECUTE INSERT INTO t SELECT 1', 'job'],
    ["EXECUTE PLAN '/p.json'", 'job'],
    ["COMPILE AND EXECUTE PLAN '/p.json' FOR INSERT INTO t SELECT 1", 'job'],
    ["CREATE TABLE t WITH ('connector' = 'x') AS SELECT 1", 'job'],
    ['CREATE OR REPLACE TABLE t AS SELECT 1', 'job'],
    ['REPLACE TABLE t AS SELECT 1', 'job'],
    ['SELECT 1', 'other'],
    ["CALL sys.compact('t')", 'other'],
    ["STOP JOB '0123'", 'other'],
    ['TRUNCATE TABLE t', 'other'],
    ['DELETE FROM t', 'other'],
    ['ANALYZE TABLE t COMPUTE STATISTICS', 'other'],
    ['BEGIN STATEMENT SET', 'other'],
  ])('%s is %s', (statement, kind) => {
    expect(sqlStatementKind(statement)).toBe(kind);
  });

  it('reads the statement after leading comments', () => {
    expect(sqlStatementKind('-- counts\n/* v2 */ INSERT INTO t SELECT 1')).toBe('job');
    expect(sqlStatementKind('/* INSERT */ SET a = b')).toBe('session');
  });
});

describe('sqlProgramOf', () => {
  it('takes the last statement as the job and the ones before it as the session set-up', () => {
    expect(
      sqlProgramOf(
        splitSqlStatements("SET 'a' = 'b';\nCREATE TABLE t (k INT);\nINSERT INTO t SELECT 1;"),
      ),
    ).toEqual({
      setup: ["SET 'a' = 'b'", 'CREATE TABLE t (k INT)'],
      job: 'INSERT INTO t SELECT 1',
    });
  });

  it('refuses a script without statements', () => {
    const error = catching(() => sqlProgramOf(splitSqlStatements('-- nothing\n')));
    expect(error).toBeInstanceOf(ClusterRefusedError);
    expect(error).toMatchObject({ code: 'SQL_NO_STATEMENTS' });
  });

  it('refuses a SET of a key fjc manages (restore point, job id, name, parallelism), naming both', () => {
    for (const [set, key] of [
      ["SET 'execution.state-recovery.path' = 's3://b/sp-1'", 'execution.state-recovery.path'],
      ['SET execution.savepoint.path = /tmp/sp', 'execution.savepoint.path'],
      [
        "set '$internal.pipeline.job-id' = '00000000000000000000000000000001'",
        '$internal.pipeline.job-id',
      ],
      ["  -- the name\nSET `pipeline.name` = 'other'", 'pipeline.name'],
      ["SET 'parallelism.default' = '8'", 'parallelism.default'],
    ] as const) {
      const error = catching(() =>
        sqlProgramOf(['CREATE TABLE t (k INT)', set, 'INSERT INTO t SELECT 1']),
      );
      expect(error, set).toBeInstanceOf(ClusterRefusedError);
      expect(error, set).toMatchObject({ code: 'SQL_MANAGED_SETTING' });
      expect((error as Error).message, set).toContain('SQL statement 2');
      expect((error as Error).message, set).toContain(key);
    }
  });

  it('leaves other settings, RESET and SET without a value alone', () => {
    const setup = [
      "SET 'table.exec.source.idle-timeout' = '1 s'",
      "RESET 'execution.state-recovery.path'",
      'SET',
      "SET 'execution.checkpointing.interval' = '10 s'",
    ];
    expect(sqlProgramOf([...setup, 'INSERT INTO t SELECT 1']).setup).toEqual(setup);
  });

  it('refuses a statement that submits a job before the last one, before anything runs', () => {
    const error = catching(() =>
      sqlProgramOf(['INSERT INTO a SELECT 1', 'CREATE TABLE b (k INT)', 'INSERT INTO b SELECT 1']),
    );
    expect(error).toBeInstanceOf(ClusterRefusedError);
    expect(error).toMatchObject({ code: 'SQL_JOB_NOT_LAST' });
    expect((error as Error).message).toContain('SQL statement 1');
  });
});

describe('sqlPreflightOf', () => {
  it('replays the set-up and explains an INSERT with its execution plan', () => {
    expect(
      sqlPreflightOf({ setup: ['CREATE TABLE t (k INT)'], job: '-- v2\nINSERT INTO t SELECT 1' }),
    ).toEqual({
      replay: ['CREATE TABLE t (k INT)'],
      explain: 'EXPLAIN JSON_EXECUTION_PLAN INSERT INTO t SELECT 1',
    });
  });

  it('explains a statement set and an EXECUTE INSERT without running them', () => {
    const set =
      'EXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO a SELECT 1;\n  INSERT INTO b SELECT /*+ OPTIONS(x = y) */ 2;\nEND';
    expect(sqlPreflightOf({ setup: [], job: set })).toEqual({
      replay: [],
      explain:
        'EXPLAIN JSON_EXECUTION_PLAN STATEMENT SET\nBEGIN\n  INSERT INTO a SELECT 1;\n  INSERT INTO b SELECT /*+ OPTIONS(x = y) */ 2;\nEND',
    });
    expect(sqlPreflightOf({ setup: [], job: 'execute  INSERT INTO t SELECT 1' })).toEqual({
      replay: [],
      explain: 'EXPLAIN JSON_EXECUTION_PLAN INSERT INTO t SELECT 1',
    });
  });

  it('does not check a job statement EXPLAIN cannot take', () => {
    const result = sqlPreflightOf({ setup: [], job: "EXECUTE PLAN '/p.json'" });
    expect(result).toEqual({
      notChecked: expect.stringMatching(/statement 1 .*EXPLAIN/) as string,
    });
  });

  it('does not check a script whose set-up could run a job, rather than run it', () => {
    const result = sqlPreflightOf({
      setup: ['CREATE TABLE t (k INT)', 'SELECT * FROM t'],
      job: 'INSERT INTO t SELECT 1',
    });
    expect(result).toEqual({
      notChecked: expect.stringMatching(/statement 2 \(SELECT\)/) as string,
    });
  });
});

function catching(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
