import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClusterRefusedError,
  DuplicateJobIdError,
  ClusterUnavailableError,
} from '../../functions/core/ports/index.js';
import {
  awaitJobState,
  awaitSavepoint,
  FlinkRestClient,
  newFlinkId,
} from '../../functions/flink/index.js';
import {
  FIXED_JOB_ID_KEY,
  SqlGatewayClient,
  SqlStatementFailedError,
} from '../../functions/flink/sql-gateway-client.js';
import { SqlGatewayClusterPort } from '../../functions/flink/sql-gateway-port.js';
import {
  continuedFrom,
  countsWhen,
  firstPerKey,
  lastPerKey,
  printedCounts,
  sqlCounterScript,
  sqlCounterStatements,
} from './sql-counter.js';

/** What the contract needs: a SQL Gateway, the cluster it submits to, and that cluster's logs. */
export interface SqlGatewayContractTarget {
  gatewayUrl: string;
  flinkUrl: string;
  /** The cluster's log folder (the print sink's lines are read from it). */
  logDir: string;
  /** Savepoint directory to use; empty means the cluster's default. */
  savepointDir: string;
}

const poll = { deadlineMs: 90_000, intervalMs: 250 };
const tagOf = (): string => `fjc${randomBytes(4).toString('hex')}`;

/**
 * The SQL Gateway calls fjc makes, against a real gateway: sessions, statements, results, the
 * write-ahead job id, restore from a savepoint, the pre-flight's plan (nothing submitted), and
 * failures with Flink's root cause.
 */
export function sqlGatewayContractSuite(
  name: string,
  target: () => SqlGatewayContractTarget,
): void {
  describe(`SQL Gateway contract: ${name}`, () => {
    let gateway: SqlGatewayClient;
    let flink: FlinkRestClient;
    let port: SqlGatewayClusterPort;

    beforeAll(() => {
      gateway = new SqlGatewayClient({ baseUrl: target().gatewayUrl });
      flink = new FlinkRestClient({ baseUrl: target().flinkUrl });
      port = new SqlGatewayClusterPort(gateway);
    });
    afterAll(async () => {
      await gateway.close();
      await flink.close();
    });

    it('reports the Flink version of the cluster it submits to', async () => {
      const info = await gateway.getInfo();
      const version = await flink.getVersion();
      expect(info.version).toBe(
        `${String(version.major)}.${String(version.minor)}.${String(version.patch)}`,
      );
    });

    it('runs DDL and an INSERT in a session; the job gets the given id and name', async () => {
      const session = await gateway.openSession({ 'pipeline.name': 'contract-low-level' });
      const jobId = newFlinkId();
      const [createSource = '', createSink = '', insert = ''] = sqlCounterStatements(tagOf());
      const wait = { deadlineMs: 60_000, intervalMs: 250 };
      expect(await gateway.runStatement(session, createSource, {}, 1, wait)).toEqual({});
      expect(await gateway.runStatement(session, createSink, {}, 2, wait)).toEqual({});
      const outcome = await gateway.runStatement(
        session,
        insert,
        { [FIXED_JOB_ID_KEY]: jobId },
        3,
        wait,
      );
      expect(outcome).toEqual({ jobId });
      await awaitJobState(flink, jobId, ['RUNNING'], poll);
      expect((await flink.getJob(jobId)).name).toBe('contract-low-level');
      await gateway.closeSession(session);
      // A closed session takes no more statements.
      await expect(gateway.executeStatement(session, 'SELECT 1')).rejects.toThrow();
      await flink.cancelJob(jobId);
      await awaitJobState(flink, jobId, ['CANCELED'], poll);
    });

    it('submits under fjc’s job id and restores the state from a savepoint', async () => {
      const { logDir, savepointDir } = target();
      const first = { id: newFlinkId(), tag: tagOf() };
      await expect(
        port.submit(
          { text: sqlCounterScript(first.tag) },
          { jobId: first.id, jobName: 'contract-sql' },
        ),
      ).resolves.toEqual({ jobId: first.id });
      await awaitJobState(flink, first.id, ['RUNNING'], poll);
      expect((await flink.getJob(first.id)).name).toBe('contract-sql');
      await countsWhen(logDir, first.tag, (c) => c.length >= 5);

      const stop = await flink.stopWithSavepoint(
        first.id,
        savepointDir ? { targetDirectory: savepointDir } : {},
      );
      const savepoint = await awaitSavepoint(flink, first.id, stop.triggerId, poll);
      await awaitJobState(flink, first.id, ['FINISHED'], poll);

      const second = { id: newFlinkId(), tag: tagOf() };
      await port.submit(
        { text: sqlCounterScript(second.tag) },
        {
          jobId: second.id,
          jobName: 'contract-sql',
          savepointPath: savepoint.location,
          allowNonRestoredState: false,
        },
      );
      await awaitJobState(flink, second.id, ['RUNNING'], poll);
      // Restored counts go on from the savepoint; a job without state would print 1 and 2 first.
      const after = await countsWhen(
        logDir,
        second.tag,
        (c) => new Set(c.map((p) => p.key)).size === 2,
      );
      const before = await printedCounts(logDir, first.tag);
      expect(lastPerKey(before).size).toBe(2);
      expect(
        continuedFrom(before, after),
        JSON.stringify({ before: [...lastPerKey(before)], after: [...firstPerKey(after)] }),
      ).toBe(true);
      const restored = (await flink.getCheckpoints(second.id)).latest.restored;
      expect(restored?.external_path).toBe(savepoint.location);

      // A job id once used is refused, and said so.
      await expect(
        port.submitStatements(sqlCounterStatements(second.tag), {
          jobId: second.id,
          jobName: 'again',
        }),
      ).rejects.toThrow(DuplicateJobIdError);
      await flink.cancelJob(second.id);
      await awaitJobState(flink, second.id, ['CANCELED'], poll);
    });

    it('refuses an unknown table with Flink’s root cause', async () => {
      const jobId = newFlinkId();
      const error = await port
        .submitStatements(['INSERT INTO no_such_table SELECT 1'], { jobId, jobName: 'broken' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClusterRefusedError);
      expect((error as ClusterRefusedError).reason).toMatch(
        /Exception: Cannot find table .*no_such_table/,
      );
      expect((error as Error).message).not.toMatch(/\n\s+at /);
      expect((error as Error).cause).toBeInstanceOf(SqlStatementFailedError);
    });

    it('refuses a syntax error with Flink’s root cause, naming the statement', async () => {
      const error = await port
        .submitStatements(
          ["CREATE TABLE t (k INT) WITH ('connector' = 'datagen')", 'INSERT INTO t SELEC 1'],
          {
            jobId: newFlinkId(),
            jobName: 'broken',
          },
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClusterRefusedError);
      expect((error as Error).message).toContain('SQL statement 2');
      expect((error as ClusterRefusedError).reason).toMatch(
        /Exception: .*SELEC|Encountered|parse/i,
      );
    });

    it('refuses statements that submit no job', async () => {
      await expect(
        port.submitStatements(["CREATE TABLE t2 (k INT) WITH ('connector' = 'datagen')"], {
          jobId: newFlinkId(),
          jobName: 'no-insert',
        }),
      ).rejects.toThrow(/submitted no Flink job/);
    });

    it('plans a script without submitting anything, and refuses one that does not plan', async () => {
      const jobs = async () => (await flink.listJobs()).jobs.map((j) => j.jid).sort();
      const before = await jobs();
      const tag = tagOf();
      const request = { jobName: `contract-plan-${tag}` };
      const statementSet = sqlCounterScript(tag).replace(
        /INSERT INTO [^;]*;/,
        (insert) => `EXECUTE STATEMENT SET BEGIN ${insert} ${insert} END;`,
      );
      const started = Date.now();
      await expect(port.plan({ text: sqlCounterScript(tag) }, request)).resolves.toEqual({
        planned: true,
      });
      console.log(`fjc: SQL pre-flight plan (3 statements): ${String(Date.now() - started)} ms`);
      await expect(port.plan({ text: statementSet }, request)).resolves.toEqual({
        planned: true,
      });
      // A connector the gateway does not have: the root cause is the factory lookup itself,
      // not the last line of the list of factories Flink prints under it.
      const error: unknown = await port
        .plan({ text: sqlCounterScript(tag).replace("'print'", "'no-such-connector'") }, request)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClusterRefusedError);
      expect((error as ClusterRefusedError).reason).toMatch(
        /^SQL statement 3: ValidationException: Could not find any factory for identifier 'no-such-connector'/,
      );
      expect(await jobs()).toEqual(before);
    });

    it('reports a gateway that is down as unavailable', async () => {
      const down = new SqlGatewayClusterPort(
        new SqlGatewayClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2_000 }),
      );
      await expect(
        down.submit({ text: 'SELECT 1;' }, { jobId: newFlinkId(), jobName: 'x' }),
      ).rejects.toThrow(ClusterUnavailableError);
    });
  });
}
