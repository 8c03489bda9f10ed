import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  SPEC_JSON_SCHEMA_PATH,
  buildSpecJsonSchema,
  isLabelKey,
  parseSpecDocuments,
} from '../../../functions/core/spec/index.js';
import { artifactProblem, artifactUriPattern } from '../../../functions/core/spec/artifact.js';
import { draft2020, type AjvError } from '../../support/ajv.js';

/**
 * Where the editor schema must accept what `fjc validate` refuses: rules JSON Schema cannot
 * express. Each id is a heading of docs/spec-schema.md, and this list is exactly the corpus files
 * on which the two verdicts differ.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'invalid/duration-over-a-year.yaml': 'duration-ceiling',
  'invalid/config-secret-key.yaml': 'inline-secrets',
  'invalid/args-inline-password.yaml': 'inline-secrets',
  'invalid/label-secret-key.yaml': 'inline-secrets',
  'invalid/cluster-url-metadata-endpoint.yaml': 'egress',
  'invalid/bidi-override.yaml': 'refused-characters',
  'invalid/yaml-list.yaml': 'file-syntax',
};

const CORPUS = 'test/fixtures/spec-corpus';
const schema = buildSpecJsonSchema();
const ajv = draft2020({ strict: true, strictTypes: false, strictRequired: false });
// The YAML language server's message for a failed pattern: an annotation to ajv.
ajv.addKeyword('patternErrorMessage');
const validate = ajv.compile(schema);

/** The errors ajv reports for each document of a YAML file (none: it accepts them all). */
function ajvErrors(text: string): AjvError[] {
  return parseAllDocuments(text).flatMap((document) =>
    validate(document.toJS()) ? [] : (validate.errors ?? []),
  );
}

const files = [
  ...readdirSync('examples/specs').map((name) => ({
    id: `examples/${name}`,
    path: join('examples/specs', name),
  })),
  ...['valid', 'invalid'].flatMap((folder) =>
    readdirSync(join(CORPUS, folder)).map((name) => ({
      id: `${folder}/${name}`,
      path: join(CORPUS, folder, name),
    })),
  ),
];

describe('the editor JSON Schema against fjc validate', () => {
  const verdicts = files.map(({ id, path }) => {
    const text = readFileSync(path, 'utf8');
    return {
      id,
      fjc: parseSpecDocuments(text, { filename: id }).ok,
      ajv: ajvErrors(text).length === 0,
    };
  });

  it('accepts every example and valid spec, as fjc does', () => {
    const refused = verdicts.filter((v) => !v.id.startsWith('invalid/') && !(v.fjc && v.ajv));
    expect(refused).toEqual([]);
    expect(verdicts.filter((v) => v.id.startsWith('examples/')).length).toBeGreaterThan(0);
  });

  it('refuses every broken spec fjc refuses, but for the documented differences', () => {
    expect(verdicts.filter((v) => v.id.startsWith('invalid/') && v.fjc)).toEqual([]);
    const differing = verdicts.filter((v) => v.fjc !== v.ajv).map((v) => v.id);
    expect(differing.sort()).toEqual(Object.keys(KNOWN_DIFFERENCES).sort());
  });

  it('lists each difference in docs/spec-schema.md', () => {
    const doc = readFileSync('docs/spec-schema.md', 'utf8');
    const headings = [...doc.matchAll(/^### `([a-z-]+)`/gm)].map((match) => match[1]);
    expect(headings.sort()).toEqual([...new Set(Object.values(KNOWN_DIFFERENCES))].sort());
  });
});

describe('what an editor reports', () => {
  // ajv adds an `if` entry for each failed `then`/`else`; editors show only the failure itself.
  const errorsOf = (file: string) =>
    ajvErrors(readFileSync(join(CORPUS, file), 'utf8'))
      .filter((e) => e.keyword !== 'if')
      .map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`);

  it('a kind typo: the allowed kinds, nothing about other fields', () => {
    expect(errorsOf('invalid/kind-typo.yaml')).toEqual([
      '/kind enum {"allowedValues":["FlinkCluster","FlinkJob"]}',
    ]);
  });

  it('a missing team: the missing field of the kind the document names', () => {
    expect(errorsOf('invalid/team-missing.yaml')).toEqual([
      '/spec required {"missingProperty":"team"}',
    ]);
  });

  it('a job without a program: the three fields that name its type', () => {
    const errors = errorsOf('invalid/program-missing.yaml');
    for (const field of ['artifact', 'python', 'sql'])
      expect(errors).toContain(`/spec required {"missingProperty":"${field}"}`);
  });

  it('an auth type typo: the allowed types', () => {
    expect(errorsOf('invalid/cluster-auth-unknown.yaml')).toContain(
      '/spec/auth/type enum {"allowedValues":["none","basic","bearer","mtls"]}',
    );
  });
});

describe('patterns that stand for rules in code', () => {
  const uriAlphabet = fc.constantFrom(
    ...['s3://', 'gs://', 'S3://', 'bucket', 'Bad_', '.', '/', 'a', '-', ' ', '\n', '\0'],
    ...['.jar', '.py', '.zip', '.sql', 'x.jar', '\u2028', 'file:', '\t', 'ab', '..'],
  );
  const uris = fc.array(uriAlphabet, { maxLength: 8 }).map((parts) => parts.join(''));

  it('an artifact uri matches the pattern exactly when artifactProblem finds nothing', () => {
    for (const extensions of [['.jar'], ['.py', '.zip'], ['.sql']]) {
      const pattern = new RegExp(artifactUriPattern(extensions), 'u');
      fc.assert(
        fc.property(uris, (uri) => {
          expect(pattern.test(uri), JSON.stringify(uri)).toBe(
            artifactProblem(uri, extensions) === undefined,
          );
        }),
        { numRuns: 2000 },
      );
    }
  });

  it('a label key matches the pattern exactly when isLabelKey accepts it', () => {
    const labels = (
      schema as {
        $defs: {
          FlinkJob: {
            properties: {
              metadata: { properties: { labels: { propertyNames: { pattern: string } } } };
            };
          };
        };
      }
    ).$defs.FlinkJob.properties.metadata.properties.labels.propertyNames;
    const pattern = new RegExp(labels.pattern, 'u');
    const keys = fc
      .array(fc.constantFrom('a', 'Z', '0', '-', '_', '.', '/', 'fjc.dev', 'x'.repeat(60)), {
        maxLength: 6,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(keys, (key) => {
        expect(pattern.test(key), key).toBe(isLabelKey(key));
      }),
      { numRuns: 2000 },
    );
  });

  it('each come with the message fjc gives, for editors that show it instead of the pattern', () => {
    const bare: string[] = [];
    const walk = (node: unknown, pointer: string, condition: boolean): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (!condition && 'pattern' in record && !('patternErrorMessage' in record))
        bare.push(pointer);
      for (const [key, child] of Object.entries(record))
        if (!['const', 'enum', 'default'].includes(key))
          walk(child, `${pointer}/${key}`, condition || key === 'if');
    };
    walk(schema, '', false);
    expect(
      bare,
      'add .meta(patternRule(pattern, message)) or .meta({ patternErrorMessage })',
    ).toEqual([]);
  });

  it(`is what ${SPEC_JSON_SCHEMA_PATH} holds`, () => {
    expect(JSON.parse(readFileSync(SPEC_JSON_SCHEMA_PATH, 'utf8'))).toEqual(schema);
  });
});
