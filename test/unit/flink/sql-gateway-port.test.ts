/**
 * The SQL Gateway port's pre-flight (`plan`) over a scripted client: which calls reach the
 * gateway, in which order, with which configuration, and that the session is closed on every
 * path. test/flink/sql-jobs.test.ts and test/support/sql-gateway-contract.ts show the same on a
 * real gateway.
 */
import { describe, expect, it } from 'vitest';
import {
  ClusterRefusedError,
  ClusterUnavailableError,
} from '../../../functions/core/ports/index.js';
import { FlinkUnreachableError } from '../../../functions/flink/errors.js';
import {
  SqlStatementFailedError,
  type SqlGatewayClient,
} from '../../../functions/flink/sql-gateway-client.js';
import { SqlGatewayClusterPort } from '../../../functions/flink/sql-gateway-port.js';

const SESSION = '0f0e0d0c-0b0a-0908-0706-050403020100';

/** A client that records every call and fails the statements `fails` names. */
function scripted(fails: (statement: string, n: number) => Error | undefined = () => undefined) {
  const calls: unknown[][] = [];
  const client = {
    url: 'http://gateway',
    openSession: (properties: Record<string, string>, name?: string) => {
      calls.push(['open', properties, name]);
      return Promise.resolve(SESSION);
    },
    runStatement: (
      session: string,
      statement: string,
      config: Record<string, string>,
      n: number,
    ) => {
      calls.push(['run', statement, config, n]);
      const error = fails(statement, n);
      return error ? Promise.reject(error) : Promise.resolve({});
    },
    closeSession: (session: string) => {
      calls.push(['close', session]);
      return Promise.resolve();
    },
  };
  const port = new SqlGatewayClusterPort(client as unknown as SqlGatewayClient);
  return { port, calls };
}

const SCRIPT = [
  "SET 'table.exec.state.ttl' = '1 h';",
  "CREATE TABLE clicks (k INT) WITH ('connector' = 'datagen');",
  "CREATE TABLE counts (k INT, c BIGINT) WITH ('connector' = 'print');",
  'INSERT INTO counts SELECT k, COUNT(*) FROM clicks GROUP BY k;',
].join('\n');
const REQUEST = { jobName: 'clicks', configuration: { 'parallelism.default': '2' } };
const CONFIG = { 'parallelism.default': '2', 'pipeline.name': 'clicks' };

describe('SqlGatewayClusterPort.plan', () => {
  it('replays the set-up as a submission does and explains the INSERT, running nothing', async () => {
    const { port, calls } = scripted();
    await expect(port.plan({ text: SCRIPT }, REQUEST)).resolves.toEqual({ planned: true });
    expect(calls).toEqual([
      ['open', CONFIG, 'fjc pre-flight clicks'],
      ['run', "SET 'table.exec.state.ttl' = '1 h'", CONFIG, 1],
      ['run', "CREATE TABLE clicks (k INT) WITH ('connector' = 'datagen')", CONFIG, 2],
      ['run', "CREATE TABLE counts (k INT, c BIGINT) WITH ('connector' = 'print')", CONFIG, 3],
      [
        'run',
        'EXPLAIN JSON_EXECUTION_PLAN INSERT INTO counts SELECT k, COUNT(*) FROM clicks GROUP BY k',
        CONFIG,
        4,
      ],
      ['close', SESSION],
    ]);
  });

  it('refuses with the failing statement’s number and Flink’s root cause, and closes the session', async () => {
    const { port, calls } = scripted((_statement, n) =>
      n === 4
        ? new SqlStatementFailedError(
            4,
            "ValidationException: Column 'nope' not found in any table",
          )
        : undefined,
    );
    const error: unknown = await port.plan({ text: SCRIPT }, REQUEST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterRefusedError);
    expect((error as ClusterRefusedError).reason).toBe(
      "SQL statement 4: ValidationException: Column 'nope' not found in any table",
    );
    expect(calls.at(-1)).toEqual(['close', SESSION]);
  });

  it('reports an unreachable gateway as unavailable, after closing what it opened', async () => {
    const { port, calls } = scripted(
      () => new FlinkUnreachableError('http://gateway', { detail: 'reset' }),
    );
    await expect(port.plan({ text: SCRIPT }, REQUEST)).rejects.toBeInstanceOf(
      ClusterUnavailableError,
    );
    expect(calls.at(-1)).toEqual(['close', SESSION]);
  });

  it('does not check a script whose set-up could run something, and opens no session', async () => {
    const { port, calls } = scripted();
    const outcome = await port.plan(
      { text: 'CREATE TABLE t (k INT);\nCALL sys.compact(1);\nINSERT INTO t SELECT 1;' },
      REQUEST,
    );
    expect(outcome).toEqual({
      planned: false,
      reason: expect.stringMatching(/statement 2 \(CALL\)/) as string,
    });
    expect(calls).toEqual([]);
  });

  it('refuses what the submission would refuse, before opening a session', async () => {
    const { port, calls } = scripted();
    await expect(
      port.plan({ text: 'INSERT INTO a SELECT 1; INSERT INTO b SELECT 2;' }, REQUEST),
    ).rejects.toMatchObject({ code: 'SQL_JOB_NOT_LAST' });
    await expect(port.plan({ text: '-- nothing' }, REQUEST)).rejects.toMatchObject({
      code: 'SQL_NO_STATEMENTS',
    });
    expect(calls).toEqual([]);
  });
});

describe('SqlGatewayClusterPort.submitStatements', () => {
  it('refuses a job statement before the last one before running any statement', async () => {
    const { port, calls } = scripted();
    await expect(
      port.submitStatements(['INSERT INTO a SELECT 1', 'INSERT INTO b SELECT 2'], {
        jobId: '0123456789abcdef0123456789abcdef',
        jobName: 'x',
      }),
    ).rejects.toMatchObject({ code: 'SQL_JOB_NOT_LAST' });
    expect(calls).toEqual([]);
  });
});
