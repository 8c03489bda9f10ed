/**
 * Inline secrets in the free-form parts of a spec (flinkConfiguration, args, labels) are refused
 * with the way to do it instead, and the secret itself never appears in the message.
 */
import { describe, expect, it } from 'vitest';
import {
  formatPath,
  parseSpecDocuments,
  validateSpecDocuments,
  type FieldIssue,
  type ParseResult,
} from '../../../functions/core/spec/index.js';
import { JOB_YAML, minimalJob } from './fixtures.js';

const SECRET = 'hunter2-S3cr3t';
const REMEDY =
  /give the credential to the cluster .* or let the job read it from AWS Secrets Manager/;

function jobWithSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const job = minimalJob();
  return { ...job, spec: { ...(job.spec as Record<string, unknown>), ...spec } };
}

function issuesOf(result: ParseResult): FieldIssue[] {
  if (result.ok) throw new Error('expected issues');
  return result.issues;
}

describe('inline secrets in flinkConfiguration', () => {
  it.each([
    's3.secret-key',
    'fs.s3a.secret.key',
    'fs.s3a.session.token',
    'fs.s3a.encryption.key',
    'security.ssl.keystore-password',
    'security.ssl.rest.truststore-password',
    'security.ssl.internal.key-password',
    'properties.sasl.jaas.config',
    'fs.azure.account.key.myaccount.blob.core.windows.net',
    'fs.oss.accessKeySecret',
    'fs.gs.auth.service.account.private.key',
    'metrics.reporter.dghttp.apikey',
    'metrics.reporter.dghttp.apiKey',
    'metrics.reporter.influxdb.password',
    'properties.basic.auth.user.info',
    'client.secret',
    'PASSWORD',
  ])('refuses %s with the remedy, without echoing the value', (key) => {
    const issues = issuesOf(
      validateSpecDocuments([jobWithSpec({ flinkConfiguration: { [key]: SECRET } })]),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(formatPath(['documents', 0, 'spec', 'flinkConfiguration', key]));
    expect(issues[0]?.message).toMatch(REMEDY);
    expect(JSON.stringify(issues)).not.toContain(SECRET);
  });

  it.each([
    'security.delegation.tokens.enabled',
    'security.delegation.token.provider.hadoopfs.enabled',
    'security.ssl.keystore',
    'security.ssl.rest.enabled',
    'security.kerberos.login.keytab',
    'fs.s3a.aws.credentials.provider',
    's3.access-key',
    'fs.oss.accessKeyId',
    'kubernetes.secrets',
    'execution.checkpointing.interval',
  ])('accepts %s, which names no secret value', (key) => {
    expect(validateSpecDocuments([jobWithSpec({ flinkConfiguration: { [key]: 'x' } })]).ok).toBe(
      true,
    );
  });

  it('refuses credentials inside values: URLs with a password, -D assignments', () => {
    const issues = issuesOf(
      validateSpecDocuments([
        jobWithSpec({
          flinkConfiguration: {
            'custom.jdbc-url': `jdbc:postgresql://app:${SECRET}@db:5432/orders`,
            'env.java.opts.taskmanager': `-Xmx1g -Djavax.net.ssl.trustStorePassword=${SECRET}`,
            'custom.endpoint': 'https://user@host/path',
          },
        }),
      ]),
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'documents[0].spec.flinkConfiguration["custom.jdbc-url"]',
      'documents[0].spec.flinkConfiguration["env.java.opts.taskmanager"]',
    ]);
    for (const issue of issues) expect(issue.message).toMatch(REMEDY);
    expect(JSON.stringify(issues)).not.toContain(SECRET);
  });
});

describe('inline secrets in args', () => {
  it('refuses --name=value and --name value for secret-like names, and URLs with a password', () => {
    const args = [
      '--input',
      'kafka://orders',
      `--password=${SECRET}`,
      '--api-key',
      SECRET,
      `-Dsasl.jaas.config=${SECRET}`,
      `--sink=https://u:${SECRET}@example.com/x`,
      '--token-file',
      '/var/run/token',
      '--secret-ref',
      'fjc/orders',
      '--use-secrets-manager',
    ];
    const issues = issuesOf(validateSpecDocuments([jobWithSpec({ args })]));
    expect(issues.map((issue) => issue.path)).toEqual([
      'documents[0].spec.args[2]',
      'documents[0].spec.args[3]',
      'documents[0].spec.args[5]',
      'documents[0].spec.args[6]',
    ]);
    for (const issue of issues) expect(issue.message).toMatch(REMEDY);
    expect(JSON.stringify(issues)).not.toContain(SECRET);
  });

  it('says where through YAML too', () => {
    const issues = issuesOf(parseSpecDocuments(`${JOB_YAML}  args: ["--password=${SECRET}"]\n`));
    expect(issues).toEqual([
      {
        path: 'documents[0].spec.args[0]',
        message: expect.stringMatching(
          /^looks like a credential.*\(line 10, column 10\)$/,
        ) as string,
      },
    ]);
  });
});

describe('inline secrets in labels', () => {
  it('refuses secret-like label keys', () => {
    const job = { ...minimalJob(), metadata: { name: 'a', labels: { 'api-token': 'abc' } } };
    const issues = issuesOf(validateSpecDocuments([job]));
    expect(issues).toEqual([
      {
        path: 'documents[0].metadata.labels["api-token"]',
        message: expect.stringMatching(REMEDY) as string,
      },
    ]);
  });
});
