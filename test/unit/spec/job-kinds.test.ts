/** The three kinds of FlinkJob: jar, PyFlink and SQL, told apart by their program block. */
import { describe, expect, it } from 'vitest';
import {
  flinkJobSchema,
  jobTypeOf,
  programDigestOf,
  validateSpecDocuments,
  type FieldIssue,
  type ParseResult,
} from '../../../functions/core/spec/index.js';
import { minimalJob } from './fixtures.js';

const DIGEST = 'b'.repeat(64);
const EXACTLY_ONE =
  'give exactly one of artifact (a jar job), python (a PyFlink job) or sql (a SQL job)';

/** A job whose spec has `program` instead of the jar artifact. */
function jobWith(program: Record<string, unknown>): Record<string, unknown> {
  const job = minimalJob();
  const spec = { ...(job.spec as Record<string, unknown>) };
  delete spec.artifact;
  return { ...job, spec: { ...spec, ...program } };
}

function issuesOf(result: ParseResult): FieldIssue[] {
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.documents)}`);
  return result.issues;
}

const validate = (program: Record<string, unknown>) => validateSpecDocuments([jobWith(program)]);

describe('job types', () => {
  it('derives the type from the program block', () => {
    const parse = (program: Record<string, unknown>) =>
      jobTypeOf(flinkJobSchema.parse(jobWith(program)).spec);
    expect(parse({ artifact: { uri: 'a.jar' } })).toBe('jar');
    expect(parse({ python: { artifact: { uri: 'job.py' } } })).toBe('python');
    expect(parse({ sql: { statements: 'INSERT INTO a SELECT 1;' } })).toBe('sql');
  });

  it('keeps every jar spec valid', () => {
    expect(validateSpecDocuments([minimalJob()]).ok).toBe(true);
  });

  it('asks for a program block when there is none, naming spec', () => {
    expect(issuesOf(validate({}))).toEqual([{ path: 'documents[0].spec', message: EXACTLY_ONE }]);
  });

  it('reports each extra program block at its own path', () => {
    expect(
      issuesOf(
        validate({
          artifact: { uri: 'a.jar' },
          python: { artifact: { uri: 'job.py' } },
          sql: { statements: 'INSERT INTO a SELECT 1;' },
        }),
      ),
    ).toEqual([
      { path: 'documents[0].spec.python', message: EXACTLY_ONE },
      { path: 'documents[0].spec.sql', message: EXACTLY_ONE },
    ]);
  });

  it('reports the program rule together with other mistakes', () => {
    const issues = issuesOf(validate({ parallelism: 0 }));
    expect(issues.map((issue) => issue.path)).toEqual([
      'documents[0].spec.parallelism',
      'documents[0].spec',
    ]);
  });

  it('refuses entryClass outside jar jobs and args in SQL jobs', () => {
    expect(
      issuesOf(validate({ python: { artifact: { uri: 'job.py' } }, entryClass: 'a.B' })),
    ).toEqual([
      { path: 'documents[0].spec.entryClass', message: 'is only for a jar job (spec.artifact)' },
    ]);
    expect(
      issuesOf(validate({ sql: { statements: 'INSERT INTO a SELECT 1;' }, args: ['--x'] })),
    ).toEqual([
      {
        path: 'documents[0].spec.args',
        message: 'a SQL job takes no args; put values into the statements',
      },
    ]);
    expect(validate({ python: { artifact: { uri: 'job.py' } }, args: ['--rate', '5'] }).ok).toBe(
      true,
    );
  });

  it('records the digest of the main program file', () => {
    const digest = (program: Record<string, unknown>) =>
      programDigestOf(flinkJobSchema.parse(jobWith(program)).spec);
    expect(digest({ artifact: { uri: 'a.jar', sha256: DIGEST } })).toBe(DIGEST);
    expect(digest({ python: { artifact: { uri: 'j.py', sha256: DIGEST } } })).toBe(DIGEST);
    expect(digest({ sql: { artifact: { uri: 'j.sql', sha256: DIGEST } } })).toBe(DIGEST);
    expect(digest({ sql: { statements: 'INSERT INTO a SELECT 1;' } })).toBeUndefined();
  });
});

describe('spec.python', () => {
  it.each([
    ['s3://my.bucket/jobs/job.py', true],
    ['jobs/job.py', true],
    ['s3://B/job.py', false],
    ['https://example.com/job.py', false],
    ['jobs/job.jar', false],
  ])('artifact uri %s valid: %s', (uri, valid) => {
    expect(validate({ python: { artifact: { uri } } }).ok).toBe(valid);
  });

  it('explains the allowed extensions and the URI form', () => {
    expect(issuesOf(validate({ python: { artifact: { uri: 'job.jar' } } }))).toEqual([
      { path: 'documents[0].spec.python.artifact.uri', message: 'must name a .py or .zip file' },
    ]);
    expect(
      issuesOf(validate({ python: { artifact: { uri: 's3://B/j.py' } } }))[0]?.message,
    ).toMatch(/^must be s3:\/\/bucket\/key\.py with a valid bucket name/);
  });

  it('requires entryModule for a zip and refuses it for a .py', () => {
    expect(issuesOf(validate({ python: { artifact: { uri: 'job.zip' } } }))).toEqual([
      {
        path: 'documents[0].spec.python.entryModule',
        message: 'is required for a .zip artifact: name the module to run, e.g. pkg.main',
      },
    ]);
    expect(
      issuesOf(validate({ python: { artifact: { uri: 'job.py' }, entryModule: 'pkg.main' } })),
    ).toEqual([
      {
        path: 'documents[0].spec.python.entryModule',
        message: 'is only for a .zip artifact; a .py file is run as a script',
      },
    ]);
    expect(validate({ python: { artifact: { uri: 'job.zip' }, entryModule: 'pkg.main' } }).ok).toBe(
      true,
    );
    expect(
      issuesOf(validate({ python: { artifact: { uri: 'job.zip' }, entryModule: 'pkg-main' } })),
    ).toEqual([
      {
        path: 'documents[0].spec.python.entryModule',
        message: 'must be a dotted Python module name, e.g. pkg.main',
      },
    ]);
  });

  it('checks each extra Python file with the artifact rules', () => {
    expect(
      issuesOf(
        validate({
          python: {
            artifact: { uri: 'job.py' },
            pyFiles: [
              { uri: 'lib.zip', sha256: DIGEST },
              { uri: 'lib.txt' },
              { uri: 'u.py', sha256: 'X' },
            ],
          },
        }),
      ),
    ).toEqual([
      { path: 'documents[0].spec.python.pyFiles[1].uri', message: 'must name a .py or .zip file' },
      {
        path: 'documents[0].spec.python.pyFiles[2].sha256',
        message: 'must be 64 lowercase hexadecimal characters',
      },
    ]);
  });

  it('defaults pyFiles to none', () => {
    const job = flinkJobSchema.parse(jobWith({ python: { artifact: { uri: 'job.py' } } }));
    expect(job.spec.python).toEqual({ artifact: { uri: 'job.py' }, pyFiles: [] });
  });
});

describe('spec.sql', () => {
  it('takes inline statements or a .sql artifact, exactly one', () => {
    expect(validate({ sql: { statements: 'INSERT INTO a SELECT 1;' } }).ok).toBe(true);
    expect(validate({ sql: { artifact: { uri: 's3://b-1/q.sql', sha256: DIGEST } } }).ok).toBe(
      true,
    );
    const one = 'give exactly one of statements (inline SQL) or artifact (a .sql file)';
    expect(issuesOf(validate({ sql: {} }))).toEqual([
      { path: 'documents[0].spec.sql', message: one },
    ]);
    expect(
      issuesOf(
        validate({ sql: { statements: 'INSERT INTO a SELECT 1;', artifact: { uri: 'q.sql' } } }),
      ),
    ).toEqual([{ path: 'documents[0].spec.sql.artifact', message: one }]);
  });

  it('refuses inline statements fjc would refuse at submission, naming the statement', () => {
    const issues = issuesOf(
      validate({
        sql: {
          statements:
            "CREATE TABLE t (k INT);\nSET 'execution.state-recovery.path' = 's3://b/sp';\nINSERT INTO t SELECT 1;",
        },
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'documents[0].spec.sql.statements',
        message: expect.stringMatching(
          /SQL statement 2 sets execution\.state-recovery\.path, which is managed by fjc: use spec\.restore/,
        ) as unknown,
      }),
    );
    const early = issuesOf(
      validate({ sql: { statements: 'INSERT INTO a SELECT 1;\nINSERT INTO b SELECT 1;' } }),
    );
    expect(early).toContainEqual(
      expect.objectContaining({
        path: 'documents[0].spec.sql.statements',
        message: expect.stringContaining(
          'SQL statement 1 submitted a job before the last',
        ) as unknown,
      }),
    );
  });

  it('refuses empty statements and other file types', () => {
    expect(issuesOf(validate({ sql: { statements: '  ' } }))).toEqual([
      { path: 'documents[0].spec.sql.statements', message: 'must not be empty' },
    ]);
    expect(issuesOf(validate({ sql: { artifact: { uri: 'q.txt' } } }))).toEqual([
      { path: 'documents[0].spec.sql.artifact.uri', message: 'must name a .sql file' },
    ]);
  });
});
