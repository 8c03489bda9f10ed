import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/commons/errors.js';
import {
  MAX_DOCUMENTS,
  MAX_SPEC_FILE_BYTES,
  encodeSpecDocument,
  parseSpecDocuments,
  parseSpecDocumentsOrThrow,
  specDocumentSchema,
  validateSpecDocuments,
  type FieldIssue,
  type FlinkCluster,
  type FlinkJob,
  type ParseResult,
} from '../../../functions/core/spec/index.js';
import { CLUSTER_YAML, JOB_YAML, fullJob, minimalCluster, minimalJob } from './fixtures.js';

function issuesOf(result: ParseResult): FieldIssue[] {
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.documents)}`);
  return result.issues;
}

function documentsOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected documents, got ${JSON.stringify(result.issues)}`);
  return result.documents;
}

function onlyJob(result: ParseResult): FlinkJob {
  const [document] = documentsOf(result);
  if (document?.kind !== 'FlinkJob') throw new Error('expected one FlinkJob');
  return document;
}

function paths(result: ParseResult): string[] {
  return issuesOf(result).map((issue) => issue.path);
}

function jobWithSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const job = minimalJob();
  return { ...job, spec: { ...(job.spec as Record<string, unknown>), ...spec } };
}

function clusterWithSpec(spec: Record<string, unknown>): Record<string, unknown> {
  return { ...minimalCluster(), spec };
}

describe('example specs', () => {
  it('parses examples/specs/local-cluster.yaml', () => {
    const file = 'examples/specs/local-cluster.yaml';
    const [cluster] = documentsOf(
      parseSpecDocuments(readFileSync(file, 'utf8'), { filename: file }),
    );
    expect(cluster).toMatchObject({
      kind: 'FlinkCluster',
      metadata: { name: 'local' },
      spec: { url: 'http://127.0.0.1:8081', auth: { type: 'none' } },
    });
  });

  it('parses examples/specs/stateful-counter.yaml', () => {
    const file = 'examples/specs/stateful-counter.yaml';
    const job = onlyJob(parseSpecDocuments(readFileSync(file, 'utf8'), { filename: file }));
    expect(job.metadata.name).toBe('stateful-counter');
    expect(job.spec).toMatchObject({
      team: 'platform',
      clusterRef: 'local',
      artifact: { uri: 'examples/jobs/stateful-counter/target/stateful-counter.jar' },
      entryClass: 'dev.fjc.examples.StatefulCounter',
      args: ['--rate', '50'],
      parallelism: 1,
      upgradeMode: 'savepoint',
      savepointPolicy: { interval: { text: '10m', ms: 600_000 }, maxCount: 5 },
    });
  });
});

describe('defaults', () => {
  it('fills in every default, visible in the parsed spec', () => {
    const job = onlyJob(parseSpecDocuments(JOB_YAML));
    expect(job).toEqual({
      apiVersion: 'fjc.dev/v1',
      kind: 'FlinkJob',
      metadata: { name: 'counter', labels: {} },
      spec: {
        team: 'platform',
        clusterRef: 'local',
        artifact: { uri: 's3://fjc-artifacts/counter/counter-1.0.jar' },
        args: [],
        parallelism: 1,
        flinkConfiguration: {},
        state: 'running',
        upgradeMode: 'savepoint',
        restore: { allowNonRestoredState: false },
        savepointPolicy: {
          interval: 'off',
          maxCount: 10,
          maxAge: { text: '7d', ms: 7 * 86_400_000 },
          timeout: { text: '10m', ms: 600_000 },
        },
        stabilityGate: {
          minCompletedCheckpoints: 2,
          maxRestarts: 0,
          soakWindow: { text: '60s', ms: 60_000 },
          readinessTimeout: { text: '5m', ms: 300_000 },
        },
        rollback: { enabled: true },
        deletionPolicy: 'suspend-with-savepoint',
        restartNonce: 0,
        savepointNonce: 0,
      },
    });
  });

  it('defaults a cluster to no authentication', () => {
    const [cluster] = documentsOf(parseSpecDocuments(CLUSTER_YAML)) as FlinkCluster[];
    expect(cluster?.spec.auth).toEqual({ type: 'none' });
    expect(cluster?.spec.flinkVersion).toBeUndefined();
  });

  it('keeps every value of a fully specified job', () => {
    const job = onlyJob(validateSpecDocuments([fullJob()]));
    expect(encodeSpecDocument(job)).toEqual(fullJob());
  });
});

describe('reporting every mistake at once', () => {
  it('reports five different mistakes with their paths in one go', () => {
    const text = `${CLUSTER_YAML}---
apiVersion: fjc.dev/v1
kind: FlinkJob
metadata:
  name: Orders_Job
spec:
  team: platform
  clusterRef: local
  artifact:
    uri: ftp://example.com/orders.jar
  parallelism: 0
  upgradeMode: blue-green
  savepointPolicy:
    maxCount: -3
`;
    const issues = issuesOf(parseSpecDocuments(text, { filename: 'orders.yaml' }));
    expect(issues.map((issue) => issue.path)).toEqual([
      'documents[1].metadata.name',
      'documents[1].spec.artifact.uri',
      'documents[1].spec.parallelism',
      'documents[1].spec.upgradeMode',
      'documents[1].spec.savepointPolicy.maxCount',
    ]);
    expect(issues[0]?.message).toMatch(/DNS label.*\(line 11, column 9\)/);
    expect(issues[1]?.message).toMatch(/s3:\/\/bucket\/key\.jar/);
    expect(issues[2]?.message).toMatch(/at least 1/);
    expect(issues[3]?.message).toMatch(/one of stateless, savepoint, last-state/);
    expect(issues[4]?.message).toMatch(/at least 1 \(line 20, column 15\)/);
  });

  it('reports problems of several documents together', () => {
    const text = `${JOB_YAML.replace('team: platform', 'team: 7')}---\n${CLUSTER_YAML.replace('http://', 'ftp://')}`;
    expect(paths(parseSpecDocuments(text))).toEqual([
      'documents[0].spec.team',
      'documents[1].spec.url',
    ]);
  });

  it('says which fields are required', () => {
    const issues = issuesOf(
      validateSpecDocuments([
        { apiVersion: 'fjc.dev/v1', kind: 'FlinkJob', metadata: { name: 'a' }, spec: {} },
      ]),
    );
    expect(issues).toEqual([
      { path: 'documents[0].spec.team', message: 'is required (a string)' },
      { path: 'documents[0].spec.clusterRef', message: 'is required (a string)' },
      {
        path: 'documents[0].spec',
        message:
          'give exactly one of artifact (a jar job), python (a PyFlink job) or sql (a SQL job)',
      },
    ]);
  });

  it('names the expected and the actual type', () => {
    const issues = issuesOf(validateSpecDocuments([jobWithSpec({ args: 'a b', restore: [] })]));
    expect(issues).toEqual([
      { path: 'documents[0].spec.args', message: 'must be a list, got a string' },
      { path: 'documents[0].spec.restore', message: 'must be a mapping, got a list' },
    ]);
  });
});

describe('unknown fields', () => {
  it('rejects unknown fields at every level and lists the allowed ones', () => {
    const job = jobWithSpec({ paralelism: 2, savepointPolicy: { intervall: '1h' } });
    const issues = issuesOf(validateSpecDocuments([{ ...job, status: {} }]));
    expect(issues.map((issue) => issue.path)).toEqual([
      'documents[0].spec.savepointPolicy.intervall',
      'documents[0].spec.paralelism',
      'documents[0].status',
    ]);
    expect(issues[1]?.message).toMatch(/^unknown field; allowed: team, clusterRef, artifact/);
    expect(issues[0]?.message).toBe(
      'unknown field; allowed: interval, maxCount, maxAge, targetDirectory, timeout',
    );
  });

  it('quotes keys that are not identifiers in paths', () => {
    const issues = issuesOf(validateSpecDocuments([jobWithSpec({ 'my field': 1 })]));
    expect(issues[0]?.path).toBe('documents[0].spec["my field"]');
  });
});

describe('kinds and versions', () => {
  it('rejects an unknown kind and a wrong apiVersion together', () => {
    const issues = issuesOf(parseSpecDocuments('apiVersion: fjc.dev/v2\nkind: FlinkSession\n'));
    expect(issues).toEqual([
      { path: 'documents[0].apiVersion', message: 'must be "fjc.dev/v1" (line 1, column 13)' },
      {
        path: 'documents[0].kind',
        message: 'must be one of FlinkCluster, FlinkJob (line 2, column 7)',
      },
    ]);
  });

  it('rejects a wrong apiVersion of a known kind', () => {
    const job = { ...minimalJob(), apiVersion: 'v1' };
    expect(issuesOf(validateSpecDocuments([job]))).toEqual([
      { path: 'documents[0].apiVersion', message: 'must be "fjc.dev/v1"' },
    ]);
  });

  it('rejects documents that are not mappings', () => {
    expect(issuesOf(parseSpecDocuments('- 1\n- 2\n'))).toEqual([
      {
        path: 'documents[0]',
        message: 'must be a mapping with apiVersion, kind, metadata and spec (line 1, column 1)',
      },
    ]);
  });
});

describe('multi-document files', () => {
  it('reads every YAML document and skips empty ones', () => {
    const text = `${CLUSTER_YAML}---\n${JOB_YAML}---\n# nothing here\n`;
    const documents = documentsOf(parseSpecDocuments(text, { filename: 'fleet.yml' }));
    expect(documents.map((document) => document.kind)).toEqual(['FlinkCluster', 'FlinkJob']);
  });

  it('numbers documents by their position in the file', () => {
    const text = `${CLUSTER_YAML}---\n---\n${JOB_YAML}  parallelism: 0\n`;
    expect(paths(parseSpecDocuments(text))).toEqual(['documents[2].spec.parallelism']);
  });

  it('rejects duplicate names of the same kind, allows the same name across kinds', () => {
    const text = [JOB_YAML, JOB_YAML, CLUSTER_YAML.replace('name: local', 'name: counter')].join(
      '---\n',
    );
    expect(issuesOf(parseSpecDocuments(text))).toEqual([
      {
        path: 'documents[1].metadata.name',
        message:
          'duplicate FlinkJob name "counter": already used by documents[0] (line 14, column 9)',
      },
    ]);
  });

  it('reports an empty file', () => {
    expect(issuesOf(parseSpecDocuments('# only a comment\n'))).toEqual([
      {
        path: 'documents',
        message: 'no documents found; expected FlinkCluster or FlinkJob documents',
      },
    ]);
    expect(paths(parseSpecDocuments(''))).toEqual(['documents']);
  });
});

describe('YAML', () => {
  it('reports syntax errors with line and column', () => {
    const issues = issuesOf(parseSpecDocuments(`${CLUSTER_YAML}---\nkind: [FlinkJob\nspec: }\n`));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.path).toBe('documents[1]');
    expect(issues[0]?.message).toMatch(/^YAML syntax error at line 9, column 1: /);
  });

  it('rejects duplicate keys', () => {
    const issues = issuesOf(parseSpecDocuments(`${JOB_YAML}  team: other\n`));
    expect(issues).toEqual([
      {
        path: 'documents[0].spec.team',
        message: 'duplicate key "team" (first at line 6, column 3) (line 10, column 3)',
      },
    ]);
  });

  it('reads YAML 1.2: "no" and "off" stay strings', () => {
    const job = onlyJob(
      parseSpecDocuments(`${JOB_YAML}  args: [no, off]\n  savepointPolicy:\n    interval: off\n`),
    );
    expect(job.spec.args).toEqual(['no', 'off']);
    expect(job.spec.savepointPolicy.interval).toBe('off');
  });

  it('refuses alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level++) {
      lines.push(
        `${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + level)}`)
          .join(', ')}]`,
      );
    }
    const issues = issuesOf(parseSpecDocuments(lines.join('\n')));
    expect(issues[0]?.message).toMatch(/^aliases expand to more than 100000 keys and values/);
  });

  it('points a missing field at its parent mapping', () => {
    const issues = issuesOf(parseSpecDocuments(JOB_YAML.replace('  team: platform\n', '')));
    expect(issues).toEqual([
      { path: 'documents[0].spec.team', message: 'is required (a string) (line 6, column 3)' },
    ]);
  });
});

describe('JSON', () => {
  it('reads a single JSON object', () => {
    const job = onlyJob(parseSpecDocuments(JSON.stringify(minimalJob()), { filename: 'job.json' }));
    expect(job.spec.parallelism).toBe(1);
  });

  it('reads a JSON array of documents, sniffed without a file name', () => {
    const text = JSON.stringify([minimalCluster(), minimalJob()], null, 2);
    expect(documentsOf(parseSpecDocuments(text)).map((document) => document.kind)).toEqual([
      'FlinkCluster',
      'FlinkJob',
    ]);
  });

  it('locates issues inside a JSON array', () => {
    const text = JSON.stringify([minimalCluster(), jobWithSpec({ parallelism: '2' })], null, 2);
    expect(issuesOf(parseSpecDocuments(text))).toEqual([
      {
        path: 'documents[1].spec.parallelism',
        message: 'must be a whole number from 1 to 32768 (line 24, column 22)',
      },
    ]);
  });

  it('reports JSON syntax errors with line and column', () => {
    const issues = issuesOf(
      parseSpecDocuments('{\n  "kind": "FlinkJob",\n}', { filename: 'x.json' }),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('documents');
    expect(issues[0]?.message).toMatch(/^JSON syntax error at line 3, column 1: /);
  });

  it('rejects duplicate JSON keys, which JSON.parse would drop silently', () => {
    const issues = issuesOf(parseSpecDocuments('{"kind": "FlinkJob", "kind": "FlinkCluster"}'));
    expect(issues[0]?.message).toBe(
      'duplicate key "kind" (first at line 1, column 2) (line 1, column 22)',
    );
  });

  it('falls back to YAML for a sniffed flow mapping that is not JSON', () => {
    const issues = issuesOf(parseSpecDocuments('{apiVersion: fjc.dev/v1, kind: FlinkJob}'));
    expect(issues.map((issue) => issue.path)).toEqual([
      'documents[0].metadata',
      'documents[0].spec',
    ]);
  });

  it('rejects a JSON value that is not a document', () => {
    expect(paths(parseSpecDocuments('42', { filename: 'a.json' }))).toEqual(['documents[0]']);
    expect(paths(parseSpecDocuments('[]', { filename: 'a.json' }))).toEqual(['documents']);
  });
});

describe('FlinkCluster', () => {
  it('accepts every auth type with a secret reference over https', () => {
    for (const type of ['basic', 'bearer', 'mtls']) {
      const cluster = clusterWithSpec({
        url: 'https://flink.example.com',
        flinkVersion: '2.1.0',
        auth: {
          type,
          secretRef: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:flink-AbCdEf',
        },
        caBundle: { secretRef: 'fjc/ca-bundle' },
        defaultSavepointDirectory: 's3://savepoints/prod',
      });
      expect(validateSpecDocuments([cluster]).ok).toBe(true);
    }
  });

  it('rejects inline secrets with a message about Secrets Manager', () => {
    const cluster = clusterWithSpec({
      url: 'https://flink.example.com',
      auth: { type: 'basic', username: 'admin', password: 'hunter2' },
      token: 'abc',
    });
    const issues = issuesOf(validateSpecDocuments([cluster]));
    expect(issues.map((issue) => issue.path)).toEqual([
      'documents[0].spec.auth.secretRef',
      'documents[0].spec.auth.username',
      'documents[0].spec.auth.password',
      'documents[0].spec.token',
    ]);
    expect(issues[1]?.message).toBe('unknown field; allowed: type, secretRef');
    for (const issue of [issues[2], issues[3]]) {
      expect(issue?.message).toBe(
        'inline secrets are not allowed: store the value in AWS Secrets Manager and reference it with secretRef',
      );
    }
  });

  it('rejects credentials inside the URL', () => {
    const issues = issuesOf(
      validateSpecDocuments([clusterWithSpec({ url: 'https://u:p@flink:8081' })]),
    );
    expect(issues[0]?.message).toMatch(/^inline secrets are not allowed/);
  });

  it.each([
    ['not a url', /absolute http/],
    ['ftp://flink:21', /must use http or https, not ftp/],
    ['http://flink:8081/?x=1', /query or fragment/],
  ])('rejects the url %s', (url, message) => {
    const issues = issuesOf(validateSpecDocuments([clusterWithSpec({ url })]));
    expect(issues[0]?.message).toMatch(message);
  });

  it('refuses credentials and a CA bundle over plain http', () => {
    const cluster = clusterWithSpec({
      url: 'HTTP://flink:8081',
      auth: { type: 'bearer', secretRef: 'flink-token' },
      caBundle: { secretRef: 'ca' },
      flinkVersion: 'latest',
    });
    expect(issuesOf(validateSpecDocuments([cluster]))).toEqual([
      {
        path: 'documents[0].spec.flinkVersion',
        message: 'must look like "1.20" or "2.1.0" (quote it in YAML)',
      },
      {
        path: 'documents[0].spec.auth.type',
        message: 'auth type bearer needs an https url: credentials must not travel in clear text',
      },
      { path: 'documents[0].spec.caBundle', message: 'caBundle needs an https url' },
    ]);
  });

  it('explains a wrong auth type and a malformed secret reference', () => {
    const issues = issuesOf(
      validateSpecDocuments([
        clusterWithSpec({ url: 'https://f', auth: { type: 'kerberos' } }),
        clusterWithSpec({ url: 'https://f', auth: 'none' }),
        clusterWithSpec({ url: 'https://f', auth: { type: 'basic', secretRef: 'has space' } }),
      ]),
    );
    expect(issues.map((issue) => [issue.path, issue.message.slice(0, 30)])).toEqual([
      ['documents[0].spec.auth.type', 'must be one of none, basic, be'],
      ['documents[1].spec.auth', 'must be an object such as {typ'],
      ['documents[2].spec.auth.secretRef', 'must be the name (letters, dig'],
      ['documents[1].metadata.name', 'duplicate FlinkCluster name "l'],
      ['documents[2].metadata.name', 'duplicate FlinkCluster name "l'],
    ]);
  });
});

describe('FlinkJob fields', () => {
  it.each([
    ['s3://my.bucket/a/b.jar', true],
    ['/opt/jobs/job.jar', true],
    ['target/job.jar', true],
    ['s3://B/job.jar', false],
    ['s3://bucket', false],
    ['https://example.com/job.jar', false],
    ['target/job.zip', false],
    [' target/job.jar', false],
  ])('artifact uri %s valid: %s', (uri, valid) => {
    expect(validateSpecDocuments([jobWithSpec({ artifact: { uri } })]).ok).toBe(valid);
  });

  it('requires a lowercase hex sha256', () => {
    const issues = issuesOf(
      validateSpecDocuments([jobWithSpec({ artifact: { uri: 'a.jar', sha256: 'ABC' } })]),
    );
    expect(issues[0]).toEqual({
      path: 'documents[0].spec.artifact.sha256',
      message: 'must be 64 lowercase hexadecimal characters',
    });
  });

  it('checks entry class names', () => {
    expect(validateSpecDocuments([jobWithSpec({ entryClass: 'com.example.Job$Inner' })]).ok).toBe(
      true,
    );
    expect(paths(validateSpecDocuments([jobWithSpec({ entryClass: 'com..Job' })]))).toEqual([
      'documents[0].spec.entryClass',
    ]);
  });

  it('requires string configuration values and refuses keys fjc manages', () => {
    const issues = issuesOf(
      validateSpecDocuments([
        jobWithSpec({
          flinkConfiguration: {
            'taskmanager.numberOfTaskSlots': 2,
            'parallelism.default': '4',
            '$internal.pipeline.job-id': 'x',
            ' padded': 'x',
          },
        }),
      ]),
    );
    expect(issues).toEqual([
      {
        path: 'documents[0].spec.flinkConfiguration["taskmanager.numberOfTaskSlots"]',
        message: 'must be a string (quote numbers and booleans in YAML)',
      },
      {
        path: 'documents[0].spec.flinkConfiguration["parallelism.default"]',
        message: 'invalid key: is managed by fjc: use spec.parallelism instead',
      },
      {
        path: 'documents[0].spec.flinkConfiguration["$internal.pipeline.job-id"]',
        message: 'invalid key: is reserved for Flink ($internal. prefix)',
      },
      {
        path: 'documents[0].spec.flinkConfiguration[" padded"]',
        message: 'invalid key: must be non-empty without surrounding spaces',
      },
    ]);
  });

  it('refuses a __proto__ configuration key instead of losing it', () => {
    const text =
      '{"apiVersion":"fjc.dev/v1","kind":"FlinkJob","metadata":{"name":"a"},"spec":{"team":"t","clusterRef":"c","artifact":{"uri":"a.jar"},"flinkConfiguration":{"__proto__":"x"}}}';
    expect(issuesOf(parseSpecDocuments(text))).toEqual([
      {
        path: 'documents[0].spec.flinkConfiguration.__proto__',
        message: 'is not allowed as a key (line 1, column 167)',
      },
    ]);
    expect(
      paths(validateSpecDocuments([JSON.parse('{"__proto__": 1, "kind": "FlinkJob"}')])),
    ).toContain('documents[0].__proto__');
  });

  it('allows cancel on deletion only for stateless jobs', () => {
    expect(
      validateSpecDocuments([jobWithSpec({ deletionPolicy: 'cancel', upgradeMode: 'stateless' })])
        .ok,
    ).toBe(true);
    const issues = issuesOf(validateSpecDocuments([jobWithSpec({ deletionPolicy: 'cancel' })]));
    expect(issues).toEqual([
      {
        path: 'documents[0].spec.deletionPolicy',
        message:
          'cancel is only allowed with upgradeMode stateless (it discards state); use suspend-with-savepoint or keep-running with upgradeMode savepoint',
      },
    ]);
  });

  it('reports the deletion rule together with unrelated issues', () => {
    const job = jobWithSpec({
      deletionPolicy: 'cancel',
      upgradeMode: 'last-state',
      parallelism: -1,
    });
    expect(paths(validateSpecDocuments([job]))).toEqual([
      'documents[0].spec.parallelism',
      'documents[0].spec.deletionPolicy',
    ]);
  });

  it('checks durations', () => {
    const job = jobWithSpec({
      savepointPolicy: { interval: '0s', maxAge: '400d' },
      stabilityGate: { soakWindow: '0s', readinessTimeout: 300 },
      restore: { initialSavepointPath: 'relative/savepoint' },
    });
    expect(
      issuesOf(validateSpecDocuments([job])).map((issue) => [issue.path, issue.message]),
    ).toEqual([
      ['documents[0].spec.restore.initialSavepointPath', expect.stringMatching(/absolute path$/)],
      [
        'documents[0].spec.savepointPolicy.interval',
        expect.stringMatching(/greater than zero.*or "off"$/),
      ],
      ['documents[0].spec.savepointPolicy.maxAge', expect.stringMatching(/at most 365d$/)],
      [
        'documents[0].spec.stabilityGate.readinessTimeout',
        expect.stringMatching(/^must be a duration/),
      ],
    ]);
  });

  it('checks labels and nonces', () => {
    const job = {
      ...jobWithSpec({ restartNonce: 1.5, savepointNonce: -1 }),
      metadata: { name: 'a', labels: { 'example.com/team': 'x', '-bad': 'y', ok: true } },
    };
    expect(paths(validateSpecDocuments([job]))).toEqual([
      'documents[0].metadata.labels["-bad"]',
      'documents[0].metadata.labels.ok',
      'documents[0].spec.restartNonce',
      'documents[0].spec.savepointNonce',
    ]);
  });
});

describe('parseSpecDocumentsOrThrow', () => {
  it('returns the documents of a valid file', () => {
    expect(parseSpecDocumentsOrThrow(CLUSTER_YAML)).toHaveLength(1);
  });

  it('throws a ValidationError with every issue', () => {
    let caught: unknown;
    try {
      parseSpecDocumentsOrThrow('kind: Nope\n', { filename: 'bad.yaml' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.message).toBe('bad.yaml has 2 problems');
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'documents[0].apiVersion',
      'documents[0].kind',
    ]);
    expect(() => parseSpecDocumentsOrThrow('')).toThrow('spec has 1 problem');
  });
});

describe('limits', () => {
  it('refuses text above the size limit before parsing', () => {
    const issues = issuesOf(parseSpecDocuments(' '.repeat(MAX_SPEC_FILE_BYTES + 1)));
    expect(issues[0]?.message).toMatch(/larger than/);
  });

  it('refuses too many documents', () => {
    const values = Array.from({ length: MAX_DOCUMENTS + 1 }, () => minimalCluster());
    expect(issuesOf(validateSpecDocuments(values))[0]?.message).toMatch(/at most 1000 documents/);
  });
});

describe('encodeSpecDocument', () => {
  it('gives back input that validates to the same document', () => {
    const job = onlyJob(parseSpecDocuments(JOB_YAML));
    const encoded = encodeSpecDocument(job);
    expect(encoded).toMatchObject({ spec: { stabilityGate: { soakWindow: '60s' } } });
    expect(specDocumentSchema.parse(encoded)).toEqual(job);
  });
});
