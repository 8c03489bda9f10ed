/**
 * The program of a FlinkJob: a jar (`spec.artifact`), a PyFlink program (`spec.python`) or SQL
 * statements (`spec.sql`). Exactly one of the three blocks is given; the job type is derived from
 * which one, so every existing jar spec stays valid and no separate `type` field can disagree
 * with the block that is actually there.
 */
import { z } from 'zod';
import { artifactSchemaFor } from './artifact.js';
import { patternRule } from './common.js';
import { ClusterRefusedError } from '../ports/flink.js';
import { sqlProgramOf } from '../sql/program.js';
import { splitSqlStatements } from '../sql/statements.js';

/** The three kinds of job fjc runs. */
export const JOB_TYPES = ['jar', 'python', 'sql'] as const;
/** One of {@link JOB_TYPES}. */
export type JobType = (typeof JOB_TYPES)[number];

/** The spec field that holds the program of each job type. */
export const PROGRAM_FIELD: Readonly<Record<JobType, 'artifact' | 'python' | 'sql'>> = {
  jar: 'artifact',
  python: 'python',
  sql: 'sql',
};

/** A jar artifact. */
export const jarArtifactSchema = artifactSchemaFor(['.jar']);

/** A Python program file: one module, or a zip of a package tree. */
export const pythonArtifactSchema = artifactSchemaFor(['.py', '.zip']);

const PYTHON_MODULE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `spec.python`: a PyFlink program, run by Flink's PythonDriver on the JobManager. */
export const pythonProgramSchema = z
  .strictObject({
    artifact: pythonArtifactSchema.describe(
      'The program: a .py file (run as a script) or a .zip of modules (run with entryModule); s3:// URI or, for local clusters, a file path.',
    ),
    entryModule: z
      .string({ error: 'must be a string' })
      .regex(PYTHON_MODULE, {
        error: 'must be a dotted Python module name, e.g. pkg.main',
      })
      .meta({ patternErrorMessage: 'must be a dotted Python module name, e.g. pkg.main' })
      .optional()
      .describe('Module to run from the .zip (python -m); required for a .zip, refused for a .py.'),
    pyFiles: z
      .array(pythonArtifactSchema)
      .default([])
      .describe('Extra .py or .zip files put on the PYTHONPATH of the driver and the workers.'),
  })
  .check(
    z.superRefine(
      (python, ctx) => {
        const zip = python.artifact.uri.endsWith('.zip');
        if (zip && python.entryModule === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['entryModule'],
            message: 'is required for a .zip artifact: name the module to run, e.g. pkg.main',
          });
        if (!zip && python.entryModule !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['entryModule'],
            message: 'is only for a .zip artifact; a .py file is run as a script',
          });
      },
      { when: (payload) => pythonRuleApplies(payload.value) },
    ),
  )
  .meta({
    allOf: [
      {
        if: {
          properties: { artifact: { properties: { uri: { pattern: String.raw`\.zip$` } } } },
          required: ['artifact'],
        },
        then: { required: ['entryModule'] },
        else: { properties: { entryModule: false } },
      },
    ],
  });

function pythonRuleApplies(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { artifact, entryModule } = value as Record<string, unknown>;
  const uri = (artifact as Record<string, unknown> | undefined)?.uri;
  return (
    typeof uri === 'string' &&
    (uri.endsWith('.zip') || uri.endsWith('.py')) &&
    (entryModule === undefined || typeof entryModule === 'string')
  );
}

/** A SQL script file. */
export const sqlArtifactSchema = artifactSchemaFor(['.sql']);

/** What the submission would refuse in inline SQL (../sql/program.ts), or undefined. */
function inlineSqlProblem(statements: string): string | undefined {
  if (statements.trim() === '') return undefined; // reported as empty already
  try {
    sqlProgramOf(splitSqlStatements(statements));
    return undefined;
  } catch (error) {
    if (error instanceof ClusterRefusedError) return error.message;
    throw error;
  }
}

/** `spec.sql`: SQL statements, inline or from a file, run through the cluster's SQL Gateway. */
export const sqlProgramSchema = z
  .strictObject({
    statements: z
      .string({ error: 'must be a string' })
      .refine((text) => text.trim() !== '', { error: 'must not be empty' })
      .meta(patternRule(String.raw`\S`, 'must not be empty'))
      .optional()
      .describe(
        'DDL plus one INSERT or one EXECUTE STATEMENT SET BEGIN … END; separated by semicolons.',
      ),
    artifact: sqlArtifactSchema
      .optional()
      .describe('A .sql file with the statements instead of statements: s3:// URI or file path.'),
  })
  .check(
    z.superRefine(
      (sql, ctx) => {
        const given = (['statements', 'artifact'] as const).filter((key) => sql[key] !== undefined);
        if (given.length === 0)
          ctx.addIssue({
            code: 'custom',
            message: 'give exactly one of statements (inline SQL) or artifact (a .sql file)',
          });
        for (const key of given.slice(1))
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'give exactly one of statements (inline SQL) or artifact (a .sql file)',
          });
        // Inline statements are read here as the submission will read them, so every door
        // refuses what the submission would (a .sql artifact is read at pre-flight/submission).
        const problem =
          typeof sql.statements === 'string' ? inlineSqlProblem(sql.statements) : undefined;
        if (problem !== undefined)
          ctx.addIssue({ code: 'custom', path: ['statements'], message: problem });
      },
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
    ),
  )
  .meta({
    allOf: [
      { anyOf: [{ required: ['statements'] }, { required: ['artifact'] }] },
      { if: { required: ['statements'] }, then: { properties: { artifact: false } } },
    ],
  });

/** The program fields of a job spec, as far as {@link jobTypeOf} needs them. */
export interface ProgramFields {
  readonly artifact?: unknown;
  readonly python?: unknown;
  readonly sql?: unknown;
}

/**
 * The job type, from which program block the spec has. A validated spec has exactly one; a jar
 * is assumed when neither `python` nor `sql` is present, as every spec before job types was one.
 */
export function jobTypeOf(spec: ProgramFields): JobType {
  if (spec.python !== undefined) return 'python';
  if (spec.sql !== undefined) return 'sql';
  return 'jar';
}

/**
 * {@link programIssues} in JSON Schema, for editors: one block at least, none besides the one
 * given, and the fields its job type does not take.
 */
export const PROGRAM_JSON_SCHEMA: readonly Record<string, unknown>[] = [
  { anyOf: [{ required: ['artifact'] }, { required: ['python'] }, { required: ['sql'] }] },
  { if: { required: ['artifact'] }, then: { properties: { python: false, sql: false } } },
  { if: { required: ['python'] }, then: { properties: { sql: false, entryClass: false } } },
  { if: { required: ['sql'] }, then: { properties: { entryClass: false, args: { maxItems: 0 } } } },
];

const EXACTLY_ONE =
  'give exactly one of artifact (a jar job), python (a PyFlink job) or sql (a SQL job)';

/**
 * The issues of the program rules, on a spec as parsed so far: exactly one program block, and
 * the fields that only some job types take. Paths are relative to `spec`.
 */
export function programIssues(
  spec: Record<string, unknown>,
): { path: PropertyKey[]; message: string }[] {
  const issues: { path: PropertyKey[]; message: string }[] = [];
  const given = (['artifact', 'python', 'sql'] as const).filter((key) => spec[key] !== undefined);
  if (given.length === 0) issues.push({ path: [], message: EXACTLY_ONE });
  for (const key of given.slice(1)) issues.push({ path: [key], message: EXACTLY_ONE });
  const type = given.length === 1 ? jobTypeOf(spec) : undefined;
  if (type !== undefined && type !== 'jar' && spec.entryClass !== undefined)
    issues.push({ path: ['entryClass'], message: 'is only for a jar job (spec.artifact)' });
  if (type === 'sql' && Array.isArray(spec.args) && spec.args.length > 0)
    issues.push({
      path: ['args'],
      message: 'a SQL job takes no args; put values into the statements',
    });
  return issues;
}

/** The program fields of a validated spec, typed. */
interface TypedProgram {
  readonly artifact?: { readonly uri: string; readonly sha256?: string | undefined } | undefined;
  readonly python?:
    | { readonly artifact: { readonly uri: string; readonly sha256?: string | undefined } }
    | undefined;
  readonly sql?:
    | { readonly artifact?: { readonly uri: string; readonly sha256?: string | undefined } }
    | undefined;
}

/**
 * The digest that pins the job's main program file (the jar, the Python artifact, the SQL file),
 * recorded with each savepoint so that a savepoint can be matched with the code that wrote it.
 * `undefined` when the spec pins none (or the SQL is inline).
 */
export function programDigestOf(spec: TypedProgram): string | undefined {
  if (spec.python !== undefined) return spec.python.artifact.sha256;
  if (spec.sql !== undefined) return spec.sql.artifact?.sha256;
  return spec.artifact?.sha256;
}
