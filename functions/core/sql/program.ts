/**
 * What each statement of a SQL job does, as far as fjc must know it: the submission runs the
 * statements before the last as the session's set-up and the last as the one that submits the
 * job; the upgrade's pre-flight replays the same set-up and asks the gateway to `EXPLAIN` the
 * last, which plans it without running it. Both read the script through {@link sqlProgramOf}, so
 * the pre-flight checks exactly what the submission will run.
 */
import { ClusterRefusedError } from '../ports/flink.js';
import { managedConfigurationProblem } from '../spec/managed-configuration.js';
import { closingQuote } from './statements.js';

/**
 * - `session`: changes or reads only the session and its catalogs (SET, RESET, USE, CREATE,
 *   ALTER and DROP of catalogs, databases, tables, views and functions, modules, jars, SHOW,
 *   DESCRIBE, EXPLAIN): no job runs;
 * - `job`: submits a Flink job (INSERT, EXECUTE …, COMPILE AND EXECUTE PLAN, CREATE/REPLACE
 *   TABLE … AS SELECT);
 * - `other`: anything else (SELECT, CALL, ANALYZE, TRUNCATE, STOP JOB, …), which may run a job
 *   or change data, so the pre-flight never runs it.
 */
export type SqlStatementKind = 'session' | 'job' | 'other';

const SESSION =
  /^(SET|RESET|USE|CREATE|ALTER|DROP|LOAD|UNLOAD|ADD|REMOVE|SHOW|DESCRIBE|DESC|EXPLAIN)\b/i;
const JOB = /^(INSERT|EXECUTE|COMPILE\s+AND\s+EXECUTE)\b/i;
const TABLE_DEFINITION = /^(CREATE(\s+OR\s+REPLACE)?|REPLACE)\s+TABLE\b/i;

/** The index of the first character of `statement` that is neither blank nor comment. */
function codeStart(statement: string): number {
  let i = 0;
  for (;;) {
    while (i < statement.length && /\s/.test(statement[i] ?? '')) i++;
    if (statement.startsWith('--', i)) {
      const end = statement.indexOf('\n', i);
      i = end === -1 ? statement.length : end + 1;
    } else if (statement.startsWith('/*', i)) {
      const end = statement.indexOf('*/', i + 2);
      i = end === -1 ? statement.length : end + 2;
    } else return i;
  }
}

/**
 * `statement` reduced to its outermost words: quoted text and everything inside parentheses
 * blanked out, so that `AS` in a column definition or a string is not mistaken for the `AS` of a
 * CREATE TABLE … AS SELECT.
 */
function outermost(statement: string): string {
  let out = '';
  let depth = 0;
  let i = 0;
  while (i < statement.length) {
    const c = statement[i] ?? '';
    if (c === "'" || c === '"' || c === '`') {
      i = closingQuote(statement, i);
      out += ' ';
      continue;
    }
    if (c === '(') depth++;
    if (depth === 0) out += c;
    else out += ' ';
    if (c === ')') depth = Math.max(0, depth - 1);
    i++;
  }
  return out;
}

/** What `statement` does (see {@link SqlStatementKind}); leading comments are skipped. */
export function sqlStatementKind(statement: string): SqlStatementKind {
  const code = statement.slice(codeStart(statement));
  if (JOB.test(code)) return 'job';
  if (TABLE_DEFINITION.test(code) && /\bAS\b/i.test(outermost(code))) return 'job';
  if (SESSION.test(code)) return 'session';
  return 'other';
}

/** A SQL job's statements as the gateway runs them. */
export interface SqlProgram {
  /** The statements before the last, in order: the session's set-up (DDL, SET, …). */
  setup: readonly string[];
  /** The last statement: the one that submits the job (one INSERT or one statement set). */
  job: string;
}

/** A statement before the last one submitted (or would submit) a job. */
export function jobNotLastError(statementNumber: number): ClusterRefusedError {
  return new ClusterRefusedError(
    `SQL statement ${String(statementNumber)} submitted a job before the last statement`,
    'only the last statement may submit a job',
    {
      code: 'SQL_JOB_NOT_LAST',
      remedy:
        'Put one INSERT (or one EXECUTE STATEMENT SET) last; run several INSERTs as one statement set.',
    },
  );
}

/** `SET 'key' = …` (the key quoted with ', ` or ", or bare, as the SQL client takes it). */
const SET_KEY = /^SET\s+(?:'((?:[^']|'')*)'|`([^`]*)`|"([^"]*)"|([^\s=]+))\s*=/i;

/** The key a `SET key = value` statement sets, or undefined for any other statement. */
export function sqlSetKeyOf(statement: string): string | undefined {
  const match = SET_KEY.exec(statement.slice(codeStart(statement)));
  if (match === null) return undefined;
  return (match[1]?.replaceAll("''", "'") ?? match[2] ?? match[3] ?? match[4] ?? '').trim();
}

/**
 * A set-up statement sets a configuration key that fjc manages (the restore path, the job id,
 * the job's name or parallelism: see ../spec/managed-configuration.ts), or undefined.
 */
export function managedSettingError(
  statement: string,
  statementNumber: number,
): ClusterRefusedError | undefined {
  const key = sqlSetKeyOf(statement);
  const problem = key === undefined ? undefined : managedConfigurationProblem(key);
  if (key === undefined || problem === undefined) return undefined;
  return new ClusterRefusedError(
    `SQL statement ${String(statementNumber)} sets ${key}, which ${problem}`,
    `${key} ${problem}`,
    {
      code: 'SQL_MANAGED_SETTING',
      remedy: `Remove the SET of ${key} from the SQL; fjc sets it from the job's spec.`,
    },
  );
}

/**
 * The program of a SQL job's split statements (statements.ts), for its submission and its
 * pre-flight alike.
 *
 * @throws ClusterRefusedError `SQL_NO_STATEMENTS` when there are none; `SQL_JOB_NOT_LAST` when a
 *   statement before the last would submit a job (refused before anything runs, so no stray
 *   job is started); `SQL_MANAGED_SETTING` when a statement SETs a key fjc manages (a restore
 *   path set there would start the job from state fjc never chose).
 */
export function sqlProgramOf(statements: readonly string[]): SqlProgram {
  const job = statements.at(-1);
  if (job === undefined)
    throw new ClusterRefusedError('A SQL job without statements', 'no statements', {
      code: 'SQL_NO_STATEMENTS',
      remedy: 'Give DDL and one INSERT (or EXECUTE STATEMENT SET) in spec.sql.',
    });
  const setup = statements.slice(0, -1);
  const early = setup.findIndex((statement) => sqlStatementKind(statement) === 'job');
  if (early !== -1) throw jobNotLastError(early + 1);
  for (const [index, statement] of setup.entries()) {
    const managed = managedSettingError(statement, index + 1);
    if (managed !== undefined) throw managed;
  }
  return { setup, job };
}

/**
 * How the pre-flight checks a program: the set-up replayed as it is, then `explain` (the job
 * statement under `EXPLAIN JSON_EXECUTION_PLAN`, which has the planner translate it down to
 * Flink's stream graph: tables, columns, functions, connectors and their options are resolved,
 * and nothing runs). `notChecked` says why a program cannot be checked that way.
 */
export type SqlPreflight = { replay: readonly string[]; explain: string } | { notChecked: string };

/** The statement's first word (two for EXECUTE …), for a reason that names it. */
function keywordOf(statement: string): string {
  const code = statement.slice(codeStart(statement));
  const words = /^(EXECUTE\s+)?[A-Za-z]+/i.exec(code)?.[0] ?? '?';
  return words.toUpperCase().replace(/\s+/, ' ');
}

/**
 * The pre-flight of `program`: replayable only when every set-up statement is a `session` one,
 * so that nothing runs, and explainable when the job statement is an INSERT, an
 * `EXECUTE INSERT` or an `EXECUTE STATEMENT SET` (EXPLAIN takes INSERT and STATEMENT SET).
 */
export function sqlPreflightOf(program: SqlProgram): SqlPreflight {
  const unsafe = program.setup.findIndex((statement) => sqlStatementKind(statement) !== 'session');
  if (unsafe !== -1)
    return {
      notChecked: `SQL statement ${String(unsafe + 1)} (${keywordOf(program.setup[unsafe] ?? '')}) may run a job, so the pre-flight does not replay it`,
    };
  const code = program.job.slice(codeStart(program.job));
  const body = /^EXECUTE\s+(?=INSERT\b|STATEMENT\s+SET\b)/i.test(code)
    ? code.replace(/^EXECUTE\s+/i, '')
    : /^INSERT\b/i.test(code)
      ? code
      : undefined;
  if (body === undefined)
    return {
      notChecked: `SQL statement ${String(program.setup.length + 1)} (${keywordOf(code)}) is not one EXPLAIN takes (an INSERT or a statement set)`,
    };
  return { replay: program.setup, explain: `EXPLAIN JSON_EXECUTION_PLAN ${body}` };
}
