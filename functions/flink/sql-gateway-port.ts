/**
 * The SQL Gateway port (core/ports/sql-gateway.ts) over the gateway's REST API: one session per
 * submission, configured with fjc's write-ahead job id, the job's name, its restore point and its
 * Flink configuration; the statements run in order; the session is closed whatever happens. A
 * pre-flight opens its own session the same way (without job id and restore point), replays the
 * same set-up statements and has the gateway EXPLAIN the job statement instead of running it.
 */
import { readFile } from 'node:fs/promises';
import { storedErrorText } from '../core/error-text.js';
import { ClusterRefusedError } from '../core/ports/index.js';
import type {
  ArtifactStream,
  SqlGatewayPort,
  SqlPlanOutcome,
  SqlPlanRequest,
  SqlScript,
  SqlSubmitRequest,
} from '../core/ports/index.js';
import { jobNotLastError, sqlPreflightOf, sqlProgramOf } from '../core/sql/program.js';
import { splitSqlStatements } from '../core/sql/statements.js';
import { translated } from './flink-port.js';
import {
  FIXED_JOB_ID_KEY,
  SqlGatewayClient,
  SqlStatementFailedError,
  type StatementWait,
} from './sql-gateway-client.js';

/**
 * The Flink configuration a SQL submission sets. The restore keys are set under both names:
 * 2.x reads `execution.state-recovery.*`, 1.x `execution.savepoint.*` (1.20 knows both), and each
 * release ignores the key it does not know, so one request serves every version the gateway may
 * run.
 */
export function sqlSubmissionConfig(request: SqlSubmitRequest): Record<string, string> {
  const config: Record<string, string> = {
    ...sqlSessionConfig(request),
    [FIXED_JOB_ID_KEY]: request.jobId,
  };
  if (request.savepointPath !== undefined) {
    const ignore = String(request.allowNonRestoredState ?? false);
    Object.assign(config, {
      'execution.state-recovery.path': request.savepointPath,
      'execution.savepoint.path': request.savepointPath,
      'execution.state-recovery.ignore-unclaimed-state': ignore,
      'execution.savepoint.ignore-unclaimed-state': ignore,
      // NO_CLAIM, as for jars: the restored snapshot stays fjc's to keep or delete.
      'execution.state-recovery.claim-mode': 'NO_CLAIM',
      'execution.savepoint-restore-mode': 'NO_CLAIM',
    });
  }
  return config;
}

/**
 * The configuration every session of a job has, its submission's and its pre-flight's: the
 * job's Flink configuration and its name. A submission adds its job id and restore point.
 */
export function sqlSessionConfig(request: SqlPlanRequest): Record<string, string> {
  return { ...request.configuration, 'pipeline.name': request.jobName };
}

/** Options of {@link SqlGatewayClusterPort}. */
export interface SqlGatewayPortOptions {
  /** How long one statement may take (a streaming INSERT ends once its job is submitted). */
  statement?: StatementWait;
}

/** The core's view of one cluster's SQL Gateway. */
export class SqlGatewayClusterPort implements SqlGatewayPort {
  private readonly wait: StatementWait;

  constructor(
    private readonly client: SqlGatewayClient,
    options: SqlGatewayPortOptions = {},
  ) {
    this.wait = options.statement ?? { deadlineMs: 120_000, intervalMs: 500 };
  }

  async submit(script: SqlScript, request: SqlSubmitRequest): Promise<{ jobId: string }> {
    const text = 'text' in script ? script.text : await textOf(script.artifact);
    return this.submitStatements(splitSqlStatements(text), request);
  }

  async plan(script: SqlScript, request: SqlPlanRequest): Promise<SqlPlanOutcome> {
    const text = 'text' in script ? script.text : await textOf(script.artifact);
    return planSqlStatements(this.client, splitSqlStatements(text), request, this.wait);
  }

  /** {@link submit} of statements already split (one per gateway call). */
  async submitStatements(
    statements: readonly string[],
    request: SqlSubmitRequest,
  ): Promise<{ jobId: string }> {
    // Refuses an empty script, or a job statement before the last, before anything runs.
    sqlProgramOf(statements);
    const config = sqlSubmissionConfig(request);
    try {
      const session = await this.client.openSession(config, `fjc ${request.jobName}`);
      try {
        let jobId: string | undefined;
        for (const [index, statement] of statements.entries()) {
          // The configuration goes with every statement as well: a `SET` in the script must
          // not be able to change the job id or the restore point fjc recorded.
          const outcome = await this.client.runStatement(
            session,
            statement,
            config,
            index + 1,
            this.wait,
          );
          if (outcome.jobId !== undefined) {
            // A statement the program did not take for a job statement (a SELECT) started one.
            if (index !== statements.length - 1) throw jobNotLastError(index + 1);
            jobId = outcome.jobId;
          }
        }
        if (jobId === undefined)
          throw new ClusterRefusedError(
            'The SQL job submitted no Flink job',
            'no statement submitted a job',
            {
              code: 'SQL_NO_JOB',
              remedy:
                'End the statements with one INSERT INTO … or EXECUTE STATEMENT SET BEGIN … END.',
            },
          );
        if (jobId !== request.jobId)
          throw new ClusterRefusedError(
            `The SQL Gateway started job ${jobId}, not the requested ${request.jobId}`,
            `the gateway ignored ${FIXED_JOB_ID_KEY}`,
            {
              code: 'SQL_JOB_ID_IGNORED',
              remedy: `Cancel job ${jobId}; this gateway's Flink version does not honour fjc's job id.`,
            },
          );
        return { jobId };
      } finally {
        await this.client.closeSession(session).catch(() => undefined);
      }
    } catch (error) {
      throw translated(error);
    }
  }
}

/** {@link SqlGatewayPort.plan} over one gateway. */
export async function planSqlStatements(
  client: SqlGatewayClient,
  statements: readonly string[],
  request: SqlPlanRequest,
  wait: StatementWait,
): Promise<SqlPlanOutcome> {
  const preflight = sqlPreflightOf(sqlProgramOf(statements));
  if ('notChecked' in preflight) return { planned: false, reason: preflight.notChecked };
  const config = sqlSessionConfig(request);
  const calls = [...preflight.replay, preflight.explain];
  try {
    const session = await client.openSession(config, `fjc pre-flight ${request.jobName}`);
    try {
      for (const [index, statement] of calls.entries())
        await client.runStatement(session, statement, config, index + 1, wait);
      return { planned: true };
    } finally {
      await client.closeSession(session).catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof SqlStatementFailedError)
      throw new ClusterRefusedError(
        error.message,
        storedErrorText(`SQL statement ${String(error.statementNumber)}: ${error.rootCause}`),
        {
          cause: error,
          code: error.code,
          ...(error.remedy === undefined ? {} : { remedy: error.remedy }),
        },
      );
    throw translated(error);
  }
}

/** The text of a `.sql` artifact (small: a script, not a jar). */
async function textOf(artifact: ArtifactStream): Promise<string> {
  if ('path' in artifact) return readFile(artifact.path, 'utf8');
  const chunks: Uint8Array[] = [];
  for await (const chunk of artifact.stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const ports = new WeakMap<SqlGatewayClient, SqlGatewayClusterPort>();

/** The port of a gateway client (one per client, so callers may ask for it on every use). */
export function sqlGatewayPortOf(client: SqlGatewayClient): SqlGatewayClusterPort {
  let port = ports.get(client);
  if (!port) {
    port = new SqlGatewayClusterPort(client);
    ports.set(client, port);
  }
  return port;
}
